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
}

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
  }
}
