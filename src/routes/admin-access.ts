// Support's access controls in the admin API: SCIM tokens, team policy, recovery links, members, sessions, audit streams.
import { Hono } from 'hono'
import {
  issueScimToken,
  patchTeam,
  patchTeamSchema,
  removeMember,
  revokeSessions,
} from '../admin/access'
import {
  auditStreamAnswer,
  recoveryLinkAnswer,
  scimTokenAnswer,
  teamAnswer,
} from '../admin/answers'
import { auditStreamSchema, recoveryLinkSchema } from '../admin/schemas'
import type { AppEnv } from '../env'
import { removeAuditStream, setAuditStream } from '../webhooks/audit-stream'
import { onPathConnection, onPathMember, onPathTeam, onPathUser } from '../http/admin-subjects'
import { validate } from '../http/input'
import { concerning } from '../errors'
import { mintRecoveryLink } from '../recovery'
import { auditedAs } from '../http/audit'
import { adminJson } from '../http/openapi'
import { requireAdminToken } from './admin-api'

export const adminAccessRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post(
    '/sso-connections/:id/scim-token',
    adminJson({
      summary: 'Issue the connection’s SCIM token (shown once; it replaces the previous one)',
      answer: { status: 201, schema: scimTokenAnswer },
      refusals: ['not_found'],
    }),
    auditedAs('post_scim_token'),
    async (c) =>
      onPathConnection(c, async ({ deps, id, recorded }) =>
        c.json(await issueScimToken(deps, id, recorded), 201),
      ),
  )
  .put(
    '/teams/:id/audit-stream',
    adminJson({
      summary: 'Stream every event row of the team to its SIEM (the signing secret is shown once)',
      answer: { status: 200, schema: auditStreamAnswer },
      refusals: ['not_found', 'receiver_url_invalid'],
    }),
    auditedAs('put_audit_stream'),
    validate('json', auditStreamSchema),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) => {
        c.header('cache-control', 'no-store')
        return c.json(await setAuditStream(deps, { teamId, ...c.req.valid('json') }, recorded))
      }),
  )
  .delete(
    '/teams/:id/audit-stream',
    adminJson({
      summary: 'Stop the team’s audit stream',
      answer: { status: 204 },
      refusals: ['not_found'],
    }),
    auditedAs('delete_audit_stream'),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) => {
        await removeAuditStream(deps, teamId, recorded)
        return c.body(null, 204)
      }),
  )
  .patch(
    '/teams/:id',
    adminJson({
      summary: 'Change a team’s settings: its admin group and session policy',
      answer: { status: 200, schema: teamAnswer },
      refusals: ['not_found'],
    }),
    auditedAs('patch_team'),
    validate('json', patchTeamSchema),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) =>
        c.json(await patchTeam(deps, teamId, c.req.valid('json'), recorded)),
      ),
  )
  .post(
    '/teams/:id/recovery-links',
    adminJson({
      summary:
        'Mail the owner or an admin a break-glass sign-in link (one hour, one use; never returned)',
      answer: { status: 201, schema: recoveryLinkAnswer },
      refusals: ['not_found', 'recovery_not_allowed', 'rate_limited'],
    }),
    auditedAs('post_recovery_link'),
    validate('json', recoveryLinkSchema),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) => {
        const { email } = c.req.valid('json')
        const minted = await concerning({ email }, () =>
          mintRecoveryLink(deps, teamId, email, recorded),
        )
        return c.json(minted, 201)
      }),
  )
  .delete(
    '/teams/:teamId/members/:userId',
    adminJson({
      summary: 'Remove a member from the team (their sessions end)',
      answer: { status: 204 },
      refusals: ['not_found', 'owner_not_removable'],
    }),
    auditedAs('delete_team_member'),
    async (c) =>
      onPathMember(c, async ({ deps, member, userId, recorded }) => {
        await removeMember(deps, member, userId, recorded)
        return c.body(null, 204)
      }),
  )
  .delete(
    '/users/:id/sessions',
    adminJson({
      summary: 'End every session of a user',
      answer: { status: 204 },
      refusals: ['not_found'],
    }),
    auditedAs('delete_user_sessions'),
    async (c) =>
      onPathUser(c, async ({ deps, id, recorded }) => {
        await revokeSessions(deps, id, recorded)
        return c.body(null, 204)
      }),
  )
