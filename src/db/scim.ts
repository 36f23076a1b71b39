// SCIM's storage: the token's connection, a team's users as SCIM sees them, its groups and their members.
import { and, asc, count, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm'
import type { Database } from './client'
import { insertEventWhen, type NewEvent } from './events'
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
  userName: scimUsers.userName,
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
  /** As the IdP sent it; null for a member SCIM never provisioned (their userName is their email). */
  userName: string | null
  externalId: string | null
  givenName: string | null
  familyName: string | null
  updatedAt: number | null
}

export interface UserQuery {
  id?: string
  /** Compared case-insensitively with the userName as sent, or the email of a member SCIM never provisioned. */
  userName?: string
  email?: string
  externalId?: string
  /** A filter that can match no one (an email type we do not keep). */
  none?: boolean
}

/**
 * The team's users whose userName is `userName`, case-insensitively: found through the userName index and
 * the email index, then checked against the userName each has (the email only when SCIM set none).
 */
const withUserName = (teamId: string, userName: string) =>
  sql`${users.id} in (select user_id from scim_users where team_id = ${teamId} and lower(user_name) = lower(${userName}) and status != 'deleted' union all select id from users where email = lower(${userName})) and lower(coalesce(${scimUsers.userName}, ${users.email})) = lower(${userName})`

/**
 * A team's users to SCIM: its members now, except those its Okta deleted (an owner keeps the membership).
 * A SCIM row alone grants nothing: a user who left, was removed by support or is in another team is not
 * this team's.
 */
