// The CSRF guard: deny by default, allow only a request a browser marks as ours.
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { AppError } from '../errors'

/**
 * hono/csrf's rule (Sec-Fetch-Site or Origin must prove our origin; neither header means deny), applied
 * to every method and body type the guarded routes take: hono/csrf skips GET and JSON bodies, and
 * `/sso/start` (GET) and `/api/team` (JSON) are guarded too. Sec-Fetch-Site, when sent, decides;
 * `none` is a URL the person typed.
 */
export const sameOriginOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const site = c.req.header('sec-fetch-site')
  const origin = c.req.header('origin')
  const allowed = site
    ? site === 'same-origin' || site === 'none'
    : origin === c.var.config.publicOrigin
  if (!allowed) throw new AppError('csrf_refused')
  await next()
}
