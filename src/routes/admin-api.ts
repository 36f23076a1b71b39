// The support admin API: teams, user lookup, SSO connections and events, behind the admin bearer token.
import { Hono, type MiddlewareHandler } from 'hono'
import {
  addTeamDomain,
  createConnection,
  createTeam,
  deleteConnection,
  deleteTeamDomain,
  findUser,
  getConnection,
  getTeam,
  listEvents,
  listMembers,
  listTeams,
  patchConnection,
  verifyTeamDomain,
} from '../admin/operations'
import {
  addDomainSchema,
  createConnectionSchema,
  createTeamSchema,
  eventsQuerySchema,
  membersQuerySchema,
  patchConnectionSchema,
  teamsQuerySchema,
  userQuerySchema,
} from '../admin/schemas'
import { safeEqual } from '../crypto/encoding'
import { listSetupLinks, mintSetupLink, revokeSetupLink } from '../setup/links'
import { setupLinkSchema } from '../admin/schemas'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import { eventView } from '../events'
import { onOwnersTeam, onPathConnection, onPathTeam } from '../http/admin-subjects'
import { auditedAs, recorded } from '../http/audit'
import { adminDeps } from '../http/context'
import { optionalJson, validate } from '../http/input'
import { clientKey, countRequest, rateLimits } from '../http/rate-limit'

const credentialParams = ['access_token', 'token', 'admin_token', 'bearer', 'authorization']

/** RFC 6750 §3: a 401 names the scheme and realm it wants. */
const challenge = 'Bearer realm="edge-sso-admin"'

/**
 * Bearer token in the Authorization header only, compared in constant time; a token in the URL is refused.
 * Wrong tokens are limited per client (10 a minute, shared with the console login); support's own calls are not.
 */
export const requireAdminToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('audit', { kind: 'admin', action: 'admin_api' })
  const url = new URL(c.req.url)
  const inUrl = credentialParams.some((name) => url.searchParams.has(name))
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(c.req.header('authorization') ?? '')
  if (inUrl || !match?.[1] || !(await safeEqual(match[1], c.var.config.adminToken))) {
    // A wrong token counts against the client's console-login budget: guessing is as slow here as there.
    await countRequest(c, rateLimits.console, clientKey(c))
    c.header('www-authenticate', challenge)
    throw new AppError('admin_unauthorized')
  }
  c.set('subject', { identified: true })
  await next()
}

export const adminApiRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/teams', auditedAs('post_teams'), validate('json', createTeamSchema), async (c) => {
    const input = c.req.valid('json')
    const team = await concerning({ email: input.ownerEmail }, () =>
      createTeam(adminDeps(c), input, recorded(c)),
    )
    return c.json(team, 201)
  })
  .get('/teams', auditedAs('get_teams'), validate('query', teamsQuerySchema), async (c) =>
    c.json(await listTeams(adminDeps(c), c.req.valid('query'))),
  )
  .get('/teams/:id', auditedAs('get_team'), async (c) =>
    c.json(await getTeam(adminDeps(c), c.req.param('id'))),
  )
  .post(
    '/teams/:id/domains',
    auditedAs('post_team_domain'),
    validate('json', addDomainSchema),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) =>
        c.json(await addTeamDomain(deps, teamId, c.req.valid('json'), recorded), 201),
      ),
  )
  .post('/teams/:id/domains/:domain/verify', auditedAs('verify_team_domain'), async (c) =>
    onPathTeam(c, async ({ deps, teamId, recorded }) =>
      c.json(await verifyTeamDomain(deps, teamId, c.req.param('domain'), recorded)),
    ),
  )
  .delete('/teams/:id/domains/:domain', auditedAs('delete_team_domain'), async (c) =>
    onPathTeam(c, async ({ deps, teamId, recorded }) => {
      await deleteTeamDomain(deps, teamId, c.req.param('domain'), recorded)
      return c.body(null, 204)
    }),
  )
  .post('/teams/:id/setup-links', auditedAs('post_setup_link'), async (c) =>
    onPathTeam(c, async ({ deps, teamId, recorded }) => {
      const input = await optionalJson(c, setupLinkSchema)
      const minted = await concerning({ email: input.email ?? null }, () =>
        mintSetupLink(deps, teamId, input.email, recorded),
      )
      return c.json(minted, 201)
    }),
  )
  .get('/teams/:id/setup-links', auditedAs('get_setup_links'), async (c) =>
    c.json({ setupLinks: await listSetupLinks(adminDeps(c), c.req.param('id')) }),
  )
  .delete('/teams/:id/setup-links/:linkId', auditedAs('delete_setup_link'), async (c) =>
    onPathTeam(c, async ({ deps, teamId, recorded }) => {
      await revokeSetupLink(deps, teamId, c.req.param('linkId'), recorded)
      return c.body(null, 204)
    }),
  )
  .get(
    '/teams/:id/members',
    auditedAs('get_team_members'),
    validate('query', membersQuerySchema),
    async (c) => c.json(await listMembers(adminDeps(c), c.req.param('id'), c.req.valid('query'))),
  )
  .get('/users', auditedAs('get_users'), validate('query', userQuerySchema), async (c) =>
    c.json({ user: await findUser(adminDeps(c), c.req.valid('query').email) }),
  )
  .post(
    '/sso-connections',
    auditedAs('post_sso_connections'),
    validate('json', createConnectionSchema),
    async (c) => {
      const input = c.req.valid('json')
      return onOwnersTeam(c, input.ownerEmail, async ({ deps, teamId, recorded }) =>
        c.json(await createConnection(deps, teamId, input, recorded), 201),
      )
    },
  )
  .get('/sso-connections/:id', auditedAs('get_sso_connection'), async (c) =>
    c.json(await getConnection(adminDeps(c), c.req.param('id'))),
  )
  .patch(
    '/sso-connections/:id',
    auditedAs('patch_sso_connection'),
    validate('json', patchConnectionSchema),
    async (c) =>
      onPathConnection(c, async ({ deps, id, recorded }) =>
        c.json(await patchConnection(deps, id, c.req.valid('json'), recorded)),
      ),
  )
  .delete('/sso-connections/:id', auditedAs('delete_sso_connection'), async (c) =>
    onPathConnection(c, async ({ deps, id, recorded }) => {
      await deleteConnection(deps, id, recorded)
      return c.body(null, 204)
    }),
  )
  .get('/events', auditedAs('get_events'), validate('query', eventsQuerySchema), async (c) => {
    const page = await listEvents(adminDeps(c), c.req.valid('query'))
    return c.json({ events: page.events.map(eventView), nextCursor: page.nextCursor })
  })
