// Session rows: the insert at login, the one-query recheck, revocation.
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Database } from './client'
import type { SessionFacts, TeamStanding } from './facts'
import { rowWhen } from './guarded-insert'
import { memberships, scimUsers, sessions, ssoConnections, teams, users } from './schema'
import { isTeamAdmin } from './standing'
import { selectUserWithTeam } from './users'

const sessionConnection = alias(ssoConnections, 'session_connection')

/** A new session's row: when its login issued it. */
export type SessionRow = typeof sessions.$inferInsert & { issuedAtMs: number }

/**
 * Holds while no "end all sessions" of the user came after `issuedAtMs` (their revocation watermark is not
 * later): the condition, in the writing statement itself, under which a session may be stored live.
 */
export const issuedSinceWatermark = (userId: string, issuedAtMs: number) =>
  sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.sessionsValidAfterMs} <= ${issuedAtMs})`

/**
 * The insert of a session's row that stores nothing when all the user's sessions were ended after it was
 * issued, nor when `also` (a condition of the same batch, such as a link's use) does not hold.
 */
export const insertSessionIfLive = (db: Database, row: SessionRow, also?: SQL) =>
  db
    .insert(sessions)
    .select(
      rowWhen(
        sessions,
        row,
        sql`${issuedSinceWatermark(row.userId, row.issuedAtMs)} and ${also ?? sql`1`}`,
      ),
    )

/**
 * A session's row unless all the user's sessions were ended after it was issued; returns the stored id (none
 * when refused). Storing one id twice fails (a pending switch is confirmed once).
 */
export const insertSession = (db: Database, row: SessionRow) =>
  insertSessionIfLive(db, row).returning({ id: sessions.id })

/**
 * A login's session row (written behind the response), unless a logout that came first has stored it ended
 * (then that row stays) or all the user's sessions were ended after it was issued (then none is stored).
 */
export const insertSessionUnlessEnded = (db: Database, row: SessionRow) =>
  insertSessionIfLive(db, row).onConflictDoNothing({ target: sessions.id })

/**
 * Logout: ends the session's row, or stores it ended when the login's write-behind has not stored it yet,
 * so that write cannot bring it back.
 */
export const endSession = (
  db: Database,
  row: Pick<typeof sessions.$inferInsert, 'id' | 'userId' | 'authMethod' | 'expiresAt'>,
  atSeconds: number,
) =>
  db
    .insert(sessions)
    .values({ ...row, revokedAt: atSeconds })
    .onConflictDoUpdate({
      target: sessions.id,
      set: { revokedAt: sql`coalesce(${sessions.revokedAt}, ${atSeconds})` },
    })

/** The connection a session's row says its SSO login came through (none for other methods, or no row). */
export const connectionOfSession = async (db: Database, id: string) =>
  (
    await db
      .select({ connectionId: sessions.connectionId })
      .from(sessions)
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
      .get()
  )?.connectionId ?? undefined

/** Ends one session's row (only while `when` holds, if given). */
export const revokeSession = (db: Database, id: string, atSeconds: number, when?: SQL) =>
  db
    .update(sessions)
    .set({ revokedAt: atSeconds })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), when))

interface SessionRecheck extends SessionFacts {
  user: { email: string; name: string | null; emailVerified: boolean } | undefined
  team: { id: string; name: string } | undefined
  standing: Pick<TeamStanding, 'memberRole' | 'admin' | 'roleSource'>
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
    issuedAtMs: sessions.issuedAtMs,
    sessionsValidAfterMs: users.sessionsValidAfterMs,
    scimStatus: scimUsers.status,
    admin: isTeamAdmin(users.id, memberships.teamId),
    sessionConnectionEnabled: sessionConnection.enabled,
    roleSource: memberships.roleSource,
    sessionMaxAgeHours: teams.sessionMaxAgeHours,
    idleTimeoutMinutes: teams.idleTimeoutMinutes,
  })
    .leftJoin(sessions, and(eq(sessions.id, sessionId), eq(sessions.userId, users.id)))
    .leftJoin(
      scimUsers,
      and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, memberships.teamId)),
    )
    .leftJoin(sessionConnection, eq(sessionConnection.id, sessions.connectionId))
    .where(eq(users.id, userId))
    .get()
  return {
    userExists: row !== undefined,
    // Issued before the user's sessions were all ended: as revoked, whatever its row says.
    revoked:
      row?.revokedAt != null ||
      row?.expiresAt == null ||
      (row.issuedAtMs ?? 0) < row.sessionsValidAfterMs,
    expired: (row?.expiresAt ?? 0) <= nowSeconds,
    teamId: row?.teamId ?? null,
    teamHasEnabledSso: row?.ssoEnabled === true,
    deactivated: row?.scimStatus === 'inactive' || row?.scimStatus === 'deleted',
    connectionLive: row?.sessionConnectionEnabled === true,
    standing: {
      memberRole: row?.role ?? null,
      admin: Boolean(row?.admin),
      roleSource: row?.roleSource ?? null,
    },
    policy:
      row?.teamId && row.sessionMaxAgeHours !== null
        ? {
            sessionMaxAgeHours: row.sessionMaxAgeHours,
            idleTimeoutMinutes: row.idleTimeoutMinutes ?? null,
          }
        : undefined,
    user: row && { email: row.email, name: row.name, emailVerified: row.emailVerified },
    team: row?.teamId ? { id: row.teamId, name: row.teamName ?? '' } : undefined,
  }
}
