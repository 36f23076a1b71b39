// SCIM's storage: the token's connection, a team's users as SCIM sees them, its groups and their members.
import { and, asc, count, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm'
import type { Database } from './client'
import {
  memberships,
  scimGroupMembers,
  scimGroups,
  scimUsers,
  ssoConnections,
  teamDomains,
  teams,
  users,
} from './schema'

export interface ScimScope {
  connectionId: string
  teamId: string
  defaultPermission: 'public' | 'private'
}

/** The connection (and its team) whose SCIM token hashes to `tokenHash`. */
export async function scimScopeByTokenHash(
  db: Database,
  tokenHash: string,
): Promise<ScimScope | undefined> {
  return db
    .select({
      connectionId: ssoConnections.id,
      teamId: ssoConnections.teamId,
      defaultPermission: teams.defaultPermission,
    })
    .from(ssoConnections)
    .innerJoin(teams, eq(teams.id, ssoConnections.teamId))
    .where(eq(ssoConnections.scimTokenHash, tokenHash))
    .get()
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  createdAt: users.createdAt,
  status: scimUsers.status,
  externalId: scimUsers.externalId,
  givenName: scimUsers.givenName,
  familyName: scimUsers.familyName,
  updatedAt: scimUsers.updatedAt,
}

export type ScimUserRow = {
  id: string
  email: string
  name: string | null
  createdAt: number
  status: 'active' | 'inactive' | 'deleted' | null
  externalId: string | null
  givenName: string | null
  familyName: string | null
  updatedAt: number | null
}

export interface UserQuery {
  id?: string
  email?: string
  externalId?: string
}

/**
 * A team's users to SCIM: its members now, except those its Okta deleted (an owner keeps the membership).
 * A SCIM row alone grants nothing: a user who left, was removed by support or is in another team is not
 * this team's.
 */
function teamUsers(teamId: string, q: UserQuery) {
  return {
    where: and(
      or(isNull(scimUsers.status), ne(scimUsers.status, 'deleted')),
      q.id === undefined ? undefined : eq(users.id, q.id),
      q.email === undefined ? undefined : eq(users.email, q.email.toLowerCase()),
      q.externalId === undefined ? undefined : eq(scimUsers.externalId, q.externalId),
    ),
    membership: and(eq(memberships.userId, users.id), eq(memberships.teamId, teamId)),
    scim: and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, teamId)),
  }
}

