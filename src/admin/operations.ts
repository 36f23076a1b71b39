// The support operations behind both the admin JSON API and the admin page: teams, users, connections, events.
import { and, desc, eq } from 'drizzle-orm'
import type { Context } from 'hono'
import * as oauth from 'oauth4webapi'
import { randomId } from '../crypto/encoding'
import { seal } from '../crypto/secret-box'
import type { Database } from '../db/client'
import { forgetConnection } from '../db/connections'
import { isUniqueViolation } from '../db/errors'
import { events, identities, memberships, ssoConnections, users } from '../db/schema'
import { createTeamStatements, loadTeams } from '../db/teams'
import type { AppEnv, Config } from '../env'
import { AppError } from '../errors'
import { type Audit, eventRow, insertEvent, newReferenceId } from '../events'
import { db, upstream } from '../http'
import { fetchDiscovery, type UpstreamOptions } from '../oidc/discovery'
import { normalizeIssuer } from '../oidc/issuer'
import { emailDomain } from '../provisioning'
import type { Runtime } from '../runtime'
import type {
  ConnectionPatch,
  CreateConnectionInput,
  CreateTeamInput,
  EventsQuery,
} from './schemas'

/** What an operation needs from the request: storage, configuration, upstream access and the audit it fills in. */
export interface AdminScope {
  db: Database
  config: Config
  runtime: Runtime
  upstream: UpstreamOptions
  audit: Audit
}

export const adminScope = (c: Context<AppEnv>): AdminScope => ({
  db: db(c),
  config: c.var.config,
  runtime: c.var.runtime,
  upstream: upstream(c),
  audit: c.var.audit,
})

type Connection = typeof ssoConnections.$inferSelect
type LoadedTeam = Awaited<ReturnType<typeof loadTeams>>[number]

/** The public shape of a connection: never the secret. */
function connectionView(config: Config, row: Connection) {
  return {
    id: row.id,
    teamId: row.teamId,
    issuer: row.issuer,
    clientId: row.clientId,
    enabled: row.enabled,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
    initiateLoginUri: `${config.publicOrigin}/sso/initiate/${row.id}`,
    redirectUri: `${config.publicOrigin}/sso/callback`,
    scimEnabled: row.scimTokenHash !== null,
    endIdpSession: row.endIdpSession,
  }
}

function teamView(config: Config, t: LoadedTeam) {
  return {
    id: t.team.id,
    name: t.team.name,
    ownerEmail: t.ownerEmail,
    domains: t.domains,
    defaultPermission: t.team.defaultPermission,
    adminGroup: t.team.adminGroup,
    members: t.members,
    connection: t.connection ? connectionView(config, t.connection) : null,
  }
}

export type ConnectionView = ReturnType<typeof connectionView>
export type TeamView = ReturnType<typeof teamView>
export type EventRecord = typeof events.$inferSelect

const success = (s: AdminScope, audit: Audit = s.audit) =>
  eventRow(audit, 'success', null, newReferenceId(), s.runtime.now())

/** Creates the team with its owner (a new user when the email has none) and its domains, by default the owner's. */
export async function createTeam(s: AdminScope, input: CreateTeamInput): Promise<TeamView> {
  s.audit.email = input.ownerEmail
  const client = s.db
  const owner = await client
    .select({ id: users.id, teamId: memberships.teamId })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, input.ownerEmail))
    .get()
  if (owner?.teamId) throw new AppError('already_in_team')
  const ownerUserId = owner?.id ?? randomId()
  const teamId = randomId()
  const domains =
    input.domains ?? [emailDomain(input.ownerEmail)].filter((d): d is string => d !== undefined)
  const team = {
    id: teamId,
    name: input.name,
    ownerUserId,
    defaultPermission: input.defaultPermission,
    domains: [...new Set(domains)],
  }
  await client
    .batch([
      ...(owner ? [] : [client.insert(users).values({ id: ownerUserId, email: input.ownerEmail })]),
      ...createTeamStatements(client, team),
      insertEvent(client, success(s, { ...s.audit, teamId })),
    ] as unknown as Parameters<typeof client.batch>[0])
    .catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error
      throw new AppError(
        isUniqueViolation(error, 'team_domains') ? 'domain_taken' : 'already_in_team',
      )
    })
  return getTeam(s, teamId)
}

export async function listTeams(s: AdminScope): Promise<TeamView[]> {
  return (await loadTeams(s.db)).map((t) => teamView(s.config, t))
}

export async function getTeam(s: AdminScope, id: string): Promise<TeamView> {
  const [loaded] = await loadTeams(s.db, [id])
  if (!loaded) throw new AppError('not_found')
  return teamView(s.config, loaded)
}

