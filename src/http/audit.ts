// Names the attempt a request serves before anything can refuse it, so every refusal's event says what it was.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { mergeSubjects, type Subject } from '../errors'
import type { Audit, Recorded } from '../events'
import type { AuditAction } from '../vocabulary'

export const audited =
  (audit: Audit): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('audit', Object.freeze({ ...audit }))
    await next()
  }

/** Names the action of a request whose audit kind is already set (support, setup), as the step it performs. */
export const auditedAs =
  (action: AuditAction): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('audit', Object.freeze({ ...c.var.audit, action }))
    await next()
  }

/** What an operation's success event names: the request's audit, its subject, then `subject`. */
export const recorded = (c: Context<AppEnv>, subject: Subject = {}): Recorded => ({
  audit: c.var.audit,
  subject: mergeSubjects(c.get('subject') ?? {}, subject),
})
