// The identity token's public side: the JWKS host apps verify against, and the token for a signed-in browser.
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../env'
import { identityKeys } from '../identity/signing-keys'
import { identityToken } from '../identity/token'
import { publicJson } from '../http/openapi'
import { jwksAnswer, type TokenAnswer } from '../schemas'

/** `GET /.well-known/jwks.json`: public keys only, cacheable for five minutes (a rotation publishes first). */
export const jwksRoutes = new Hono<AppEnv>().get(
  '/jwks.json',
  publicJson({
    summary: 'The public keys identity tokens are signed with (cacheable for five minutes)',
    answer: { status: 200, schema: jwksAnswer },
  }),
  async (c) => {
    const { jwks } = await identityKeys(c.var.config)
    c.header('cache-control', 'public, max-age=300')
    return c.json(jwks)
  },
)

/** `GET /api/token` behind the API's session check: the signed-in browser's identity token, never cached. */
export async function tokenResponse(c: Context<AppEnv>) {
  const { session, config, runtime } = c.var
  const { token, claims } = await identityToken(session, config, runtime.now())
  c.header('cache-control', 'no-store')
  const answer: TokenAnswer = { token, expiresAt: new Date(claims.exp * 1000).toISOString() }
  return c.json(answer)
}
