// Event rows: written with each login attempt and admin action, listed newest first for support.
import { desc, eq } from 'drizzle-orm'
import type { Database } from './client'
import { events } from './schema'

export type NewEvent = typeof events.$inferInsert
export type EventRecord = typeof events.$inferSelect

export const insertEvent = (db: Database, row: NewEvent) => db.insert(events).values(row)

/** Login attempts and admin actions, newest first, optionally for one team. */
export const listEvents = (db: Database, query: { teamId?: string; limit: number }) =>
  db
    .select()
    .from(events)
    .where(query.teamId ? eq(events.teamId, query.teamId) : undefined)
    .orderBy(desc(events.at), desc(events.id))
    .limit(query.limit)
    .all()
