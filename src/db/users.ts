// Users with their team: the one users ⋈ memberships ⋈ teams ⋈ sso_connections read.
import { and, eq, sql } from 'drizzle-orm'
import type { SelectedFields } from 'drizzle-orm/sqlite-core'
import type { Database } from './client'
import { memberships, scimUsers, ssoConnections, teams, users } from './schema'
import { isTeamAdmin } from './standing'

/** The user, their team (if any), their role in it and whether that team's SSO connection is on. */
const userWithTeamColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  passwordHash: users.passwordHash,
  emailVerified: users.emailVerified,
  teamId: teams.id,
  teamName: teams.name,
  role: memberships.role,
  /** A team may have several connections: SSO is on when any of them is enabled. */
  ssoEnabled:
    sql<boolean>`exists (select 1 from ${ssoConnections} where ${ssoConnections.teamId} = ${teams.id} and ${ssoConnections.enabled} = 1)`
      .mapWith(Boolean)
      .as('sso_enabled'),
}

/** The join, for callers that add their own columns and filter (the session recheck adds its session). */
export const selectUserWithTeam = <Extra extends SelectedFields>(db: Database, extra: Extra) =>
  db
    .select({ ...userWithTeamColumns, ...extra })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(teams, eq(teams.id, memberships.teamId))

export const userWithTeam = (db: Database, email: string) =>
  selectUserWithTeam(db, {}).where(eq(users.email, email)).get()

/** The same, with the user's SCIM status in their team and whether they are in its admin group (password login). */
export const userWithStanding = (db: Database, email: string) =>
  selectUserWithTeam(db, {
    scimStatus: scimUsers.status,
    admin: isTeamAdmin(users.id, memberships.teamId),
  })
    .leftJoin(
      scimUsers,
      and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, memberships.teamId)),
    )
    .where(eq(users.email, email))
    .get()

export const insertUser = (db: Database, row: typeof users.$inferInsert) =>
  db.insert(users).values(row)

export const userWithTeamById = (db: Database, id: string) =>
  selectUserWithTeam(db, {}).where(eq(users.id, id)).get()

/** What support sees of a user: their team, role facts, SCIM state and their team's session policy. */
export const userStateByEmail = (db: Database, email: string) =>
  selectUserWithTeam(db, {
    roleSource: memberships.roleSource,
    scimStatus: scimUsers.status,
    admin: isTeamAdmin(users.id, memberships.teamId),
    sessionMaxAgeHours: teams.sessionMaxAgeHours,
    idleTimeoutMinutes: teams.idleTimeoutMinutes,
  })
    .leftJoin(
      scimUsers,
      and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, memberships.teamId)),
    )
    .where(eq(users.email, email))
    .get()
