// Teams, their domains and members: the queries behind team creation and the admin views.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Permission, Role, RoleSource, ScimStatus } from '../vocabulary'
import { isTeamAdmin } from './standing'
import type { Database } from './client'
import { type DomainClaim, insertDomain } from './domains'
import { type Position, pageOf } from './pages'
import { memberships, scimUsers, ssoConnections, teamDomains, teams, users } from './schema'

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
      roleSource: 'owner',
      permission: team.defaultPermission,
    }),
    ...domains.map((claim) => insertDomain(db, team.id, claim)),
  ] as const
}

/** Members shown with one team, and with each team of a listing; the rest a page at a time (`listMembers`). */
export const membersShown = 100
const membersShownInListing = 10

/**
 * Which teams to load: one by id, or a page newest first by (created_at, id) after `before`, those whose name,
 * owner email or a domain contains `search` (case-insensitively) when given.
 */
export type TeamSelection = { id: string } | { limit: number; before?: Position; search?: string }

/** Teams whose name, owner email or a domain contains `search`, case-insensitively (literally: no wildcards). */
const matching = (db: Database, search: string) => {
  const needle = search.toLowerCase()
  return sql`(instr(lower(${teams.name}), ${needle}) > 0 or ${teams.id} in ${db
    .select({ id: teamDomains.teamId })
    .from(teamDomains)
    .where(sql`instr(${teamDomains.domain}, ${needle}) > 0`)} or ${teams.ownerUserId} in ${db
    .select({ id: users.id })
    .from(users)
    .where(sql`instr(${users.email}, ${needle}) > 0`)})`
}

const selectedTeamIds = (db: Database, selection: TeamSelection) =>
  'id' in selection
    ? db.select({ id: teams.id }).from(teams).where(eq(teams.id, selection.id))
    : db
        .select({ id: teams.id })
        .from(teams)
        .where(
          and(
            selection.before &&
              sql`(${teams.createdAt}, ${teams.id}) < (${selection.before[0]}, ${selection.before[1]})`,
            selection.search ? matching(db, selection.search) : undefined,
          ),
        )
        .orderBy(desc(teams.createdAt), desc(teams.id))
        .limit(selection.limit + 1)

/** A member as support sees them: who, when they joined, what decides their role, and their SCIM state. */
const memberColumns = {
  teamId: memberships.teamId,
  joinedAt: memberships.createdAt,
  id: users.id,
  email: users.email,
  name: users.name,
  memberRole: memberships.role,
  roleSource: memberships.roleSource,
  admin: sql<number>`${isTeamAdmin(users.id, memberships.teamId)}`.as('is_admin'),
  scimStatus:
    sql<ScimStatus | null>`(select ${scimUsers.status} from ${scimUsers} where ${scimUsers.userId} = ${users.id} and ${scimUsers.teamId} = ${memberships.teamId})`.as(
      'scim_status',
    ),
}
type MemberRow = {
  teamId: string
  joinedAt: number
  id: string
  email: string
  name: string | null
  memberRole: Role
  roleSource: RoleSource | null
  admin: number
  scimStatus: ScimStatus | null
}
const memberPosition = (m: MemberRow): Position => [m.joinedAt, m.id]
const memberView = (m: MemberRow) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  memberRole: m.memberRole,
  roleSource: m.roleSource,
  admin: Boolean(m.admin),
  scimStatus: m.scimStatus,
})
export type MemberFacts = ReturnType<typeof memberView>

/**
 * Teams with owner email, domains, their first members and connections, for the admin API: one batch whose
 * statements share the selection as a subquery, and each team's members bounded through the team's index
 * (a page of 50 teams reads at most 550 members).
 */
export async function loadTeams(db: Database, selection: TeamSelection) {
  const ids = selectedTeamIds(db, selection)
  const shown = 'id' in selection ? membersShown : membersShownInListing
  const firstMembers = alias(memberships, 'first_members')
  const [teamRows, domainRows, memberRows, connectionRows] = await db.batch([
    db
      .select({ team: teams, ownerEmail: users.email })
      .from(teams)
      .innerJoin(users, eq(users.id, teams.ownerUserId))
      .where(inArray(teams.id, ids))
      .orderBy(desc(teams.createdAt), desc(teams.id)),
    db
      .select()
      .from(teamDomains)
      .where(inArray(teamDomains.teamId, ids))
      .orderBy(teamDomains.createdAt, teamDomains.domain),
    db
      .select(memberColumns)
      .from(teams)
      .innerJoin(
        memberships,
        inArray(
          memberships.userId,
          db
            .select({ id: firstMembers.userId })
            .from(firstMembers)
            .where(eq(firstMembers.teamId, teams.id))
            .orderBy(firstMembers.createdAt, firstMembers.userId)
            .limit(shown + 1),
        ),
      )
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(inArray(teams.id, ids))
      .orderBy(memberships.createdAt, memberships.userId),
    db
      .select()
      .from(ssoConnections)
      .where(inArray(ssoConnections.teamId, ids))
      .orderBy(asc(ssoConnections.createdAt), asc(ssoConnections.id)),
  ])
  const page = pageOf(teamRows, 'id' in selection ? 1 : selection.limit, ({ team }) => [
    team.createdAt,
    team.id,
  ])
  const rows = page.rows.map(({ team, ownerEmail }) => {
    const members = pageOf(
      memberRows.filter((m) => m.teamId === team.id),
      shown,
      memberPosition,
    )
    return {
      team,
      ownerEmail,
      domains: domainRows.filter((d) => d.teamId === team.id),
      members: members.rows.map(memberView),
      moreMembers: members.next,
      /** Oldest first. */
      connections: connectionRows.filter((c) => c.teamId === team.id),
    }
  })
  return { rows, next: page.next }
}

/** Changes the team's settings (admin group, session policy); returns no row when there is no such team. */
export const updateTeam = (
  db: Database,
  teamId: string,
  changes: Partial<
    Pick<typeof teams.$inferInsert, 'adminGroup' | 'sessionMaxAgeHours' | 'idleTimeoutMinutes'>
  >,
) => db.update(teams).set(changes).where(eq(teams.id, teamId)).returning({ id: teams.id })

/** The roles the last logins set from the groups claim go back to members: support renamed the admin group. */
export const resetSsoRoles = (db: Database, teamId: string) =>
  db
    .update(memberships)
    .set({ role: 'member', roleSource: 'support' })
    .where(and(eq(memberships.teamId, teamId), eq(memberships.roleSource, 'sso')))

/** A team's members in the order they joined, a page after `after`. */
export async function listMembers(
  db: Database,
  teamId: string,
  query: { limit: number; after?: Position },
) {
  const rows = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.teamId, teamId),
        query.after &&
          sql`(${memberships.createdAt}, ${memberships.userId}) > (${query.after[0]}, ${query.after[1]})`,
      ),
    )
    .orderBy(memberships.createdAt, memberships.userId)
    .limit(query.limit + 1)
    .all()
  const page = pageOf(rows, query.limit, memberPosition)
  return { rows: page.rows.map(memberView), next: page.next }
}

export const teamExists = async (db: Database, id: string) =>
  (await db.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).get()) !== undefined
