// Teams, their domains and members: the queries behind team creation and the admin views.
import { eq, inArray } from 'drizzle-orm'
import type { Permission } from '../vocabulary'
import type { Database } from './client'
import { type DomainClaim, insertDomain } from './domains'
import { memberships, ssoConnections, teamDomains, teams, users } from './schema'

/**
 * The statements that create a team with its owner's membership and its domain claims (run them in one
 * batch). A verified domain another team has verified fails the batch on team_domains_verified.
 */
export function createTeamStatements(
  db: Database,
  team: {
    id: string
    name: string
    ownerUserId: string
    defaultPermission: Permission
    domains: DomainClaim[]
  },
) {
  const { domains, ...row } = team
  return [
    db.insert(teams).values(row),
    db.insert(memberships).values({
      userId: team.ownerUserId,
      teamId: team.id,
      role: 'owner',
      permission: team.defaultPermission,
    }),
    ...domains.map((claim) => insertDomain(db, team.id, claim)),
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
      .where(ids ? inArray(teamDomains.teamId, ids) : undefined)
      .orderBy(teamDomains.createdAt, teamDomains.domain),
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
    domains: domainRows.filter((d) => d.teamId === team.id),
    members: memberRows
      .filter((m) => m.teamId === team.id)
      .map(({ id, email, name }) => ({ id, email, name })),
    connection: connectionRows.find((c) => c.teamId === team.id),
  }))
}
