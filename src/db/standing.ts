// A user's standing in a team, read at login and at each recheck: membership role, SCIM status, admin group.
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { RoleSource } from '../vocabulary'
import type { Database } from './client'
import { identities, memberships, scimUsers, ssoConnections, users } from './schema'

/** 1 when `userId` is in the team's admin group (the SCIM group whose displayName the team names). */
export const isTeamAdmin = (userId: SQLiteColumn | SQL, teamId: SQLiteColumn | SQL) =>
  sql<number>`exists (select 1 from scim_group_members gm join scim_groups g on g.id = gm.group_id join teams t on t.id = g.team_id where gm.user_id = ${userId} and g.team_id = ${teamId} and t.admin_group = g.display_name)`

/**
 * The standing in the connection's team of the user linked to (connection, sub) and of the user with
 * `email`: one statement, meant for the login's batched read.
 */
export function standingStatement(
  db: Database,
  input: { connectionId: string; subject: string; email: string | undefined },
) {
  const teamId = sql`(select ${ssoConnections.teamId} from ${ssoConnections} where ${ssoConnections.id} = ${input.connectionId})`
  const linked = db
    .select({ userId: identities.userId })
    .from(identities)
    .where(
      and(eq(identities.connectionId, input.connectionId), eq(identities.subject, input.subject)),
    )
  return db
    .select({
      userId: users.id,
      memberRole: sql<'owner' | 'admin' | 'member' | null>`${memberships.role}`.as('member_role'),
      roleSource: sql<RoleSource | null>`${memberships.roleSource}`.as('role_source'),
      scimStatus: scimUsers.status,
      admin: isTeamAdmin(users.id, teamId).as('is_admin'),
    })
    .from(users)
    .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.teamId, teamId)))
    .leftJoin(scimUsers, and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, teamId)))
    .where(or(eq(users.email, input.email ?? ''), inArray(users.id, linked)))
}
