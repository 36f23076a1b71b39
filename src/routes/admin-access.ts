// Support's access controls in the admin API: SCIM tokens, the admin group, removing members, revoking sessions.
import { Hono } from 'hono'
import {
  issueScimToken,
  patchTeam,
  patchTeamSchema,
  removeMember,
  revokeSessions,
} from '../admin/access'
import type { AppEnv } from '../env'
import { pathConnection, pathMember, pathTeam, pathUser } from '../http/admin-subjects'
import { validate } from '../http/input'
import { auditedAs } from '../http/audit'
import { requireAdminToken } from './admin-api'

export const adminAccessRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/sso-connections/:id/scim-token', auditedAs('post_scim_token'), async (c) => {
    const { deps, id } = await pathConnection(c)
    return c.json(await issueScimToken(deps, id, c.var.audit), 201)
  })
  .patch('/teams/:id', auditedAs('patch_team'), validate('json', patchTeamSchema), async (c) => {
    const { deps, teamId } = pathTeam(c)
    return c.json(await patchTeam(deps, teamId, c.req.valid('json'), c.var.audit))
  })
  .delete('/teams/:teamId/members/:userId', auditedAs('delete_team_member'), async (c) => {
    const { deps, member, userId } = await pathMember(c)
    await removeMember(deps, member, userId, c.var.audit)
    return c.body(null, 204)
  })
  .delete('/users/:id/sessions', auditedAs('delete_user_sessions'), async (c) => {
    const { deps, id } = await pathUser(c)
    await revokeSessions(deps, id, c.var.audit)
    return c.body(null, 204)
  })
