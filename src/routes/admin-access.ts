// Support's access controls in the admin API: SCIM tokens, the admin group, removing members, revoking sessions.
import { Hono } from 'hono'
import {
  issueScimToken,
  patchTeam,
  patchTeamSchema,
  removeMember,
  revokeSessions,
} from '../admin/access'
import { adminScope } from '../admin/operations'
import type { AppEnv } from '../env'
import { requireAdminToken } from './admin-api'
import { validate } from './validation'

export const adminAccessRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/sso-connections/:id/scim-token', async (c) =>
    c.json(await issueScimToken(adminScope(c), c.req.param('id')), 201),
  )
  .patch('/teams/:id', validate('json', patchTeamSchema), async (c) =>
    c.json(await patchTeam(adminScope(c), c.req.param('id'), c.req.valid('json'))),
  )
  .delete('/teams/:teamId/members/:userId', async (c) => {
    await removeMember(adminScope(c), c.req.param('teamId'), c.req.param('userId'))
    return c.body(null, 204)
  })
  .delete('/users/:id/sessions', async (c) => {
    await revokeSessions(adminScope(c), c.req.param('id'))
    return c.body(null, 204)
  })