/** Support's answer to "why can't this person join?": the user and the team they already belong to. */
export async function findUser(s: AdminScope, email: string) {
  const user = await s.db
    .select({ id: users.id, email: users.email, name: users.name, teamId: memberships.teamId })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, email))
    .get()
  if (!user) throw new AppError('not_found')
  return { ...user, teamId: user.teamId ?? null }
}

/** Checks the issuer before anything is saved: its discovery document must name exactly this issuer. */
async function checkIssuer(s: AdminScope, input: string): Promise<string> {
  const issuer = normalizeIssuer(input, s.config.allowHttpIssuers)
  if (!issuer) throw new AppError('issuer_invalid')
  try {
    await fetchDiscovery(s.upstream, issuer)
  } catch (error) {
    const mismatch =
      error instanceof oauth.OperationProcessingError &&
      error.code === oauth.JSON_ATTRIBUTE_COMPARISON
    throw new AppError(mismatch ? 'issuer_mismatch' : 'discovery_unreachable', {
      cause: error instanceof Error ? error.message : undefined,
    })
  }
  return issuer
}

/** The guide's four values become the owner's team's connection, enabled, once the issuer's discovery checks out. */
export async function createConnection(
  s: AdminScope,
  input: CreateConnectionInput,
): Promise<ConnectionView> {
  const client = s.db
  s.audit.email = input.ownerEmail
  const team = await client
    .select({ teamId: memberships.teamId })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.role, 'owner')))
    .where(eq(users.email, input.ownerEmail))
    .get()
  if (!team) throw new AppError('team_not_found')
  s.audit.teamId = team.teamId
  const issuer = await checkIssuer(s, input.issuer)
  const id = randomId()
  const row = {
    id,
    teamId: team.teamId,
    issuer,
    clientId: input.clientId,
    clientSecretSealed: await seal(s.config.dataKey, input.clientSecret, id),
    enabled: true,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
  }
  await client
    .batch([client.insert(ssoConnections).values(row), insertEvent(client, success(s))])
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? new AppError('connection_exists') : error
    })
  return getConnection(s, id)
}

async function connectionRow(s: AdminScope, id: string): Promise<Connection> {
  const row = await s.db.select().from(ssoConnections).where(eq(ssoConnections.id, id)).get()
  if (!row) throw new AppError('not_found')
  return row
}

export async function getConnection(s: AdminScope, id: string): Promise<ConnectionView> {
  return connectionView(s.config, await connectionRow(s, id))
}

/** Rotation, enabling and disabling: the secret is sealed again under the connection id. */
export async function patchConnection(
  s: AdminScope,
  id: string,
  patch: ConnectionPatch,
): Promise<ConnectionView> {
  const existing = await connectionRow(s, id)
  s.audit.teamId = existing.teamId
  const { clientSecret, ...rest } = patch
  const changes = {
    ...rest,
    ...(clientSecret === undefined
      ? {}
      : { clientSecretSealed: await seal(s.config.dataKey, clientSecret, id) }),
    updatedAt: Math.floor(s.runtime.now() / 1000),
  }
  const client = s.db
  const [rows] = await client.batch([
    client.update(ssoConnections).set(changes).where(eq(ssoConnections.id, id)).returning(),
    insertEvent(client, success(s)),
  ])
  forgetConnection(s.runtime, id)
  if (!rows[0]) throw new AppError('not_found')
  return connectionView(s.config, rows[0])
}

/** Deletes the connection and the identities linked through it (users and memberships stay). */
export async function deleteConnection(s: AdminScope, id: string): Promise<void> {
  const existing = await connectionRow(s, id)
  const client = s.db
  await client.batch([
    client.delete(identities).where(eq(identities.connectionId, id)),
    client.delete(ssoConnections).where(eq(ssoConnections.id, id)),
    insertEvent(client, success(s, { ...s.audit, teamId: existing.teamId })),
  ])
  forgetConnection(s.runtime, id)
}

/** Login attempts and admin actions, newest first. */
export async function listEvents(s: AdminScope, query: EventsQuery): Promise<EventRecord[]> {
  return s.db
    .select()
    .from(events)
    .where(query.teamId ? eq(events.teamId, query.teamId) : undefined)
    .orderBy(desc(events.at), desc(events.id))
    .limit(query.limit)
    .all()
}

/** A success event for an admin action that changes no row (signing in to the admin page). */
export async function recordAdminSuccess(s: AdminScope): Promise<void> {
  await insertEvent(s.db, success(s))
}
