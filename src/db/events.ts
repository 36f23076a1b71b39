// Event rows: written with each login attempt and admin action, listed newest first a page at a time for support.
import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import type { Database } from './client'
import { rowWhen } from './guarded-insert'
import { type Page, type Position, pageOf } from './pages'
import { events } from './schema'

export type NewEvent = typeof events.$inferInsert
export type EventRecord = typeof events.$inferSelect

export const insertEvent = (db: Database, row: NewEvent) => db.insert(events).values(row)

/** The event row, only when `condition` holds as the statement runs (a write that may be refused in its batch). */
export const insertEventWhen = (db: Database, row: NewEvent, condition: SQL) =>
  db.insert(events).select(rowWhen(events, row, condition))

/**
 * Counts an anonymous refusal on the row for its minute, kind, action, outcome and code: the first
 * creates it, the rest add one and leave their time and reference id (the latest is kept).
 */
export const countAnonymousRefusal = (db: Database, row: NewEvent) =>
  db
    .insert(events)
    .values({
      ...row,
      id: `anon-${Math.floor(row.at / 60_000)}-${row.kind}-${row.action}-${row.outcome}-${row.errorCode ?? ''}`,
      teamId: null,
      email: null,
      count: 1,
    })
    .onConflictDoUpdate({
      target: events.id,
      set: {
        count: sql`${events.count} + 1`,
        at: sql`excluded.at`,
        referenceId: sql`excluded.reference_id`,
      },
    })

/** Login attempts and admin actions, newest first by (at, id), optionally for one team, after `before`. */
export async function listEvents(
  db: Database,
  query: { teamId?: string; limit: number; before?: Position },
): Promise<Page<EventRecord>> {
  const rows = await db
    .select()
    .from(events)
    .where(
      and(
        query.teamId ? eq(events.teamId, query.teamId) : undefined,
        query.before &&
          sql`(${events.at}, ${events.id}) < (${query.before[0]}, ${query.before[1]})`,
      ),
    )
    .orderBy(desc(events.at), desc(events.id))
    .limit(query.limit + 1)
    .all()
  return pageOf(rows, query.limit, (e) => [e.at, e.id])
}