function teamUsers(teamId: string, q: UserQuery) {
  return {
    where: and(
      or(isNull(scimUsers.status), ne(scimUsers.status, 'deleted')),
      q.none ? sql`0` : undefined,
      q.id === undefined ? undefined : eq(users.id, q.id),
      q.userName === undefined ? undefined : withUserName(teamId, q.userName),
      q.email === undefined ? undefined : eq(users.email, q.email.trim().toLowerCase()),
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

/** Where `domain` stands for the team: its verified domain, its pending claim, another team's, or no one's. */
export async function domainStanding(
  db: Database,
  teamId: string,
  domain: string,
): Promise<'verified' | 'pending' | 'other_team' | 'none'> {
  const claims = await db
    .select({ teamId: teamDomains.teamId, verified: teamDomains.verified })
    .from(teamDomains)
    .where(eq(teamDomains.domain, domain))
    .all()
  const own = claims.find((claim) => claim.teamId === teamId)
  if (own) return own.verified ? 'verified' : 'pending'
  return claims.some((claim) => claim.verified) ? 'other_team' : 'none'
}

/** The id of the team's user whose userName is `userName` (case-insensitively), if any. */
export async function teamUserByUserName(db: Database, teamId: string, userName: string) {
  const t = teamUsers(teamId, { userName })
  const row = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, t.membership)
    .leftJoin(scimUsers, t.scim)
    .where(t.where)
    .get()
  return row?.id
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
        userName: row.userName,
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
  /** Undefined when the caller asked for no members (no member row is read then). */
  members?: { value: string; display: string }[]
}

export interface GroupQuery {
  id?: string
  /** Compared case-insensitively. */
  displayName?: string
  externalId?: string
}

/**
 * One page of the team's groups, and how many match in all; with `withMembers`, their members (the team's
 * users only), else no member row is read.
 */
export async function loadScimGroups(
  db: Database,
  query: { teamId: string; q: GroupQuery; page: { offset: number; limit: number } },
  withMembers: boolean,
): Promise<{ total: number; rows: ScimGroupRow[] }> {
  const { teamId, q, page } = query
  const where = and(
    eq(scimGroups.teamId, teamId),
    q.id === undefined ? undefined : eq(scimGroups.id, q.id),
    q.displayName === undefined
      ? undefined
      : sql`lower(${scimGroups.displayName}) = lower(${q.displayName})`,
    q.externalId === undefined ? undefined : eq(scimGroups.externalId, q.externalId),
  )
  const pageOfGroups = db
    .select({ id: scimGroups.id })
    .from(scimGroups)
    .where(where)
    .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id))
    .limit(page.limit)
    .offset(page.offset)
  const groupRows = db
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
    .offset(page.offset)
  const total = db.select({ total: count() }).from(scimGroups).where(where)
  if (!withMembers) {
    const [groups, [counted]] = await db.batch([groupRows, total])
    return { total: counted?.total ?? 0, rows: groups }
  }
  const teamUser = teamUsers(teamId, {})
  const [groups, [counted], members] = await db.batch([
    groupRows,
    total,
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
    total: counted?.total ?? 0,
    rows: groups.map((g) => ({
      ...g,
      members: members
        .filter((m) => m.groupId === g.id)
        .map((m) => ({ value: m.userId, display: m.email })),
    })),
  }
}

/** D1 binds at most 100 parameters per statement. */
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

const idsPerStatement = 90

/** The group, while it is the team's: every membership write is guarded by it, in its own statement. */
const isTeamGroup = (teamId: string, groupId: string) =>
  sql`exists (select 1 from ${scimGroups} where ${scimGroups.id} = ${groupId} and ${scimGroups.teamId} = ${teamId})`

/** A group's membership change, on the team's group only. */
export interface GroupMembers {
  teamId: string
  groupId: string
  userIds: string[]
}

/**
 * Statements that add the team's users among `userIds` to the team's group (anyone else is skipped, as is a
 * member already there): one per 90 ids, each checking the ids and writing in one go.
 */
export const addGroupMembers = (db: Database, { teamId, groupId, userIds }: GroupMembers) => {
  const t = teamUsers(teamId, {})
  return chunks([...new Set(userIds)], idsPerStatement).map((chunk) =>
    db
      .insert(scimGroupMembers)
      .select(
        db
          .select({ groupId: sql<string>`${groupId}`.as('group_id'), userId: users.id })
          .from(users)
          .innerJoin(memberships, t.membership)
          .leftJoin(scimUsers, t.scim)
          .where(and(inArray(users.id, chunk), t.where, isTeamGroup(teamId, groupId))),
      )
      .onConflictDoNothing(),
  )
}

/** Statements that take `userIds` out of the team's group: one per 90 ids. */
export const removeGroupMembers = (db: Database, { teamId, groupId, userIds }: GroupMembers) =>
  chunks([...new Set(userIds)], idsPerStatement).map((chunk) =>
    db
      .delete(scimGroupMembers)
      .where(
        and(
          eq(scimGroupMembers.groupId, groupId),
          inArray(scimGroupMembers.userId, chunk),
          isTeamGroup(teamId, groupId),
        ),
      ),
  )

/** Empties the team's group. */
export const removeAllGroupMembers = (db: Database, teamId: string, groupId: string) =>
  db
    .delete(scimGroupMembers)
    .where(and(eq(scimGroupMembers.groupId, groupId), isTeamGroup(teamId, groupId)))

/** The event row of a group change, written only while the group is the team's. */
export const insertGroupEventWhen = (db: Database, row: NewEvent, groupId: string) =>
  insertEventWhen(db, row, isTeamGroup(row.teamId ?? '', groupId))

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

/** The team's group's new name, externalId or time of change; answers its id, or nothing when there is no such group. */
export const updateScimGroup = (
  db: Database,
  teamId: string,
  id: string,
  changes: Partial<Pick<typeof scimGroups.$inferInsert, 'displayName' | 'externalId'>> &
    Pick<typeof scimGroups.$inferInsert, 'updatedAt'>,
) =>
  db
    .update(scimGroups)
    .set(changes)
    .where(and(eq(scimGroups.id, id), eq(scimGroups.teamId, teamId)))
    .returning({ id: scimGroups.id })

export const deleteScimGroup = (db: Database, teamId: string, id: string) =>
  db.delete(scimGroups).where(and(eq(scimGroups.id, id), eq(scimGroups.teamId, teamId)))
