// The anonymous login routes in one list: each one's audit action, and the per-client rate limit they share.
import type { Hono } from 'hono'
import type { AppEnv } from '../env'
import type { AuditAction } from '../vocabulary'
import { audited } from './audit'
import { clientKey, rateLimit, rateLimits } from './rate-limit'

/**
 * Routes anyone may send without a session or token: 100 per 10 seconds per client together. A new
 * anonymous route is one line here.
 */
const anonymousLoginRoutes: readonly (readonly [path: string, action: AuditAction])[] = [
  ['/sso/start', 'sso_start'],
  ['/sso/initiate', 'sso_initiate'],
  ['/sso/initiate/:connectionId', 'sso_initiate'],
  ['/login/password', 'password_login'],
  ['/register', 'register'],
  ['/password/forgot', 'password_forgot'],
  ['/password/reset/:token', 'password_reset'],
  ['/verify-email/:token', 'verify_email'],
  ['/setup/*', 'setup_view'],
  ['/recover/:token', 'recovery_login'],
]

/** Puts the audit and the rate limit in front of every anonymous login route. */
export function guardAnonymousLoginRoutes(app: Hono<AppEnv>) {
  for (const [path, action] of anonymousLoginRoutes)
    app.use(path, audited({ kind: 'login', action }), rateLimit(rateLimits.anonymous, clientKey))
}
