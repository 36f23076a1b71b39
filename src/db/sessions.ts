// Session rows: the insert at login, the one-query recheck, revocation.
import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from './client'
import type { SessionFacts } from './facts'
import { sessions, users } from './schema'
import { selectUserWithTeam } from './users'

export const insertSession = (db: Database, row: typeof sessions.$inferInsert) =>
  db.insert(sessions).values(row)

export const revokeSession = (db: Database, id: string, atSeconds: number) =>
  db
    .update(sessions)
    .set({ revokedAt: atSeconds })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))

interface SessionRecheck extends SessionFacts {
  user: { email: string; name: string | null; emailVerified: boolean } | undefined
  team: { id: string; name: string } | undefined
}

/** Everything the recheck needs, in one statement (one D1 round trip). */
export async function loadSessionRecheck(
  db: Database,
  sessionId: string,
  userId: string,
  nowSeconds: number,
): Promise<SessionRecheck> {
  const row = await selectUserWithTeam(db, {
    revokedAt: sessions.revokedAt,
    expiresAt: sessions.expiresAt,
  })
    .leftJoin(sessions, and(eq(sessions.id, sessionId), eq(sessions.userId, users.id)))
    .where(eq(users.id, userId))
    .get()
  return {
    userExists: row !== undefined,
    revoked: row?.revokedAt != null || row?.expiresAt == null,
    expired: (row?.expiresAt ?? 0) <= nowSeconds,
    teamId: row?.teamId ?? null,
    teamHasEnabledSso: row?.ssoEnabled === true,
    user: row && { email: row.email, name: row.name, emailVerified: row.emailVerified },
    team: row?.teamId ? { id: row.teamId, name: row.teamName ?? '' } : undefined,
  }
}
