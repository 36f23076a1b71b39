// Break-glass recovery's reads: a member's standing by email, a live recovery link's person, whom a use is told.
import { and, eq, gt, isNull, ne, or, sql } from 'drizzle-orm'
import type { Database } from './client'
import { emailTokens, memberships, teams, users } from './schema'
import { isTeamAdmin } from './standing'

/** A member with what decides their role, and their team's name. */
const memberColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  emailVerified: users.emailVerified,
  teamId: teams.id,
  teamName: teams.name,
  memberRole: memberships.role,
  roleSource: memberships.roleSource,
  admin: sql<boolean>`${isTeamAdmin(users.id, memberships.teamId)}`.mapWith(Boolean).as('is_admin'),
}

const members = (db: Database) =>
  db
    .select(memberColumns)
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .innerJoin(teams, eq(teams.id, memberships.teamId))

export type RecoveryMember = NonNullable<Awaited<ReturnType<typeof teamMemberByEmail>>>

/** The member of `teamId` with `email`, or undefined (no such account, or not in this team). */
export const teamMemberByEmail = (db: Database, teamId: string, email: string) =>
  members(db)
    .where(and(eq(users.email, email), eq(memberships.teamId, teamId)))
    .get()

/** The person an unused, unexpired recovery link is for, as a member of their team now; undefined otherwise. */
export const recoveryLinkMember = (db: Database, id: string, nowSeconds: number) =>
  members(db)
    .innerJoin(emailTokens, eq(emailTokens.userId, users.id))
    .where(
      and(
        eq(emailTokens.id, id),
        eq(emailTokens.purpose, 'recovery'),
        isNull(emailTokens.consumedBy),
        gt(emailTokens.expiresAt, nowSeconds),
      ),
    )
    .get()

/** The team's owner and the members who may be admins (by stored role or the SCIM admin group), one name per column for a batch. */
export const ownerAndAdminCandidates = (db: Database, teamId: string) =>
  db
    .select({
      email: users.email,
      memberRole: memberships.role,
      roleSource: memberships.roleSource,
      admin: memberColumns.admin,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.teamId, teamId),
        or(ne(memberships.role, 'member'), sql`${isTeamAdmin(users.id, memberships.teamId)} = 1`),
      ),
    )
