// Support operations that end or shape access: SCIM tokens, the admin group, member removal, session revocation.
import { and, eq } from 'drizzle-orm'
import * as z from 'zod/mini'
import { randomId, sha256Hex } from '../crypto/encoding'
import { memberships, ssoConnections, teams, users } from '../db/schema'
import { revokeUserSessions } from '../db/revocation'
import { AppError } from '../errors'
import { eventRow, insertEvent, newReferenceId } from '../events'
import { type AdminScope, getTeam, type TeamView } from './operations'

export const patchTeamSchema = z.strictObject({
  adminGroup: z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
})
export type TeamPatch = z.output<typeof patchTeamSchema>

const success = (s: AdminScope, teamId: string | null, email: string | null = null) =>
  eventRow({ ...s.audit, teamId, email }, 'success', null, newReferenceId(), s.runtime.now())

const nowSeconds = (s: AdminScope) => Math.floor(s.runtime.now() / 1000)

/** The SCIM base URL Okta is given, under this worker's origin. */
export const scimBaseUrl = (publicOrigin: string) => `${publicOrigin}/scim/v2`

/**
 * A new SCIM bearer token for the connection: 32 random bytes, shown once, stored as its SHA-256. It
 * replaces the previous token at once.
 */
export async function issueScimToken(
  s: AdminScope,
  connectionId: string,
): Promise<{ token: string; baseUrl: string }> {
  const token = randomId(32)
  const [row] = await s.db
    .update(ssoConnections)
    .set({ scimTokenHash: await sha256Hex(token), updatedAt: nowSeconds(s) })
    .where(eq(ssoConnections.id, connectionId))
    .returning({ teamId: ssoConnections.teamId })
  if (!row) throw new AppError('not_found')
  await insertEvent(s.db, success(s, row.teamId))
  return { token, baseUrl: scimBaseUrl(s.config.publicOrigin) }
}

/** Names the SCIM group whose members are the team's admins (null: no admin group). */
export async function patchTeam(
  s: AdminScope,
  teamId: string,
  patch: TeamPatch,
): Promise<TeamView> {
  const [row] = await s.db
    .update(teams)
    .set({ adminGroup: patch.adminGroup })
    .where(eq(teams.id, teamId))
    .returning({ id: teams.id })
  if (!row) throw new AppError('not_found')
  await insertEvent(s.db, success(s, teamId))
  return getTeam(s, teamId)
}

/** Removes a member (never the owner) and revokes their sessions; they may join again through SSO. */
export async function removeMember(s: AdminScope, teamId: string, userId: string): Promise<void> {
  s.audit.teamId = teamId
  const member = await s.db
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
    .get()
  if (!member) throw new AppError('not_found')
  s.audit.email = member.email
  if (member.role === 'owner') throw new AppError('owner_not_removable')
  await s.db.batch([
    s.db
      .delete(memberships)
      .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId))),
    revokeUserSessions(s.db, userId, nowSeconds(s)),
    insertEvent(s.db, success(s, teamId, member.email)),
  ])
}

/** Support's "sign this person out everywhere": every live session ends at its next recheck. */
export async function revokeSessions(s: AdminScope, userId: string): Promise<void> {
  const user = await s.db
    .select({ email: users.email, teamId: memberships.teamId })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.id, userId))
    .get()
  if (!user) throw new AppError('not_found')
  await s.db.batch([
    revokeUserSessions(s.db, userId, nowSeconds(s)),
    insertEvent(s.db, success(s, user.teamId ?? null, user.email)),
  ])
}
