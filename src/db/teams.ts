// Teams, their domains and members: the queries behind team creation and the admin views.
import { eq, inArray } from 'drizzle-orm'
import type { Permission } from '../vocabulary'
import type { Database } from './client'
import { memberships, ssoConnections, teamDomains, teams, users } from './schema'

/**
 * The statements that create a team with its owner's membership and its domains (run them in one batch).
 * A domain another team holds fails the batch, unless `skipTakenDomains` leaves it to that team.
 */
export function createTeamStatements(
  db: Database,
  team: {
    id: string
    name: string
    ownerUserId: string
    defaultPermission: Permission
    domains: string[]
  },
  skipTakenDomains = false,
) {
  const { domains, ...row } = team
  const domainRow = (domain: string) => db.insert(teamDomains).values({ domain, teamId: team.id })
  return [
    db.insert(teams).values(row),
    db.insert(memberships).values({
      userId: team.ownerUserId,
      teamId: team.id,
      role: 'owner',
      permission: team.defaultPermission,
    }),
    ...domains.map((domain) =>
      skipTakenDomains ? domainRow(domain).onConflictDoNothing() : domainRow(domain),
    ),
  ] as const
}

/** Teams with owner email, domains, members and connection, for the admin API. */
export async function loadTeams(db: Database, ids?: string[]) {
  const filter = ids ? inArray(teams.id, ids) : undefined
  const [teamRows, domainRows, memberRows, connectionRows] = await db.batch([
    db
      .select({ team: teams, ownerEmail: users.email })
      .from(teams)
      .innerJoin(users, eq(users.id, teams.ownerUserId))
      .where(filter)
      .orderBy(teams.createdAt, teams.id),
    db
      .select()
      .from(teamDomains)
      .where(ids ? inArray(teamDomains.teamId, ids) : undefined),
    db
      .select({ teamId: memberships.teamId, id: users.id, email: users.email, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(ids ? inArray(memberships.teamId, ids) : undefined)
      .orderBy(memberships.createdAt, users.email),
    db
      .select()
      .from(ssoConnections)
      .where(ids ? inArray(ssoConnections.teamId, ids) : undefined),
  ])
  return teamRows.map(({ team, ownerEmail }) => ({
    team,
    ownerEmail,
    domains: domainRows.filter((d) => d.teamId === team.id).map((d) => d.domain),
    members: memberRows
      .filter((m) => m.teamId === team.id)
      .map(({ id, email, name }) => ({ id, email, name })),
    connection: connectionRows.find((c) => c.teamId === team.id),
  }))
}

/** Names the SCIM group whose members are the team's admins (null: none); undefined when no such team. */
export const setAdminGroup = (db: Database, teamId: string, adminGroup: string | null) =>
  db.update(teams).set({ adminGroup }).where(eq(teams.id, teamId)).returning({ id: teams.id })
