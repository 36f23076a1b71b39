// The support admin API: teams, user lookup, SSO connections and events, behind the admin bearer token.
import { Hono, type MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import {
  adminScope,
  createConnection,
  createTeam,
  deleteConnection,
  findUser,
  getConnection,
  getTeam,
  listEvents,
  listTeams,
  patchConnection,
} from '../admin/operations'
import {
  createConnectionSchema,
  createTeamSchema,
  eventsQuerySchema,
  patchConnectionSchema,
  userQuerySchema,
} from '../admin/schemas'
import { safeEqual } from '../crypto/encoding'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { eventView } from '../events'
import { validate } from './validation'

const credentialParams = ['access_token', 'token', 'admin_token', 'bearer', 'authorization']

/** Bearer token in the Authorization header only, compared in constant time; a token in the URL is refused. */
export const requireAdminToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('audit', { kind: 'admin', action: `${c.req.method.toLowerCase()}_${routePath(c, -1)}` })
  const url = new URL(c.req.url)
  const inUrl = credentialParams.some((name) => url.searchParams.has(name))
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(c.req.header('authorization') ?? '')
  if (inUrl || !match?.[1] || !(await safeEqual(match[1], c.var.config.adminToken)))
    throw new AppError('admin_unauthorized')
  await next()
}

export const adminApiRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/teams', validate('json', createTeamSchema), async (c) =>
    c.json(await createTeam(adminScope(c), c.req.valid('json')), 201),
  )
  .get('/teams', async (c) => c.json({ teams: await listTeams(adminScope(c)) }))
  .get('/teams/:id', async (c) => c.json(await getTeam(adminScope(c), c.req.param('id'))))
  .get('/users', validate('query', userQuerySchema), async (c) =>
    c.json({ user: await findUser(adminScope(c), c.req.valid('query').email) }),
  )
  .post('/sso-connections', validate('json', createConnectionSchema), async (c) =>
    c.json(await createConnection(adminScope(c), c.req.valid('json')), 201),
  )
  .get('/sso-connections/:id', async (c) =>
    c.json(await getConnection(adminScope(c), c.req.param('id'))),
  )
  .patch('/sso-connections/:id', validate('json', patchConnectionSchema), async (c) =>
    c.json(await patchConnection(adminScope(c), c.req.param('id'), c.req.valid('json'))),
  )
  .delete('/sso-connections/:id', async (c) => {
    await deleteConnection(adminScope(c), c.req.param('id'))
    return c.body(null, 204)
  })
  .get('/events', validate('query', eventsQuerySchema), async (c) =>
    c.json({ events: (await listEvents(adminScope(c), c.req.valid('query'))).map(eventView) }),
  )
