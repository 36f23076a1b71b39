// Support's access controls in the admin API: SCIM tokens, team policy, recovery links, removing members, revoking sessions.
import { Hono } from 'hono'
import {
  issueScimToken,
  patchTeam,
  patchTeamSchema,
  removeMember,
  revokeSessions,
} from '../admin/access'
import type { AppEnv } from '../env'
import { onPathConnection, onPathMember, onPathTeam, onPathUser } from '../http/admin-subjects'
import { validate } from '../http/input'
import { recoveryLinkSchema } from '../admin/schemas'
import { concerning } from '../errors'
import { mintRecoveryLink } from '../recovery'
import { auditedAs } from '../http/audit'
import { requireAdminToken } from './admin-api'

export const adminAccessRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/sso-connections/:id/scim-token', auditedAs('post_scim_token'), async (c) =>
    onPathConnection(c, async ({ deps, id, recorded }) =>
      c.json(await issueScimToken(deps, id, recorded), 201),
    ),
  )
  .patch('/teams/:id', auditedAs('patch_team'), validate('json', patchTeamSchema), async (c) =>
    onPathTeam(c, async ({ deps, teamId, recorded }) =>
      c.json(await patchTeam(deps, teamId, c.req.valid('json'), recorded)),
    ),
  )
  .post(
    '/teams/:id/recovery-links',
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
  .delete('/teams/:teamId/members/:userId', auditedAs('delete_team_member'), async (c) =>
    onPathMember(c, async ({ deps, member, userId, recorded }) => {
      await removeMember(deps, member, userId, recorded)
      return c.body(null, 204)
    }),
  )
  .delete('/users/:id/sessions', auditedAs('delete_user_sessions'), async (c) =>
    onPathUser(c, async ({ deps, id, recorded }) => {
      await revokeSessions(deps, id, recorded)
      return c.body(null, 204)
    }),
  )
