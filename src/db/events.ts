// Event rows: written with each login attempt and admin action, listed newest first for support.
import { desc, eq, sql } from 'drizzle-orm'
import type { Database } from './client'
import { events } from './schema'

export type NewEvent = typeof events.$inferInsert
export type EventRecord = typeof events.$inferSelect

export const insertEvent = (db: Database, row: NewEvent) => db.insert(events).values(row)

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

/** Login attempts and admin actions, newest first, optionally for one team. */
export const listEvents = (db: Database, query: { teamId?: string; limit: number }) =>
  db
    .select()
    .from(events)
    .where(query.teamId ? eq(events.teamId, query.teamId) : undefined)
    .orderBy(desc(events.at), desc(events.id))
    .limit(query.limit)
    .all()
