// The support admin API: teams, user lookup, SSO connections and events, behind the admin bearer token.
import { and, desc, eq } from 'drizzle-orm'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import * as oauth from 'oauth4webapi'
import { z } from 'zod'
import { randomId, safeEqual } from '../crypto/encoding'
import { seal } from '../crypto/secret-box'
import { forgetConnection } from '../db/connections'
import { events, identities, memberships, ssoConnections, users } from '../db/schema'
import { createTeamStatements, loadTeams } from '../db/teams'
import type { AppEnv, Config } from '../env'
import { AppError } from '../errors'
import { eventRow, eventView, insertEvent, newReferenceId } from '../events'
import { db, upstream } from '../http'
import { fetchDiscovery } from '../oidc/discovery'
import { normalizeIssuer } from '../oidc/issuer'
import { emailDomain } from '../provisioning'
import { validate } from './validation'

const credentialParams = ['access_token', 'token', 'admin_token', 'bearer', 'authorization']

/** Bearer token in the Authorization header only, compared in constant time; a token in the URL is refused. */
export const requireAdminToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('audit', { kind: 'admin', action: `${c.req.method.toLowerCase()}_${c.req.routePath}` })
  const url = new URL(c.req.url)
  const inUrl = credentialParams.some((name) => url.searchParams.has(name))
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(c.req.header('authorization') ?? '')
  if (inUrl || !match?.[1] || !(await safeEqual(match[1], c.var.config.adminToken))) throw new AppError('admin_unauthorized')
  await next()
}

const email = z.string().trim().toLowerCase().pipe(z.email().max(320))
const domain = z.string().trim().toLowerCase().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/).max(253)
const authMethod = z.enum(['client_secret_basic', 'client_secret_post'])
const createTeamSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  ownerEmail: email,
  defaultPermission: z.enum(['public', 'private']).default('private'),
  domains: z.array(domain).min(1).max(50).optional(),
})
const secret = z.string().min(1).max(2048)
const clientId = z.string().trim().min(1).max(512)
const createConnectionSchema = z.strictObject({
  ownerEmail: email,
  clientId,
  clientSecret: secret,
  issuer: z.string().trim().min(1).max(2048),
  tokenEndpointAuthMethod: authMethod.default('client_secret_basic'),
})
const patchConnectionSchema = z
  .strictObject({ clientId: clientId.optional(), clientSecret: secret.optional(), enabled: z.boolean().optional(), tokenEndpointAuthMethod: authMethod.optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'no field to change')
const eventsQuerySchema = z.object({ teamId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) })
const userQuerySchema = z.object({ email })

type Connection = typeof ssoConnections.$inferSelect

/** The public shape of a connection: never the secret. */
export function connectionView(config: Config, row: Connection) {
  return {
    id: row.id,
    teamId: row.teamId,
    issuer: row.issuer,
    clientId: row.clientId,
    enabled: row.enabled,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
    initiateLoginUri: `${config.publicOrigin}/sso/initiate/${row.id}`,
    redirectUri: `${config.publicOrigin}/sso/callback`,
  }
}

function teamView(config: Config, t: Awaited<ReturnType<typeof loadTeams>>[number]) {
  return {
    id: t.team.id,
    name: t.team.name,
    ownerEmail: t.ownerEmail,
    domains: t.domains,
    defaultPermission: t.team.defaultPermission,
    members: t.members,
    connection: t.connection ? connectionView(config, t.connection) : null,
  }
}

/** Checks the issuer before anything is saved: its discovery document must name exactly this issuer. */
async function checkIssuer(c: Context<AppEnv>, input: string): Promise<string> {
  const issuer = normalizeIssuer(input, c.var.config.allowHttpIssuers)
  if (!issuer) throw new AppError('issuer_invalid')
  try {
    await fetchDiscovery(upstream(c), issuer)
  } catch (error) {
    const mismatch = error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON
    throw new AppError(mismatch ? 'issuer_mismatch' : 'discovery_unreachable', { cause: error instanceof Error ? error.message : undefined })
  }
  return issuer
}

async function connectionOr404(c: Context<AppEnv>, id: string): Promise<Connection> {
  const row = await db(c).select().from(ssoConnections).where(eq(ssoConnections.id, id)).get()
  if (!row) throw new AppError('not_found')
  return row
}

