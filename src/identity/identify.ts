// Who a cookie signs in, for a host Worker over the service binding: the same check and token as GET /api/token.
import { decodeJwt } from 'jose'
import type { IdentityClaims, IdentityToken } from './token'

/** The part of the app this needs: its fetch (the app's own routes answer, no network hop). */
interface App {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>
}

/**
 * The identity token of the session a browser's `Cookie` header presents, or null when it presents none
 * that is live. It asks the app's own `GET /api/token`, so the session recheck, a revoked session's
 * refusal and the per-session token cache are the ones every other request meets.
 */
export async function identify(
  app: App,
  env: Env,
  ctx: ExecutionContext,
  cookieHeader: string | null,
): Promise<IdentityToken | null> {
  if (!cookieHeader) return null
  const request = new Request(new URL('/api/token', env.PUBLIC_URL), {
    headers: { cookie: cookieHeader },
  })
  const response = await app.fetch(request, env, ctx)
  if (response.status === 401) return null
  if (!response.ok) throw new Error(`identify: /api/token answered ${response.status}`)
  const { token } = (await response.json()) as { token: string }
  return { token, claims: decodeJwt(token) as unknown as IdentityClaims }
}