/** One page of the team's users matching `q`, and how many match in all (one round trip). */
export async function loadScimUsers(
  db: Database,
  teamId: string,
  q: UserQuery,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: ScimUserRow[] }> {
  const t = teamUsers(teamId, q)
  const [rows, total] = await db.batch([
    db
      .select(userColumns)
      .from(users)
      .innerJoin(memberships, t.membership)
      .leftJoin(scimUsers, t.scim)
      .where(t.where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(page.limit)
      .offset(page.offset),
    db
      .select({ total: count() })
      .from(users)
      .innerJoin(memberships, t.membership)
      .leftJoin(scimUsers, t.scim)
      .where(t.where),
  ])
  return { total: total[0]?.total ?? 0, rows: rows as ScimUserRow[] }
}

/** Any user with this email, their team (if any) and their SCIM standing in `teamId`. */
export async function userByEmailForTeam(db: Database, teamId: string, email: string) {
  return db
    .select({
      id: users.id,
      teamId: memberships.teamId,
      memberRole: memberships.role,
      status: scimUsers.status,
      emailVerified: users.emailVerified,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`.mapWith(Boolean),
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(scimUsers, and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, teamId)))
    .where(eq(users.email, email.toLowerCase()))
    .get()
}

export async function teamHasDomain(db: Database, teamId: string, domain: string) {
  const row = await db
    .select({ domain: teamDomains.domain })
    .from(teamDomains)
    .where(
      and(
        eq(teamDomains.teamId, teamId),
        eq(teamDomains.domain, domain),
        eq(teamDomains.verified, true),
      ),
    )
    .get()
  return row !== undefined
}

export type ScimUserState = Omit<typeof scimUsers.$inferInsert, 'createdAt'>

/** Insert or update the SCIM row of (team, user). */
export const upsertScimUser = (db: Database, row: ScimUserState) =>
  db
    .insert(scimUsers)
    .values(row)
    .onConflictDoUpdate({
      target: [scimUsers.teamId, scimUsers.userId],
      set: {
        status: row.status,
        externalId: row.externalId,
        givenName: row.givenName,
        familyName: row.familyName,
        updatedAt: row.updatedAt,
      },
    })

export const joinTeam = (db: Database, scope: ScimScope, userId: string) =>
  db
    .insert(memberships)
    .values({
      userId,
      teamId: scope.teamId,
      role: 'member',
      permission: scope.defaultPermission,
    })
    .onConflictDoNothing()

export const leaveTeam = (db: Database, teamId: string, userId: string) =>
  db
    .delete(memberships)
    .where(
      and(
        eq(memberships.teamId, teamId),
        eq(memberships.userId, userId),
        eq(memberships.role, 'member'),
      ),
    )

/**
 * Support removed the member: the team's Okta no longer speaks for them, and nothing of its provisioning
 * stands in the way of their joining again through SSO (a new POST /Users provisions them again).
 */
export const forgetScimUser = (db: Database, teamId: string, userId: string) =>
  db.delete(scimUsers).where(and(eq(scimUsers.teamId, teamId), eq(scimUsers.userId, userId)))

/** Removes the user from every group of the team. */
export const leaveTeamGroups = (db: Database, teamId: string, userId: string) =>
  db
    .delete(scimGroupMembers)
    .where(
      and(
        eq(scimGroupMembers.userId, userId),
        inArray(
          scimGroupMembers.groupId,
          db.select({ id: scimGroups.id }).from(scimGroups).where(eq(scimGroups.teamId, teamId)),
        ),
      ),
    )

export interface ScimGroupRow {
  id: string
  displayName: string
  externalId: string | null
  createdAt: number
  updatedAt: number
  members: { value: string; display: string }[]
}

export interface GroupQuery {
  id?: string
  displayName?: string
  externalId?: string
}

/** One page of the team's groups with their members (the team's users only), and how many match in all. */
export async function loadScimGroups(
  db: Database,
  teamId: string,
  q: GroupQuery,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: ScimGroupRow[] }> {
  const where = and(
    eq(scimGroups.teamId, teamId),
    q.id === undefined ? undefined : eq(scimGroups.id, q.id),
    q.displayName === undefined ? undefined : eq(scimGroups.displayName, q.displayName),
    q.externalId === undefined ? undefined : eq(scimGroups.externalId, q.externalId),
  )
  const pageOfGroups = db
    .select({ id: scimGroups.id })
    .from(scimGroups)
    .where(where)
    .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id))
    .limit(page.limit)
    .offset(page.offset)
  const teamUser = teamUsers(teamId, {})
  const [groups, total, members] = await db.batch([
    db
      .select({
        id: scimGroups.id,
        displayName: scimGroups.displayName,
        externalId: scimGroups.externalId,
        createdAt: scimGroups.createdAt,
        updatedAt: scimGroups.updatedAt,
      })
      .from(scimGroups)
      .where(where)
      .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(scimGroups).where(where),
    db
      .select({ groupId: scimGroupMembers.groupId, userId: users.id, email: users.email })
      .from(scimGroupMembers)
      .innerJoin(users, eq(users.id, scimGroupMembers.userId))
      .innerJoin(memberships, teamUser.membership)
      .leftJoin(scimUsers, teamUser.scim)
      .where(and(inArray(scimGroupMembers.groupId, pageOfGroups), teamUser.where))
      .orderBy(asc(users.email)),
  ])
  return {
    total: total[0]?.total ?? 0,
    rows: groups.map((g) => ({
      ...g,
      members: members
        .filter((m) => m.groupId === g.id)
        .map((m) => ({ value: m.userId, display: m.email })),
    })),
  }
}

/** Of `userIds`, those SCIM may put in the team's groups: the team's users (as loadScimUsers sees them). */
export async function teamUserIds(db: Database, teamId: string, userIds: string[]) {
  const found: string[] = []
  for (const chunk of chunks(userIds, 90)) found.push(...(await teamUserIdsOf(db, teamId, chunk)))
  return found
}

async function teamUserIdsOf(db: Database, teamId: string, userIds: string[]) {
  const t = teamUsers(teamId, {})
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, t.membership)
    .leftJoin(scimUsers, t.scim)
    .where(and(inArray(users.id, userIds), t.where))
    .all()
  return rows.map((r) => r.id)
}

/** D1 binds at most 100 parameters per statement. */
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/** Statements that make `userIds` the group's members (in chunks within D1's parameter limit). */
export const replaceGroupMembers = (db: Database, groupId: string, userIds: string[]) => [
  db.delete(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId)),
  ...chunks([...new Set(userIds)], 40).map((chunk) =>
    db.insert(scimGroupMembers).values(chunk.map((userId) => ({ groupId, userId }))),
  ),
]

/** The team's Okta provisioned this address: it counts as verified, as an IdP's verified email does. */
export const insertScimUser = (
  db: Database,
  row: { id: string; email: string; name: string | null },
) => db.insert(users).values({ ...row, emailVerified: true })

export const updateUser = (
  db: Database,
  id: string,
  changes: Partial<Pick<typeof users.$inferInsert, 'email' | 'name'>>,
) => db.update(users).set(changes).where(eq(users.id, id))

/** A member's new email or name, written only while they are still the team's member. */
export const updateMember = (
  db: Database,
  teamId: string,
  id: string,
  changes: Partial<Pick<typeof users.$inferInsert, 'email' | 'name'>>,
) =>
  db
    .update(users)
    .set(changes)
    .where(
      and(
        eq(users.id, id),
        inArray(
          users.id,
          db
            .select({ id: memberships.userId })
            .from(memberships)
            .where(eq(memberships.teamId, teamId)),
        ),
      ),
    )

export const insertScimGroup = (db: Database, row: typeof scimGroups.$inferInsert) =>
  db.insert(scimGroups).values(row)

export const updateScimGroup = (
  db: Database,
  teamId: string,
  id: string,
  changes: Pick<typeof scimGroups.$inferInsert, 'displayName' | 'externalId' | 'updatedAt'>,
) =>
  db
    .update(scimGroups)
    .set(changes)
    .where(and(eq(scimGroups.id, id), eq(scimGroups.teamId, teamId)))

export const deleteScimGroup = (db: Database, teamId: string, id: string) =>
  db.delete(scimGroups).where(and(eq(scimGroups.id, id), eq(scimGroups.teamId, teamId)))
