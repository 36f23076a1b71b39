// Every refusal's record, however it is answered (a page, JSON, SCIM's schema): one log line and one event row.
import type { Context } from 'hono'
import { database } from '../db/client'
import { countAnonymousRefusal, insertEvent } from '../db/events'
import type { AppEnv } from '../env'
import { type AppError, type ErrorCode, mergeSubjects } from '../errors'
import { type Audit, concernsIdentity, eventRow, newReferenceId } from '../events'
import { describeCause, log } from '../log'

/** Routine answers (not signed in, no such page, a read-only address) are not attempts worth an event row. */
const routine = new Set<ErrorCode>(['unauthorized', 'not_found', 'method_not_allowed'])

/** The path as logged: a mailed link's token (verification, reset, setup, recovery) is a bearer secret and never logged. */
const loggedPath = (path: string) =>
  path
    .slice(0, 256)
    .replace(/^(\/verify-email|\/password\/reset|\/setup|\/recover)\/[^/]+/, '$1/:token')

/**
 * Logs the refusal (with its cause) and writes its event row: the request's audit, and whom it concerns (the
 * request's subject, then what the error names). Best effort: a failed write is logged as
 * `event_write_failed` under the same reference id, never thrown. `logged` adds fields to the log line.
 * Returns the reference id the answer shows.
 */
export async function recordRefusal(
  c: Context<AppEnv>,
  error: AppError,
  logged: Record<string, unknown> = {},
): Promise<string> {
  const referenceId = newReferenceId()
  const audit: Audit = c.get('audit') ?? {
    kind: c.req.path.startsWith('/admin') ? 'admin' : 'login',
    action: 'request',
  }
  const failed = error.status >= 500
  const outcome = failed ? 'error' : 'refused'
  log(failed ? 'error' : 'info', audit.action, {
    path: loggedPath(c.req.path),
    outcome,
    code: error.code,
    referenceId,
    ...logged,
    cause: describeCause(error.cause),
  })
  if (c.env?.DB && !routine.has(error.code)) {
    const subject = mergeSubjects(c.get('subject') ?? {}, error.subject)
    const row = eventRow({
      audit,
      subject,
      outcome,
      errorCode: error.code,
      referenceId,
      atMs: Date.now(),
    })
    const write = concernsIdentity(subject) ? insertEvent : countAnonymousRefusal
    await write(database(c.env.DB), row).catch((cause: unknown) =>
      log('error', 'event_write_failed', {
        referenceId,
        code: error.code,
        cause: describeCause(cause),
      }),
    )
  }
  return referenceId
}
