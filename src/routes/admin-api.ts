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
import {
  connectionAnswer,
  eventsPageAnswer,
  membersPageAnswer,
  mintedSetupLinkAnswer,
  setupLinksAnswer,
  teamAnswer,
  teamsPageAnswer,
  userAnswer,
} from '../admin/answers'
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
import { adminJson, type Refusal } from '../http/openapi'
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

/** A domain refused as input (free-mail, disposable, not a name) is a 400, not the login's 403. */
const domainAsInput: Refusal = { code: 'domain_not_allowed', status: 400 }

export const adminApiRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post(
    '/teams',
    adminJson({
      summary: 'Create a team and its owner',
      answer: { status: 201, schema: teamAnswer },
      refusals: ['invalid_request', domainAsInput, 'already_in_team', 'domain_taken'],
    }),
    auditedAs('post_teams'),
    validate('json', createTeamSchema),
    async (c) => {
      const input = c.req.valid('json')
      const team = await concerning({ email: input.ownerEmail }, () =>
        createTeam(adminDeps(c), input, recorded(c)),
      )
      return c.json(team, 201)
    },
  )
  .get(
    '/teams',
    adminJson({
      summary: 'List teams, newest first, a page at a time',
      answer: { status: 200, schema: teamsPageAnswer },
    }),
    auditedAs('get_teams'),
    validate('query', teamsQuerySchema),
    async (c) => c.json(await listTeams(adminDeps(c), c.req.valid('query'))),
  )
  .get(
    '/teams/:id',
    adminJson({
      summary: 'One team with its domains, first members and connections',
      answer: { status: 200, schema: teamAnswer },
      refusals: ['not_found'],
    }),
    auditedAs('get_team'),
    async (c) => c.json(await getTeam(adminDeps(c), c.req.param('id'))),
  )
  .post(
    '/teams/:id/domains',
    adminJson({
      summary: 'Add a domain to a team: pending its DNS proof, or verified on support’s word',
      answer: { status: 201, schema: teamAnswer },
      refusals: ['invalid_request', domainAsInput, 'not_found', 'domain_taken'],
    }),
    auditedAs('post_team_domain'),
    validate('json', addDomainSchema),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) =>
        c.json(await addTeamDomain(deps, teamId, c.req.valid('json'), recorded), 201),
      ),
  )
  .post(
    '/teams/:id/domains/:domain/verify',
    adminJson({
      summary: 'Check a pending domain’s DNS TXT record',
      answer: { status: 200, schema: teamAnswer },
      refusals: ['not_found', 'domain_taken', 'domain_verification_failed', 'dns_unreachable'],
    }),
    auditedAs('verify_team_domain'),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) =>
        c.json(await verifyTeamDomain(deps, teamId, c.req.param('domain'), recorded)),
      ),
  )
  .delete(
    '/teams/:id/domains/:domain',
    adminJson({
      summary: 'Remove a domain (verified or pending) from a team',
      answer: { status: 204 },
      refusals: ['not_found'],
    }),
    auditedAs('delete_team_domain'),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) => {
        await deleteTeamDomain(deps, teamId, c.req.param('domain'), recorded)
        return c.body(null, 204)
      }),
  )
  .post(
    '/teams/:id/setup-links',
    adminJson({
      summary: 'Mint a setup link for the team’s IT admin (mailed when an email is given)',
      answer: { status: 201, schema: mintedSetupLinkAnswer },
      refusals: ['invalid_request', 'not_found'],
      optionalBody: setupLinkSchema,
    }),
    auditedAs('post_setup_link'),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) => {
        const input = await optionalJson(c, setupLinkSchema)
        const minted = await concerning({ email: input.email ?? null }, () =>
          mintSetupLink(deps, teamId, input.email, recorded),
        )
        return c.json(minted, 201)
      }),
  )
  .get(
    '/teams/:id/setup-links',
    adminJson({
      summary: 'The team’s setup links, newest first, with whether each still works',
      answer: { status: 200, schema: setupLinksAnswer },
    }),
    auditedAs('get_setup_links'),
    async (c) => c.json({ setupLinks: await listSetupLinks(adminDeps(c), c.req.param('id')) }),
  )
  .delete(
    '/teams/:id/setup-links/:linkId',
    adminJson({
      summary: 'Revoke a setup link',
      answer: { status: 204 },
      refusals: ['not_found'],
    }),
    auditedAs('delete_setup_link'),
    async (c) =>
      onPathTeam(c, async ({ deps, teamId, recorded }) => {
        await revokeSetupLink(deps, teamId, c.req.param('linkId'), recorded)
        return c.body(null, 204)
      }),
  )
  .get(
    '/teams/:id/members',
    adminJson({
      summary: 'The team’s members in the order they joined, a page at a time',
      answer: { status: 200, schema: membersPageAnswer },
      refusals: ['not_found'],
    }),
    auditedAs('get_team_members'),
    validate('query', membersQuerySchema),
    async (c) => c.json(await listMembers(adminDeps(c), c.req.param('id'), c.req.valid('query'))),
  )
  .get(
    '/users',
    adminJson({
      summary: 'Look a user up by email, with the team they belong to',
      answer: { status: 200, schema: userAnswer },
      refusals: ['not_found'],
    }),
    auditedAs('get_users'),
    validate('query', userQuerySchema),
    async (c) => c.json({ user: await findUser(adminDeps(c), c.req.valid('query').email) }),
  )
  .post(
    '/sso-connections',
    adminJson({
      summary: 'Connect the team the owner email names to its IdP',
      answer: { status: 201, schema: connectionAnswer },
      refusals: ['team_not_found', 'issuer_invalid', 'discovery_unreachable'],
    }),
    auditedAs('post_sso_connections'),
    validate('json', createConnectionSchema),
    async (c) => {
      const input = c.req.valid('json')
      return onOwnersTeam(c, input.ownerEmail, async ({ deps, teamId, recorded }) =>
        c.json(await createConnection(deps, teamId, input, recorded), 201),
      )
    },
  )
  .get(
    '/sso-connections/:id',
    adminJson({
      summary: 'One connection (its client secret never shown)',
      answer: { status: 200, schema: connectionAnswer },
      refusals: ['not_found'],
    }),
    auditedAs('get_sso_connection'),
    async (c) => c.json(await getConnection(adminDeps(c), c.req.param('id'))),
  )
  .patch(
    '/sso-connections/:id',
    adminJson({
      summary: 'Change a connection: credentials, enabled, sign-out at the IdP',
      answer: { status: 200, schema: connectionAnswer },
      refusals: ['invalid_request', 'not_found', 'connection_untested'],
    }),
    auditedAs('patch_sso_connection'),
    validate('json', patchConnectionSchema),
    async (c) =>
      onPathConnection(c, async ({ deps, id, recorded }) =>
        c.json(await patchConnection(deps, id, c.req.valid('json'), recorded)),
      ),
  )
  .delete(
    '/sso-connections/:id',
    adminJson({
      summary: 'Delete a connection and the IdP identities linked through it',
      answer: { status: 204 },
      refusals: ['not_found'],
    }),
    auditedAs('delete_sso_connection'),
    async (c) =>
      onPathConnection(c, async ({ deps, id, recorded }) => {
        await deleteConnection(deps, id, recorded)
        return c.body(null, 204)
      }),
  )
  .get(
    '/events',
    adminJson({
      summary: 'The audit events, newest first, a page at a time',
      answer: { status: 200, schema: eventsPageAnswer },
    }),
    auditedAs('get_events'),
    validate('query', eventsQuerySchema),
    async (c) => {
      const page = await listEvents(adminDeps(c), c.req.valid('query'))
      return c.json({ events: page.events.map(eventView), nextCursor: page.nextCursor })
    },
  )
