// Support's access controls in the admin API: SCIM tokens, the admin group, removing members, revoking sessions.
import { Hono } from 'hono'
import {
  connectionTeam,
  issueScimToken,
  memberOf,
  patchTeam,
  patchTeamSchema,
  removeMember,
  revokeSessions,
  userFacts,
} from '../admin/access'
import type { AppEnv } from '../env'
import { adminDeps } from '../http/context'
import { validate } from '../http/input'
import { audited, requireAdminToken } from './admin-api'

export const adminAccessRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/sso-connections/:id/scim-token', audited('post_scim_token'), async (c) => {
    const deps = adminDeps(c)
    const id = c.req.param('id')
    Object.assign(c.var.audit, await connectionTeam(deps, id))
    return c.json(await issueScimToken(deps, id, c.var.audit), 201)
  })
  .patch('/teams/:id', audited('patch_team'), validate('json', patchTeamSchema), async (c) => {
    const id = c.req.param('id')
    c.var.audit.teamId = id
    return c.json(await patchTeam(adminDeps(c), id, c.req.valid('json'), c.var.audit))
  })
  .delete('/teams/:teamId/members/:userId', audited('delete_team_member'), async (c) => {
    const deps = adminDeps(c)
    const userId = c.req.param('userId')
    const member = await memberOf(deps, c.req.param('teamId'), userId)
    Object.assign(c.var.audit, { teamId: member.teamId, email: member.email })
    await removeMember(deps, member, userId, c.var.audit)
    return c.body(null, 204)
  })
  .delete('/users/:id/sessions', audited('delete_user_sessions'), async (c) => {
    const deps = adminDeps(c)
    const id = c.req.param('id')
    Object.assign(c.var.audit, await userFacts(deps, id))
    await revokeSessions(deps, id, c.var.audit)
    return c.body(null, 204)
  })
