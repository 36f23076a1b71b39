// Request helpers shared by the routes: input validation, the CSRF guard, same-origin return paths.
import type { Context, MiddlewareHandler } from 'hono'
import type * as z from 'zod/mini'
import { database } from './db/client'
import type { AppEnv } from './env'
import { AppError } from './errors'
import type { UpstreamOptions } from './oidc/discovery'

/** GET reads the query, POST a urlencoded or multipart form; either is validated by `schema`. */
export async function readInput<T extends z.ZodMiniType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<z.infer<T>> {
  let raw: Record<string, unknown>
  if (c.req.method === 'GET' || c.req.method === 'HEAD') raw = c.req.query()
  else {
    const type = c.req.header('content-type') ?? ''
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type))
      throw new AppError('invalid_request')
    raw = await c.req.parseBody().catch(() => {
      throw new AppError('invalid_request')
    })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success)
    throw new AppError('invalid_request', {
      cause: parsed.error.issues.map((i) => i.path.join('.')),
    })
  return parsed.data
}

/**
 * Refuses cross-site form posts: Sec-Fetch-Site must be same-origin (or none, a typed URL), else Origin
 * must be ours. A request with neither header comes from no browser and carries no ambient cookie risk.
 */
export const sameOriginOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const site = c.req.header('sec-fetch-site')
  const origin = c.req.header('origin')
  const allowed = site
    ? site === 'same-origin' || site === 'none'
    : origin
      ? origin === c.var.config.publicOrigin
      : true
  if (!allowed) throw new AppError('csrf_refused')
  await next()
}

/**
 * A path on our own origin, or undefined. Accepts "/path" and absolute URLs on PUBLIC_URL; refuses
 * "//host", "/\host", "/..//host", other schemes and anything that resolves elsewhere.
 */
export function sameOriginPath(
  input: string | undefined,
  publicOrigin: string,
): string | undefined {
  if (!input || input.length > 2048 || /[\\\u0000-\u001f]/.test(input)) return undefined
  if (!input.startsWith('/') && !input.startsWith(`${publicOrigin}/`) && input !== publicOrigin)
    return undefined
  if (input.startsWith('//')) return undefined
  let url: URL
  try {
    url = new URL(input, publicOrigin)
  } catch {
    return undefined
  }
  // Dot segments can normalise "/..//host" to "//host", which a browser reads as another origin.
  const path = `${url.pathname}${url.search}${url.hash}`
  return url.origin === publicOrigin && !path.startsWith('//') ? path : undefined
}

export const db = (c: Context<AppEnv>) => database(c.env.DB)

export const upstream = (c: Context<AppEnv>): UpstreamOptions => ({
  runtime: c.var.runtime,
  allowHttp: c.var.config.allowHttpIssuers,
  source: { kv: c.env.CACHE, waitUntil: (p) => c.executionCtx.waitUntil(p) },
})

export const redirectUri = (c: Context<AppEnv>) => `${c.var.config.publicOrigin}/sso/callback`
