// Universal Logout's storage: a token id is accepted once; the subject is looked up within the teams.
import { and, eq, inArray, or } from 'drizzle-orm'
import type { Database } from './client'
import { identities, memberships, usedTokenIds, users } from './schema'

/** Records (issuer, jti); false when it was already there (a replay). */
export async function consumeTokenId(
  db: Database,
  row: { issuer: string; jti: string; expiresAt: number },
): Promise<boolean> {
  const inserted = await db
    .insert(usedTokenIds)
    .values(row)
    .onConflictDoNothing()
    .returning({ jti: usedTokenIds.jti })
  return inserted.length === 1
}

export type LogoutSubject =
  { format: 'email'; email: string } | { format: 'iss_sub'; connectionIds: string[]; sub: string }

/**
 * The member of one of `teamIds` the subject names: by email, or by `sub`: the IdP's (an identity at one of
 * the connections) or our own user id, which is also the user's SCIM id (Okta: "if an app supports
 * provisioning with Okta, then the user identifier within the app identifies them").
 */
export async function findTeamMember(
  db: Database,
  teamIds: string[],
  subject: LogoutSubject,
): Promise<{ id: string; email: string; teamId: string } | undefined> {
  const member = { id: users.id, email: users.email, teamId: memberships.teamId }
  if (subject.format === 'email')
    return db
      .select(member)
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(
        and(eq(users.email, subject.email.toLowerCase()), inArray(memberships.teamId, teamIds)),
      )
      .get()
  const linked = db
    .select({ userId: identities.userId })
    .from(identities)
    .where(
      and(
        inArray(identities.connectionId, subject.connectionIds),
        eq(identities.subject, subject.sub),
      ),
    )
  return db
    .select(member)
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(
      and(
        or(inArray(users.id, linked), eq(users.id, subject.sub)),
        inArray(memberships.teamId, teamIds),
      ),
    )
    .get()
}
