// Names the attempt a request serves before anything can refuse it, so every refusal's event says what it was.
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import type { Audit } from '../events'
import type { AuditAction } from '../vocabulary'

export const audited =
  (audit: Audit): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('audit', { ...audit })
    await next()
  }

/** Names the action of a request whose audit is already set (who, which team), as the step it performs. */
export const auditedAs =
  (action: AuditAction): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.var.audit.action = action
    await next()
  }
