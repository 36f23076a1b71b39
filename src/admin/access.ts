// Support operations that end or shape access: SCIM tokens, the admin group, member removal, session revocation.
import * as z from 'zod/mini'
import { hashToken, newToken } from '../crypto/tokens'
import { updateConnection } from '../db/connections'
import { deleteMembership, revokeUserSessions, teamMember } from '../db/revocation'
import { forgetScimUser, leaveTeamGroups } from '../db/scim'
import { resetSsoRoles, updateTeam } from '../db/teams'
import { sessionPolicyFields } from './schemas'
import { userWithTeamById } from '../db/users'
import { AppError } from '../errors'
import type { Recorded } from '../events'
import type { ScimTokenView, TeamView } from './answers'
import { type AdminDeps, getTeam, success } from './operations'
import type { WebhookEventType } from '../vocabulary'

export const patchTeamSchema = z
  .strictObject({
    adminGroup: z.optional(
      z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
    ),
    ...sessionPolicyFields,
  })
  .check(z.refine((patch) => Object.keys(patch).length > 0, 'no field to change'))
export type TeamPatch = z.output<typeof patchTeamSchema>

/** Support's change to a member that the host app hears of; sessions end all at once here. */
const memberChange = (
  d: AdminDeps,
  change: { type: WebhookEventType; teamId: string | null; userId: string },
) =>
  d.outbox.change(d.db, {
    ...change,
    via: 'support',
    details: change.type === 'sessions.revoked' ? { scope: 'all' } : undefined,
  })

const nowSeconds = (d: AdminDeps) => Math.floor(d.runtime.now() / 1000)

/** The SCIM base URL Okta is given, under this worker's origin. */
export const scimBaseUrl = (publicOrigin: string) => `${publicOrigin}/scim/v2`

/**
 * A new SCIM bearer token for the connection: shown once, stored as its hash. It replaces the previous
 * token at once.
 */
export async function issueScimToken(
  d: AdminDeps,
  connectionId: string,
  recorded: Recorded,
): Promise<ScimTokenView> {
  const token = newToken()
  const changes = { scimTokenHash: await hashToken(token), updatedAt: nowSeconds(d) }
  const [[row]] = await d.db.batch([
    updateConnection(d.db, connectionId, changes),
    success(d, recorded),
  ])
  if (!row) throw new AppError('not_found')
  return { token, baseUrl: scimBaseUrl(d.config.publicOrigin) }
}

/**
 * Support's (or the owner's) change of the team's settings: the admin group (null: none) and the session
 * policy. A new admin group name hands the roles the last logins set from it back to support's decision.
 */
export async function patchTeam(
  d: AdminDeps,
  teamId: string,
  patch: TeamPatch,
  recorded: Recorded,
): Promise<TeamView> {
  const [rows] = await d.db.batch([
    updateTeam(d.db, teamId, patch),
    ...(patch.adminGroup !== undefined ? [resetSsoRoles(d.db, teamId)] : []),
    success(d, recorded),
  ])
  if (rows.length === 0) throw new AppError('not_found')
  return getTeam(d, teamId)
}

/** The member about to be removed: the audit facts their removal is recorded under (404 when not a member). */
export async function memberOf(d: AdminDeps, teamId: string, userId: string) {
  const member = await teamMember(d.db, teamId, userId)
  if (!member) throw new AppError('not_found')
  return { teamId, email: member.email, owner: member.role === 'owner' }
}

/**
 * Removes a member (never the owner) and revokes their sessions; the team's SCIM no longer holds them
 * (its row of them deleted, out of its groups). They may join again through SSO like anyone new, and the
 * team's Okta may provision them again (POST /Users).
 */
export async function removeMember(
  d: AdminDeps,
  member: { teamId: string; owner: boolean },
  userId: string,
  recorded: Recorded,
): Promise<void> {
  if (member.owner) throw new AppError('owner_not_removable')
  await d.db.batch([
    deleteMembership(d.db, member.teamId, userId),
    forgetScimUser(d.db, member.teamId, userId),
    leaveTeamGroups(d.db, member.teamId, userId),
    ...revokeUserSessions(d.db, userId, d.runtime.now()),
    success(d, recorded),
    ...memberChange(d, { type: 'member.removed', teamId: member.teamId, userId }),
    ...memberChange(d, { type: 'sessions.revoked', teamId: member.teamId, userId }),
  ])
}

/** The user whose sessions support ends: the audit facts (404 when no such user). */
export async function userFacts(d: AdminDeps, userId: string) {
  const user = await userWithTeamById(d.db, userId)
  if (!user) throw new AppError('not_found')
  return { teamId: user.teamId ?? null, email: user.email }
}

/** Support's "sign this person out everywhere": every live session ends at its next recheck. */
export async function revokeSessions(
  d: AdminDeps,
  userId: string,
  recorded: Recorded,
): Promise<void> {
  await d.db.batch([
    ...revokeUserSessions(d.db, userId, d.runtime.now()),
    success(d, recorded),
    ...memberChange(d, {
      type: 'sessions.revoked',
      teamId: recorded.subject.teamId ?? null,
      userId,
    }),
  ])
}
