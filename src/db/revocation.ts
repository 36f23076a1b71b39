// Ending sessions: every session of a user ended at once (and any issued before); the facts RP-initiated logout needs.
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from './client'
import { memberships, sessions, ssoConnections, users } from './schema'

/**
 * "End all sessions of `userId`": every live row revoked, and the user's revocation watermark moved to
 * `atMs`, so a session issued before it and not stored yet (a pending switch, a late write-behind) is never
 * stored live, and one stored is not renewed. Two statements, to spread into the revocation's batch.
 */
export const revokeUserSessions = (db: Database, userId: string, atMs: number) =>
  [
    db
      .update(sessions)
      .set({ revokedAt: Math.floor(atMs / 1000) })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
    db
      .update(users)
      .set({ sessionsValidAfterMs: sql`max(${users.sessionsValidAfterMs}, ${atMs})` })
      .where(eq(users.id, userId)),
  ] as const

/** What RP-initiated logout needs from an SSO session row: its sealed ID token and its connection. */
export async function loadEndSessionFacts(db: Database, sessionId: string) {
  return db
    .select({
      idTokenSealed: sessions.idTokenSealed,
      issuer: ssoConnections.issuer,
      clientId: ssoConnections.clientId,
      endIdpSession: ssoConnections.endIdpSession,
    })
    .from(sessions)
    .innerJoin(ssoConnections, eq(ssoConnections.id, sessions.connectionId))
    .where(eq(sessions.id, sessionId))
    .get()
}

/** The member's role and email in `teamId`, or undefined when they are not in it. */
export const teamMember = (db: Database, teamId: string, userId: string) =>
  db
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
    .get()

export const deleteMembership = (db: Database, teamId: string, userId: string) =>
  db.delete(memberships).where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
