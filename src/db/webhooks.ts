// The webhook outbox and the teams' audit streams: rows written with each change, what is left to deliver, cursors.
import { and, asc, eq, gt, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm'
import { rowWhen } from './guarded-insert'
import type { Database } from './client'
import { auditStreams, events, webhookOutbox } from './schema'

export type NewWebhookRow = typeof webhookOutbox.$inferInsert

export const insertWebhook = (db: Database, row: NewWebhookRow) =>
  db.insert(webhookOutbox).values(row)

/** The row, only when `condition` holds as the statement runs (the change it reports may not happen). */
export const insertWebhookWhen = (db: Database, row: NewWebhookRow, condition: SQL) =>
  db.insert(webhookOutbox).select(rowWhen(webhookOutbox, row, condition))

/** The rows of `ids` still to deliver (a message whose row is missing or delivered has nothing to do). */
export const undeliveredWebhooks = (db: Database, ids: string[]) =>
  db
    .select()
    .from(webhookOutbox)
    .where(and(inArray(webhookOutbox.id, ids), isNull(webhookOutbox.deliveredAt)))
    .all()

export const markWebhooksDelivered = (db: Database, ids: string[], atMs: number) =>
  db.update(webhookOutbox).set({ deliveredAt: atMs }).where(inArray(webhookOutbox.id, ids))

export const markWebhookDead = (db: Database, id: string, atMs: number) =>
  db
    .update(webhookOutbox)
    .set({ deadAt: atMs })
    .where(and(eq(webhookOutbox.id, id), isNull(webhookOutbox.deliveredAt)))
    .returning({ teamId: webhookOutbox.teamId, type: webhookOutbox.type })

/**
 * Rows not delivered, not dead, older than `olderThanMs` and not re-sent since `resentBeforeMs`, oldest first:
 * claimed for a re-send (their `resent_at` set) in the same statement.
 */
export const claimUnacknowledged = (
  db: Database,
  q: { olderThanMs: number; resentBeforeMs: number; nowMs: number; limit: number },
) =>
  db
    .update(webhookOutbox)
    .set({ resentAt: q.nowMs })
    .where(
      inArray(
        webhookOutbox.id,
        db
          .select({ id: webhookOutbox.id })
          .from(webhookOutbox)
          .where(
            and(
              isNull(webhookOutbox.deliveredAt),
              isNull(webhookOutbox.deadAt),
              lt(webhookOutbox.at, q.olderThanMs),
              or(isNull(webhookOutbox.resentAt), lt(webhookOutbox.resentAt, q.resentBeforeMs)),
            ),
          )
          .orderBy(asc(webhookOutbox.at))
          .limit(q.limit),
      ),
    )
    .returning({ id: webhookOutbox.id })

export const upsertAuditStream = (
  db: Database,
  row: { teamId: string; url: string; secretSealed: string; cursor: number },
) =>
  db
    .insert(auditStreams)
    .values(row)
    .onConflictDoUpdate({
      target: auditStreams.teamId,
      set: { url: row.url, secretSealed: row.secretSealed, leasedUntil: 0 },
    })

export const deleteAuditStream = (db: Database, teamId: string) =>
  db.delete(auditStreams).where(eq(auditStreams.teamId, teamId))

export const auditStreamOf = (db: Database, teamId: string) =>
  db.select().from(auditStreams).where(eq(auditStreams.teamId, teamId)).get()

/** The rowid of the team's newest event: a new stream starts after what happened before it existed. */
export const lastEventSeq = (db: Database, teamId: string) =>
  db
    .select({ seq: sql<number>`coalesce(max(${events}.rowid), 0)` })
    .from(events)
    .where(eq(events.teamId, teamId))

/** Teams whose stream has events after its cursor and no delivery running. */
export const streamsBehind = (db: Database, nowMs: number, limit: number) =>
  db
    .select({ teamId: auditStreams.teamId })
    .from(auditStreams)
    .where(
      and(
        lt(auditStreams.leasedUntil, nowMs),
        sql`exists (select 1 from ${events} where ${events.teamId} = ${auditStreams.teamId} and ${events}.rowid > ${auditStreams.cursor})`,
      ),
    )
    .limit(limit)
    .all()

/**
 * Takes the team's delivery for `leaseMs` when no other holds it: the stream, or nothing (another runs).
 * Batched with `eventsAfterCursor`, so the claim and the read are one round trip.
 */
export const leaseAuditStream = (db: Database, teamId: string, nowMs: number, leaseMs: number) =>
  db
    .update(auditStreams)
    .set({ leasedUntil: nowMs + leaseMs })
    .where(and(eq(auditStreams.teamId, teamId), lt(auditStreams.leasedUntil, nowMs)))
    .returning()

/** The team's next events after the stream's cursor, in the order they were written. */
export const eventsAfterCursor = (db: Database, teamId: string, limit: number) =>
  db
    .select({
      seq: sql<number>`${events}.rowid`.as('seq'),
      id: events.id,
      at: events.at,
      kind: events.kind,
      action: events.action,
      outcome: events.outcome,
      errorCode: events.errorCode,
      teamId: events.teamId,
      email: events.email,
      referenceId: events.referenceId,
      count: events.count,
    })
    .from(events)
    .where(
      and(
        eq(events.teamId, teamId),
        gt(
          sql`${events}.rowid`,
          sql`(select ${auditStreams.cursor} from ${auditStreams} where ${auditStreams.teamId} = ${teamId})`,
        ),
      ),
    )
    .orderBy(sql`${events}.rowid`)
    .limit(limit)

/** Moves the cursor to `seq` (never back) and ends the lease. */
export const advanceAuditStream = (db: Database, teamId: string, seq: number) =>
  db
    .update(auditStreams)
    .set({ cursor: sql`max(${auditStreams.cursor}, ${seq})`, leasedUntil: 0 })
    .where(eq(auditStreams.teamId, teamId))
