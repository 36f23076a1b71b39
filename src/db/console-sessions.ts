// Support console session rows: created at console sign-in, read on each console request, deleted at logout.
import { eq } from 'drizzle-orm'
import type { Database } from './client'
import { consoleSessions } from './schema'

export type ConsoleSessionRow = typeof consoleSessions.$inferSelect

export const insertConsoleSession = (db: Database, row: typeof consoleSessions.$inferInsert) =>
  db.insert(consoleSessions).values(row)

export const consoleSessionRow = (db: Database, id: string) =>
  db.select().from(consoleSessions).where(eq(consoleSessions.id, id)).get()

export const deleteConsoleSession = (db: Database, id: string) =>
  db.delete(consoleSessions).where(eq(consoleSessions.id, id))
