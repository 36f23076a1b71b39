// Ending sessions by user: every live session row of a user gets revoked_at, seen at its next recheck.
import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from './client'
import { sessions } from './schema'

/** Marks every live session of `userId` revoked (a statement to run alone or in a batch). */
export const revokeUserSessions = (db: Database, userId: string, atSeconds: number) =>
  db
    .update(sessions)
    .set({ revokedAt: atSeconds })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
