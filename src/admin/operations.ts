// The support operations behind both the admin JSON API and the admin page: teams, users, connections, events.
import * as oauth from 'oauth4webapi'
import { forgetConnection } from '../connections'
import { randomId } from '../crypto/encoding'
import { seal } from '../crypto/secret-box'
import type { Database } from '../db/client'
import {
  type ConnectionRow,
  connectionRow,
  deleteConnectionStatements,
  insertConnection,
  updateConnection,
} from '../db/connections'
import { isUniqueViolation } from '../db/errors'
import { type EventRecord, insertEvent, listEvents as selectEvents } from '../db/events'
import { loadTeams } from '../db/teams'
import { insertUser, userWithTeam } from '../db/users'
import type { Config } from '../env'
import { AppError } from '../errors'
import { type Audit, eventRow, newReferenceId } from '../events'
import { fetchDiscovery, type UpstreamOptions } from '../oidc/discovery'
import { normalizeIssuer } from '../oidc/issuer'
import type { Runtime } from '../runtime'
import { createTeam as createTeamRows } from '../teams'
import { initiateLoginUri, redirectUri } from '../vocabulary'
import type {
  ConnectionPatch,
  CreateConnectionInput,
  CreateTeamInput,
  EventsQuery,
} from './schemas'

/** What an operation needs: storage, configuration, the isolate's runtime and upstream access. */
export interface AdminDeps {
  db: Database
  config: Config
  runtime: Runtime
  upstream: UpstreamOptions
}

type LoadedTeam = Awaited<ReturnType<typeof loadTeams>>[number]

/** The public shape of a connection: never the secret. */
function connectionView(config: Config, row: ConnectionRow) {
  return {
    id: row.id,
    teamId: row.teamId,
    issuer: row.issuer,
    clientId: row.clientId,
    enabled: row.enabled,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
    initiateLoginUri: initiateLoginUri(config.publicOrigin, row.id),
    redirectUri: redirectUri(config.publicOrigin),
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

const success = (d: AdminDeps, audit: Audit) =>
  insertEvent(d.db, eventRow(audit, 'success', null, newReferenceId(), d.runtime.now()))

/** Creates the team with its owner (a new user when the email has none) and its domains, by default the owner's. */
export async function createTeam(
  d: AdminDeps,
  input: CreateTeamInput,
  audit: Audit,
): Promise<TeamView> {
  const owner = await userWithTeam(d.db, input.ownerEmail)
  if (owner?.teamId) throw new AppError('already_in_team')
  const ownerId = owner?.id ?? randomId()
  const teamId = await createTeamRows(
    d.db,
    {
      name: input.name,
      defaultPermission: input.defaultPermission,
      owner: { id: ownerId, email: input.ownerEmail },
      domains: input.domains,
    },
    {
      skipTakenDomains: false,
      before: owner ? [] : [insertUser(d.db, { id: ownerId, email: input.ownerEmail })],
      after: (id) => [success(d, { ...audit, teamId: id })],
    },
  )
  return getTeam(d, teamId)
}

export async function listTeams(d: AdminDeps): Promise<TeamView[]> {
  return (await loadTeams(d.db)).map((t) => teamView(d.config, t))
}

export async function getTeam(d: AdminDeps, id: string): Promise<TeamView> {
  const [loaded] = await loadTeams(d.db, [id])
  if (!loaded) throw new AppError('not_found')
  return teamView(d.config, loaded)
}

/** Support's answer to "why can't this person join?": the user and the team they already belong to. */
export async function findUser(d: AdminDeps, email: string) {
  const user = await userWithTeam(d.db, email)
  if (!user) throw new AppError('not_found')
  return { id: user.id, email: user.email, name: user.name, teamId: user.teamId ?? null }
}

/** The team whose owner has this email: the audit fact a connection's creation is recorded under. */
export async function teamOwnedBy(d: AdminDeps, ownerEmail: string): Promise<{ teamId: string }> {
  const owner = await userWithTeam(d.db, ownerEmail)
  if (!owner?.teamId || owner.role !== 'owner') throw new AppError('team_not_found')
  return { teamId: owner.teamId }
}

/** Checks the issuer before anything is saved: its discovery document must name exactly this issuer. */
async function checkIssuer(d: AdminDeps, input: string): Promise<string> {
  const issuer = normalizeIssuer(input, d.config.allowHttpIssuers)
  if (!issuer) throw new AppError('issuer_invalid')
  try {
    await fetchDiscovery(d.upstream, issuer)
  } catch (error) {
    const mismatch =
      error instanceof oauth.OperationProcessingError &&
      error.code === oauth.JSON_ATTRIBUTE_COMPARISON
    throw new AppError(mismatch ? 'issuer_mismatch' : 'discovery_unreachable', { cause: error })
  }
  return issuer
}

/** The guide's four values become `teamId`'s connection, enabled, once the issuer's discovery checks out. */
export async function createConnection(
  d: AdminDeps,
  teamId: string,
  input: CreateConnectionInput,
  audit: Audit,
): Promise<ConnectionView> {
  const issuer = await checkIssuer(d, input.issuer)
  const id = randomId()
  const row = {
    id,
    teamId,
    issuer,
    clientId: input.clientId,
    clientSecretSealed: await seal(d.config.dataKey, input.clientSecret, id),
    enabled: true,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
  }
  await d.db.batch([insertConnection(d.db, row), success(d, audit)]).catch((error: unknown) => {
    throw isUniqueViolation(error) ? new AppError('connection_exists', { cause: error }) : error
  })
  return getConnection(d, id)
}

export async function getConnection(d: AdminDeps, id: string): Promise<ConnectionView> {
  const row = await connectionRow(d.db, id)
  if (!row) throw new AppError('not_found')
  return connectionView(d.config, row)
}

/** Rotation, enabling and disabling: the secret is sealed again under the connection id. */
export async function patchConnection(
  d: AdminDeps,
  id: string,
  patch: ConnectionPatch,
  audit: Audit,
): Promise<ConnectionView> {
  const { clientSecret, ...rest } = patch
  const changes = {
    ...rest,
    ...(clientSecret === undefined
      ? {}
      : { clientSecretSealed: await seal(d.config.dataKey, clientSecret, id) }),
    updatedAt: Math.floor(d.runtime.now() / 1000),
  }
  const [rows] = await d.db.batch([updateConnection(d.db, id, changes), success(d, audit)])
  forgetConnection(d.runtime, id)
  const [updated] = rows
  if (!updated) throw new AppError('not_found')
  return connectionView(d.config, updated)
}

/** Deletes the connection and the identities linked through it (users and memberships stay). */
export async function deleteConnection(d: AdminDeps, id: string, audit: Audit): Promise<void> {
  await d.db.batch([...deleteConnectionStatements(d.db, id), success(d, audit)])
  forgetConnection(d.runtime, id)
}

/** Login attempts and admin actions, newest first. */
export async function listEvents(d: AdminDeps, query: EventsQuery): Promise<EventRecord[]> {
  return selectEvents(d.db, query)
}

/** A success event for an admin action that changes no row (signing in to the admin page). */
export async function recordAdminSuccess(d: AdminDeps, audit: Audit): Promise<void> {
  await success(d, audit)
}
