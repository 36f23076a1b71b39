// The drizzle client over the D1 binding: on the primary, or through a D1 session (Sessions API) that may read a replica.
import { drizzle } from 'drizzle-orm/d1'

/**
 * A D1DatabaseSession has the two methods drizzle's D1 driver calls (`prepare`, `batch`), so the same client
 * runs over the binding (every query on the primary) or over a session (reads may go to a replica). A client is
 * made per request and per session, so it takes no schema (no relational queries here: nothing to map per
 * client).
 */
export const database = (d1: D1Database | D1DatabaseSession) => drizzle(d1 as D1Database)
export type Database = ReturnType<typeof database>

/** Where a D1 session's reads may go: any replica, the primary first, or a replica at least as fresh as a bookmark. */
export type ReadFrom = D1SessionConstraint | D1SessionBookmark

/** A drizzle client over a new D1 session, and the session's latest bookmark once it has run a query. */
export function d1Session(d1: D1Database, from: ReadFrom) {
  const session = d1.withSession(from)
  return { db: database(session), bookmark: () => session.getBookmark() }
}
