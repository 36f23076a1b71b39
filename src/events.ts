// Event rows for support: every login attempt and admin action, with outcome, error code and reference id.
import type { ErrorCode } from './errors'
import { randomId } from './crypto/encoding'
import type { Database } from './db/client'
import { events } from './db/schema'

export type EventRow = typeof events.$inferInsert

/** What a request has learnt so far about the attempt it serves: filled in as the route goes. */
export interface Audit {
  kind: 'login' | 'admin'
  action: string
  teamId?: string | null
  email?: string | null
}

export const newReferenceId = () => randomId(9)

export function eventRow(
  audit: Audit,
  outcome: EventRow['outcome'],
  errorCode: ErrorCode | null,
  referenceId: string,
  atMs: number,
): EventRow {
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

export const insertEvent = (db: Database, row: EventRow) => db.insert(events).values(row)

/** The public shape of an event in the admin API. */
export function eventView(row: typeof events.$inferSelect) {
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
