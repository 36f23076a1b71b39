// Event rows for support: every login attempt and admin action, with outcome, error code and reference id.
import type { ErrorCode } from './errors'
import { randomId } from './crypto/encoding'
import type { NewEvent, EventRecord } from './db/events'
import type { AuditAction, EventOutcome } from './vocabulary'

/** What a request has learnt so far about the attempt it serves: filled in as the route goes. */
export interface Audit extends AuditFacts {
  kind: NewEvent['kind']
  action: AuditAction
}

/** What an operation learnt about whom it concerned, for the route to record. */
interface AuditFacts {
  teamId?: string | null
  email?: string | null
  /**
   * The attempt concerns someone real beyond what anyone may type: an existing account, a signed-in
   * user, or support past its token check.
   */
  identified?: boolean
}

/**
 * The one rule for refusal event rows: a refusal that concerns an identity (a known team, or someone
 * `identified`) gets its own row; any other is anonymous and only counted, one row per minute, kind, action,
 * outcome and code (`countAnonymousRefusal`), so a flood of bad requests writes a handful of rows. The
 * count row keeps the latest reference id; every refusal's reference id is in its log line.
 */
export const concernsIdentity = (audit: Audit): boolean =>
  Boolean(audit.teamId) || audit.identified === true

export const newReferenceId = () => randomId(9)

export function eventRow(
  audit: Audit,
  outcome: EventOutcome,
  errorCode: ErrorCode | null,
  referenceId: string,
  atMs: number,
): NewEvent {
  return {
    id: randomId(),
    at: atMs,
    kind: audit.kind,
    action: audit.action,
    outcome,
    errorCode,
    teamId: audit.teamId ?? null,
    email: audit.email ?? null,
    referenceId,
  }
}

/** The public shape of an event in the admin API. */
export function eventView(row: EventRecord) {
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
