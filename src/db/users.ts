// Users with their team: the one users ⋈ memberships ⋈ teams ⋈ sso_connections read.
import { eq } from 'drizzle-orm'
import type { SelectedFields } from 'drizzle-orm/sqlite-core'
import type { Database } from './client'
import { memberships, ssoConnections, teams, users } from './schema'

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
  ssoEnabled: ssoConnections.enabled,
}

/** The join, for callers that add their own columns and filter (the session recheck adds its session). */
export const selectUserWithTeam = <Extra extends SelectedFields>(db: Database, extra: Extra) =>
  db
    .select({ ...userWithTeamColumns, ...extra })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(teams, eq(teams.id, memberships.teamId))
    .leftJoin(ssoConnections, eq(ssoConnections.teamId, teams.id))

export const userWithTeam = (db: Database, email: string) =>
  selectUserWithTeam(db, {}).where(eq(users.email, email)).get()

export const insertUser = (db: Database, row: typeof users.$inferInsert) =>
  db.insert(users).values(row)
