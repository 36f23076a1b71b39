// Event rows for support: every login attempt and admin action, with outcome, error code and reference id.
import { type ErrorCode, mergeSubjects, type Subject } from './errors'
import { randomId } from './crypto/encoding'
import type { NewEvent, EventRecord } from './db/events'
import type { AuditAction, EventOutcome } from './vocabulary'
import type { EventView } from './admin/answers'

/** The attempt a request serves, named once where its route is declared (src/http/audit.ts); never changed. */
export interface Audit {
  readonly kind: NewEvent['kind']
  readonly action: AuditAction
}

/** An operation's event as its route hands it over: the request's attempt and whom it concerns. */
export interface Recorded {
  audit: Audit
  subject: Subject
}

/**
 * The one rule for refusal event rows: a refusal that concerns an identity (a known team, or someone
 * `identified`) gets its own row; any other is anonymous and only counted, one row per minute, kind, action,
 * outcome and code (`countAnonymousRefusal`), so a flood of bad requests writes a handful of rows. The
 * count row keeps the latest reference id; every refusal's reference id is in its log line.
 */
export const concernsIdentity = (subject: Subject): boolean =>
  Boolean(subject.teamId) || subject.identified === true

export const newReferenceId = () => randomId(9)

export function eventRow(event: {
  audit: Audit
  subject: Subject
  outcome: EventOutcome
  errorCode?: ErrorCode | null
  referenceId?: string
  atMs: number
}): NewEvent {
  return {
    id: randomId(),
    at: event.atMs,
    kind: event.audit.kind,
    action: event.audit.action,
    outcome: event.outcome,
    errorCode: event.errorCode ?? null,
    teamId: event.subject.teamId ?? null,
    email: event.subject.email ?? null,
    referenceId: event.referenceId ?? newReferenceId(),
  }
}

/** A success's event row. */
export const successRow = (audit: Audit, subject: Subject, atMs: number): NewEvent =>
  eventRow({ audit, subject, outcome: 'success', atMs })

/** The success row of an operation a route handed over: `subject` over what `recorded` names. */
export const recordedSuccess = (recorded: Recorded, subject: Subject, atMs: number): NewEvent =>
  successRow(recorded.audit, mergeSubjects(recorded.subject, subject), atMs)

/** The public shape of an event in the admin API. */
export function eventView(row: EventRecord): EventView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    kind: row.kind,
    outcome: row.outcome,
    errorCode: row.errorCode,
    teamId: row.teamId,
    email: row.email,
    referenceId: row.referenceId,
    /** How many refusals the row stands for: 1, or more for a row counting anonymous refusals. */
    count: row.count,
  }
}
