// Ending sessions: every live session of a user revoked at once; the facts RP-initiated logout needs.
import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from './client'
import { memberships, sessions, ssoConnections, users } from './schema'

/** Marks every live session of `userId` revoked (a statement to run alone or in a batch). */
export const revokeUserSessions = (db: Database, userId: string, atSeconds: number) =>
  db
    .update(sessions)
    .set({ revokedAt: atSeconds })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))

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
