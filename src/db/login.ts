// The callback's D1 work: one batched read of the facts, one batched write of the outcome.
import { and, eq, isNull, ne, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from './client'
import { isUniqueViolation } from './errors'
import { AppError } from '../errors'
import type { KnownUser, SignInWrites, SsoLoginFacts } from './facts'
import {
  identities,
  memberships,
  sessions,
  ssoConnections,
  teamDomains,
  teams,
  usedLoginStates,
  users,
} from './schema'
import { standingStatement } from './standing'

/**
 * A user as the rule sees them, with whether they already have an identity at any connection of the team
 * that `connectionId` belongs to.
 */
const knownUser = (connectionId: string) => ({
  id: users.id,
  email: users.email,
  name: users.name,
  teamId: memberships.teamId,
  emailVerified: users.emailVerified,
  linkedInTeam:
    sql<boolean>`exists (select 1 from ${identities} join ${ssoConnections} linked on linked.id = ${identities.connectionId} where ${identities.userId} = ${users.id} and linked.team_id = (select team_id from ${ssoConnections} where id = ${connectionId}))`
      .mapWith(Boolean)
      .as('linked_in_team'),
})

/**
 * Connection and team, the team that verified the domain, the linked user and the email's user: one round trip.
 * drizzle maps D1 batch rows by column name, so no statement here selects two columns of one name.
 */
export async function loadSsoLoginFacts(
  db: Database,
  input: {
    connectionId: string
    subject: string
    email: string | undefined
    domain: string | undefined
  },
): Promise<SsoLoginFacts> {
  const [connection, domainTeam, linked, byEmail, standing] = await db.batch([
    db
      .select({
        id: ssoConnections.id,
        enabled: ssoConnections.enabled,
        teamId: ssoConnections.teamId,
        teamName: teams.name,
        defaultPermission: teams.defaultPermission,
        adminGroup: teams.adminGroup,
        ownerEmail: sql<
          string | null
        >`(select owner.email from ${memberships} join ${users} owner on owner.id = ${memberships.userId} where ${memberships.teamId} = ${teams.id} and ${memberships.role} = 'owner')`.as(
          'owner_email',
        ),
      })
      .from(ssoConnections)
      .innerJoin(teams, eq(teams.id, ssoConnections.teamId))
      .where(eq(ssoConnections.id, input.connectionId)),
    db
      .select({ teamId: teamDomains.teamId })
      .from(teamDomains)
      .where(and(eq(teamDomains.domain, input.domain ?? ''), eq(teamDomains.verified, true))),
    db
      .select(knownUser(input.connectionId))
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(
        and(eq(identities.connectionId, input.connectionId), eq(identities.subject, input.subject)),
      ),
    db
      .select(knownUser(input.connectionId))
      .from(users)
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.email, input.email ?? '')),
    standingStatement(db, input),
  ])
  return {
    connection: connection[0],
    domainTeamId: domainTeam[0]?.teamId,
    linkedUser: linked[0] as KnownUser | undefined,
    emailUser: byEmail[0] as KnownUser | undefined,
    standing: standing.map((s) => ({ ...s, admin: Boolean(s.admin) })),
  }
}

/**
 * The statements that carry out a sign-in decision; the caller appends the session and the event and
 * sends them as one batch (one transaction: all or nothing). A concurrent first login for the same email
 * fails the users_email unique index, so only one user is ever created.
 */
export function signInStatements(
  db: Database,
  decision: SignInWrites,
  {
    connectionId,
    subject,
    nowSeconds,
  }: { connectionId: string; subject: string; nowSeconds: number },
): BatchItem<'sqlite'>[] {
  const statements: BatchItem<'sqlite'>[] = []
  const { user } = decision
  if (decision.create)
    statements.push(
      db
        .insert(users)
        .values({ id: user.id, email: user.email, name: user.name, emailVerified: true }),
    )
  if (decision.claimAccount) statements.push(...endAccessStatements(db, user.id, nowSeconds))
  if (decision.markVerified)
    statements.push(db.update(users).set({ emailVerified: true }).where(eq(users.id, user.id)))
  if (decision.joinWith) {
    statements.push(
      db.insert(memberships).values({
        userId: user.id,
        teamId: decision.teamId,
        role: 'member',
        permission: decision.joinWith,
      }),
    )
  }
  if (decision.link) {
    statements.push(
      db
        .insert(identities)
        .values({ connectionId, subject, userId: user.id })
        .onConflictDoNothing(),
    )
  }
  return statements
}

/**
 * What an account loses when someone else's proof takes it over (SSO linking it, support adopting it):
 * its password, and every session it has (run before the new session's insert, in the same batch).
 */
export const endAccessStatements = (db: Database, userId: string, nowSeconds: number) =>
  [
    db.update(users).set({ passwordHash: null }).where(eq(users.id, userId)),
    db
      .update(sessions)
      .set({ revokedAt: nowSeconds })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))),
  ] as const

/** A write that met the used-state record's key: the login's state was spent already (`login_expired`). */
export function refuseSpentState(error: unknown): never {
  if (isUniqueViolation(error, 'used_login_states'))
    throw new AppError('login_expired', { cause: 'state already used' })
  throw error
}

/**
 * Records a callback's state as used; a second use fails the primary key, and with it the login's whole
 * batch (nothing of the second login is written).
 */
export const markStateUsed = (db: Database, stateHash: string, expiresAt: number) =>
  db.insert(usedLoginStates).values({ stateHash, expiresAt })

/** The user linked to (connection, sub), if any. */
export const linkedUserId = async (db: Database, connectionId: string, subject: string) =>
  (
    await db
      .select({ userId: identities.userId })
      .from(identities)
      .where(and(eq(identities.connectionId, connectionId), eq(identities.subject, subject)))
      .get()
  )?.userId

/**
 * The role a login's groups claim set, with its source `sso` (a membership's owner is never touched): in the
 * login's batch, after the membership a first login creates.
 */
export const setRoleFromLogin = (
  db: Database,
  member: { userId: string; teamId: string; role: 'admin' | 'member' },
) =>
  db
    .update(memberships)
    .set({ role: member.role, roleSource: 'sso' })
    .where(
      and(
        eq(memberships.userId, member.userId),
        eq(memberships.teamId, member.teamId),
        ne(memberships.role, 'owner'),
      ),
    )