export const adminApiRoutes = new Hono<AppEnv>()
  .use('*', requireAdminToken)
  .post('/teams', validate('json', createTeamSchema), async (c) => {
    const body = c.req.valid('json')
    c.var.audit.email = body.ownerEmail
    const client = db(c)
    const owner = await client
      .select({ id: users.id, teamId: memberships.teamId })
      .from(users)
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.email, body.ownerEmail))
      .get()
    if (owner?.teamId) throw new AppError('already_in_team')
    const ownerUserId = owner?.id ?? randomId()
    const teamId = randomId()
    const domains = body.domains ?? [emailDomain(body.ownerEmail)].filter((d): d is string => d !== undefined)
    const team = { id: teamId, name: body.name, ownerUserId, defaultPermission: body.defaultPermission, domains: [...new Set(domains)] }
    const created = eventRow({ ...c.var.audit, teamId }, 'success', null, newReferenceId(), c.var.runtime.now())
    await client
      .batch([
        ...(owner ? [] : [client.insert(users).values({ id: ownerUserId, email: body.ownerEmail })]),
        ...createTeamStatements(client, team),
        insertEvent(client, created),
      ] as unknown as Parameters<typeof client.batch>[0])
      .catch((error: unknown) => {
        const text = `${(error as Error)?.message} ${(error as Error)?.cause}`
        throw new AppError(/team_domains/.test(text) ? 'domain_taken' : 'already_in_team', { cause: text })
      })
    const [view] = await loadTeams(client, [teamId])
    return c.json(teamView(c.var.config, view!), 201)
  })
  .get('/teams', async (c) => c.json({ teams: (await loadTeams(db(c))).map((t) => teamView(c.var.config, t)) }))
  .get('/teams/:id', async (c) => {
    const [view] = await loadTeams(db(c), [c.req.param('id')])
    if (!view) throw new AppError('not_found')
    return c.json(teamView(c.var.config, view))
  })
  .get('/users', validate('query', userQuerySchema), async (c) => {
    const user = await db(c)
      .select({ id: users.id, email: users.email, name: users.name, teamId: memberships.teamId })
      .from(users)
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.email, c.req.valid('query').email))
      .get()
    if (!user) throw new AppError('not_found')
    return c.json({ user: { ...user, teamId: user.teamId ?? null } })
  })
  .post('/sso-connections', validate('json', createConnectionSchema), async (c) => {
    const body = c.req.valid('json')
    const client = db(c)
    c.var.audit.email = body.ownerEmail
    const team = await client
      .select({ teamId: memberships.teamId })
      .from(users)
      .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.role, 'owner')))
      .where(eq(users.email, body.ownerEmail))
      .get()
    if (!team) throw new AppError('team_not_found')
    c.var.audit.teamId = team.teamId
    const issuer = await checkIssuer(c, body.issuer)
    const id = randomId()
    const row = {
      id,
      teamId: team.teamId,
      issuer,
      clientId: body.clientId,
      clientSecretSealed: await seal(c.var.config.dataKey, body.clientSecret, id),
      enabled: true,
      tokenEndpointAuthMethod: body.tokenEndpointAuthMethod,
    }
    const created = eventRow(c.var.audit, 'success', null, newReferenceId(), c.var.runtime.now())
    await client.batch([client.insert(ssoConnections).values(row), insertEvent(client, created)]).catch((cause: unknown) => {
      throw new AppError('connection_exists', { cause })
    })
    return c.json(connectionView(c.var.config, await connectionOr404(c, id)), 201)
  })
  .get('/sso-connections/:id', async (c) => c.json(connectionView(c.var.config, await connectionOr404(c, c.req.param('id')))))
  .patch('/sso-connections/:id', validate('json', patchConnectionSchema), async (c) => {
    const patch = c.req.valid('json')
    const id = c.req.param('id')
    const existing = await connectionOr404(c, id)
    c.var.audit.teamId = existing.teamId
    const { clientSecret, ...rest } = patch
    const changes = {
      ...rest,
      ...(clientSecret === undefined ? {} : { clientSecretSealed: await seal(c.var.config.dataKey, clientSecret, id) }),
      updatedAt: Math.floor(c.var.runtime.now() / 1000),
    }
    const client = db(c)
    const updated = eventRow(c.var.audit, 'success', null, newReferenceId(), c.var.runtime.now())
    const [rows] = await client.batch([client.update(ssoConnections).set(changes).where(eq(ssoConnections.id, id)).returning(), insertEvent(client, updated)])
    forgetConnection(c.var.runtime, id)
    if (!rows[0]) throw new AppError('not_found')
    return c.json(connectionView(c.var.config, rows[0]))
  })
  .delete('/sso-connections/:id', async (c) => {
    const id = c.req.param('id')
    const existing = await connectionOr404(c, id)
    const client = db(c)
    const deleted = eventRow({ ...c.var.audit, teamId: existing.teamId }, 'success', null, newReferenceId(), c.var.runtime.now())
    await client.batch([
      client.delete(identities).where(eq(identities.connectionId, id)),
      client.delete(ssoConnections).where(eq(ssoConnections.id, id)),
      insertEvent(client, deleted),
    ])
    forgetConnection(c.var.runtime, id)
    return c.body(null, 204)
  })
  .get('/events', validate('query', eventsQuerySchema), async (c) => {
    const { teamId, limit } = c.req.valid('query')
    const rows = await db(c)
      .select()
      .from(events)
      .where(teamId ? eq(events.teamId, teamId) : undefined)
      .orderBy(desc(events.at), desc(events.id))
      .limit(limit)
      .all()
    return c.json({ events: rows.map(eventView) })
  })
