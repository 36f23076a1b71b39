// The support operations behind both the admin JSON API and the admin page: teams, users, connections, events.
import type { SQL } from 'drizzle-orm'
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
import {
  deleteDomain,
  domainOfTeam,
  insertDomain,
  markDomainVerified,
  verifiedDomainOwner,
} from '../db/domains'
import { isUniqueViolation } from '../db/errors'
import { type EventRecord, insertEvent, listEvents as selectEvents } from '../db/events'
import { retireSetupLinks } from '../db/setup-links'
import { endAccessStatements } from '../db/login'
import type { Position } from '../db/pages'
import {
  type MemberFacts,
  listMembers as selectMembers,
  loadTeams,
  membersShown,
  teamExists,
} from '../db/teams'
import { insertUser, userStateByEmail, userWithTeam } from '../db/users'
import { defaultDomains, domainClaim, domainsView, requestedDomain } from '../domains/claims'
import { checkTxt, verificationRecord } from '../domains/dns'
import { normaliseDomain } from '../domains/policy'
import type { Config } from '../env'
import { AppError, type Subject } from '../errors'
import { type Recorded, recordedSuccess } from '../events'
import type { Mailer } from '../mail/deliver'
import { connectionAddedMail, ssoEnabledMail } from '../mail/templates'
import { fetchDiscovery, type UpstreamOptions } from '../oidc/discovery'
import { isEntraAlias, normalizeIssuer } from '../oidc/issuer'
import { adoptionEndsAccess, deprovisioned, roleAndSource } from '../provisioning'
import type { Runtime } from '../runtime'
import { createTeam as createTeamRows, ownerJoined, uniqueViolationCode } from '../teams'
import {
  initiateLoginUri,
  redirectUri,
  type Role,
  type RoleSource,
  type ScimStatus,
} from '../vocabulary'
import type { ConnectionView, FoundUser, TeamView } from './answers'
import type { Outbox } from '../webhooks/outbox'
import type { WebhookEventType, WebhookVia } from '../vocabulary'
import { encodeCursor } from './cursor'
import type {
  AddDomainInput,
  ConnectionPatch,
  CreateConnectionInput,
  CreateTeamInput,
  EventsQuery,
  MembersQuery,
  TeamsQuery,
} from './schemas'

/** What an operation needs: storage, configuration, the isolate's runtime, upstream access and mail. */
export interface AdminDeps {
  db: Database
  config: Config
  runtime: Runtime
  upstream: UpstreamOptions
  mail: Mailer
  /** What the host app hears of a change (`via: support`, or the owner's through setup). */
  outbox: Outbox
}

type LoadedTeam = Awaited<ReturnType<typeof loadTeams>>['rows'][number]

/** The public shape of a connection: never the secret. */
function connectionView(config: Config, row: ConnectionRow): ConnectionView {
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
    /** `draft` (made through setup, logs nobody in) until activated after a successful test sign-in. */
    status: row.status,
    /** When a test sign-in through the current values last succeeded (ISO), or null. */
    testedAt: row.testedAt === null ? null : new Date(row.testedAt * 1000).toISOString(),
    /** `acr_values` sent with every login (space-separated); the ID token's `acr` must be one of them. Null: none. */
    acrValues: row.acrValues,
    /** The ID token (or userinfo) claim whose groups set a member's role from the team's admin group. */
    groupsClaim: row.groupsClaim,
  }
}

function teamView(config: Config, t: LoadedTeam): TeamView {
  return {
    id: t.team.id,
    name: t.team.name,
    ownerEmail: t.ownerEmail,
    ...domainsView(t.domains),
    defaultPermission: t.team.defaultPermission,
    adminGroup: t.team.adminGroup,
    /** The session policy: hours a session may live after login, minutes unseen before it ends (null: no limit). */
    sessionMaxAgeHours: t.team.sessionMaxAgeHours,
    idleTimeoutMinutes: t.team.idleTimeoutMinutes,
    members: t.members.map(memberView),
    /** Set when the team has more than the members shown: `GET /admin/api/teams/:id/members?cursor=`. */
    membersNextCursor: encodeCursor(t.moreMembers),
    /** The first (oldest) connection, as before a team could have several. */
    connection: t.connections[0] ? connectionView(config, t.connections[0]) : null,
    connections: t.connections.map((row) => connectionView(config, row)),
  }
}

/** The webhook row of a change to connection `connectionId` of `teamId`. */
export const connectionChange = (
  d: AdminDeps,
  change: { type: WebhookEventType; teamId: string; connectionId: string; via?: WebhookVia },
  when?: SQL,
) =>
  d.outbox.change(
    d.db,
    {
      type: change.type,
      teamId: change.teamId,
      via: change.via ?? 'support',
      details: { connectionId: change.connectionId },
    },
    when,
  )

/** The success event of an operation on `subject` (over what the route recorded). */
export const success = (d: AdminDeps, recorded: Recorded, subject: Subject = {}) =>
  insertEvent(d.db, recordedSuccess(recorded, subject, d.runtime.now()))

/**
 * Creates the team with its owner (a new user when the email has none) and its domains, verified at once
 * (support attests them): those given (each must be allowed, else `400 domain_not_allowed`), by default the
 * owner's email domain unless it is free-mail. An existing account named owner whose email was never proven
 * or that holds a password loses that password and its sessions, in the same batch.
 */
export async function createTeam(
  d: AdminDeps,
  input: CreateTeamInput,
  recorded: Recorded,
): Promise<TeamView> {
  const domains = input.domains?.map(requestedDomain) ?? defaultDomains(input.ownerEmail)
  const owner = await userWithTeam(d.db, input.ownerEmail)
  if (owner?.teamId) throw new AppError('already_in_team')
  const ownerId = owner?.id ?? randomId()
  const adopted = owner && { emailVerified: owner.emailVerified, hasPassword: !!owner.passwordHash }
  const now = Math.floor(d.runtime.now() / 1000)
  const before = !adopted
    ? [insertUser(d.db, { id: ownerId, email: input.ownerEmail })]
    : adoptionEndsAccess(adopted)
      ? [...endAccessStatements(d.db, ownerId, now)]
      : []
  const teamId = await createTeamRows(
    d.db,
    {
      name: input.name,
      defaultPermission: input.defaultPermission,
      owner: { id: ownerId, email: input.ownerEmail },
      domains: domains.map((domain) => domainClaim(domain, true)),
    },
    {
      before,
      after: (id) => [
        success(d, recorded, { teamId: id, email: input.ownerEmail }),
        ...ownerJoined(d.outbox, d.db, { teamId: id, userId: ownerId, email: input.ownerEmail }),
        ...(adopted && adoptionEndsAccess(adopted)
          ? d.outbox.change(d.db, {
              type: 'sessions.revoked',
              teamId: id,
              userId: ownerId,
              via: 'support',
              details: { scope: 'all' },
            })
          : []),
      ],
    },
  )
  return getTeam(d, teamId)
}

/** A domain claim for the team: `verified` is support's attestation, else pending its DNS proof. */
export async function addTeamDomain(
  d: AdminDeps,
  teamId: string,
  input: AddDomainInput,
  recorded: Recorded,
): Promise<TeamView> {
  const domain = requestedDomain(input.domain)
  await getTeam(d, teamId)
  const claim = domainClaim(domain, input.verified === true)
  await d.db.batch([insertDomain(d.db, teamId, claim), success(d, recorded)]).catch(domainTaken)
  return getTeam(d, teamId)
}

const domainTaken = (error: unknown): never => {
  if (!isUniqueViolation(error)) throw error
  throw new AppError(uniqueViolationCode(error), { cause: error })
}

/** The team's claim on the domain a path names, or `404`. */
async function claimOf(d: AdminDeps, teamId: string, name: string) {
  const domain = normaliseDomain(name)
  const row = domain ? await domainOfTeam(d.db, teamId, domain) : undefined
  if (!row) throw new AppError('not_found')
  return row
}

/**
 * Proves a pending domain by its TXT record over DNS-over-HTTPS (`DNS_RESOLVER_URL`): verified, or
 * `409 domain_verification_failed`; a domain another team has verified is `409 domain_taken`.
 */
export async function verifyTeamDomain(
  d: AdminDeps,
  teamId: string,
  name: string,
  recorded: Recorded,
): Promise<TeamView> {
  const row = await claimOf(d, teamId, name)
  if (!row.verified) {
    const holder = await verifiedDomainOwner(d.db, row.domain)
    if (holder && holder.teamId !== teamId) throw new AppError('domain_taken')
    const record = verificationRecord(row.domain, row.verificationToken ?? '')
    const found = await checkTxt(d.runtime.fetch, {
      resolverUrl: d.config.dnsResolverUrl,
      name: record.dnsName,
      expected: record.dnsValue,
      timeoutMs: d.runtime.upstreamTimeoutMs,
    })
    if (found === 'unreachable') throw new AppError('dns_unreachable')
    if (!found) throw new AppError('domain_verification_failed')
    await d.db
      .batch([markDomainVerified(d.db, teamId, row.domain), success(d, recorded)])
      .catch(domainTaken)
  }
  return getTeam(d, teamId)
}

/** Removes the team's claim (verified or pending) on the domain. */
export async function deleteTeamDomain(
  d: AdminDeps,
  teamId: string,
  name: string,
  recorded: Recorded,
): Promise<void> {
  const row = await claimOf(d, teamId, name)
  await d.db.batch([deleteDomain(d.db, teamId, row.domain), success(d, recorded)])
}

/** Teams newest first, a page at a time. */
export async function listTeams(d: AdminDeps, query: TeamsQuery & { search?: string }) {
  const { limit, cursor: before, search } = query
  const page = await loadTeams(d.db, { limit, before, ...(search ? { search } : {}) })
  return { teams: page.rows.map((t) => teamView(d.config, t)), nextCursor: encodeCursor(page.next) }
}

export async function getTeam(d: AdminDeps, id: string): Promise<TeamView> {
  const [loaded] = (await loadTeams(d.db, { id })).rows
  if (!loaded) throw new AppError('not_found')
  return teamView(d.config, loaded)
}

/** A member in the admin API: who, and their state (active, role and its source). */
const memberView = ({ memberRole, roleSource, admin, scimStatus, ...who }: MemberFacts) => ({
  ...who,
  ...memberState({ memberRole, roleSource, admin, scimStatus }),
})
export type MemberView = ReturnType<typeof memberView>

/** A team's members in the order they joined, a page at a time; 404 for an unknown team. */
export async function listMembers(d: AdminDeps, teamId: string, query: MembersQuery) {
  const page = await selectMembers(d.db, teamId, { limit: query.limit, after: query.cursor })
  if (page.rows.length === 0 && !(await teamExists(d.db, teamId))) throw new AppError('not_found')
  return { members: page.rows.map(memberView), nextCursor: encodeCursor(page.next) }
}

/**
 * A member's state as support sees it: `active` (false once the team's SCIM deactivated or deleted them),
 * the role and who decided it (`roleSource`: owner, sso, scim, support, or null for the default).
 */
export function memberState(m: {
  memberRole: Role | null
  roleSource: RoleSource | null
  admin: boolean
  scimStatus: ScimStatus | null
}) {
  const { role, source } = roleAndSource(m)
  return { active: !deprovisioned(m.scimStatus), role, roleSource: source }
}

/**
 * Support's answer to "why can't this person join?" and "what can they do?": the user, the team they belong
 * to, their state in it (active, role and its source) and that team's session policy.
 */
export async function findUser(d: AdminDeps, email: string): Promise<FoundUser> {
  const user = await userStateByEmail(d.db, email)
  if (!user) throw new AppError('not_found')
  const { id, name, teamId } = user
  const inTeam = teamId !== null
  return {
    id,
    email: user.email,
    name,
    teamId,
    ...(inTeam
      ? memberState({ ...user, memberRole: user.role, admin: Boolean(user.admin) })
      : { active: true, role: null, roleSource: null }),
    sessionPolicy:
      inTeam && user.sessionMaxAgeHours !== null
        ? {
            sessionMaxAgeHours: user.sessionMaxAgeHours,
            idleTimeoutMinutes: user.idleTimeoutMinutes,
          }
        : null,
  }
}

/** One team with its members a page at a time from `cursor` (the console's "more members" link). */
export async function teamWithMembersFrom(d: AdminDeps, teamId: string, cursor?: Position) {
  const team = await getTeam(d, teamId)
  const page = await listMembers(d, teamId, { limit: membersShown, cursor })
  return {
    teams: [{ ...team, members: page.members, membersNextCursor: page.nextCursor }],
    nextCursor: null,
  }
}

/** The team whose owner has this email: the audit fact a connection's creation is recorded under. */
export async function teamOwnedBy(d: AdminDeps, ownerEmail: string): Promise<{ teamId: string }> {
  const owner = await userWithTeam(d.db, ownerEmail)
  if (!owner?.teamId || owner.role !== 'owner') throw new AppError('team_not_found')
  return { teamId: owner.teamId }
}

/** Checks the issuer before anything is saved: its discovery document must name exactly this issuer. */
export async function checkIssuer(d: AdminDeps, input: string): Promise<string> {
  const issuer = normalizeIssuer(input, d.config.allowHttpIssuers)
  if (!issuer) throw new AppError('issuer_invalid')
  if (isEntraAlias(issuer))
    throw new AppError('issuer_mismatch', {
      message:
        'Microsoft’s multi-tenant endpoint names no tenant: enter https://login.microsoftonline.com/<your tenant ID>/v2.0.',
    })
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

/**
 * The guide's four values become a connection of `teamId` (a team may have several), enabled, once the
 * issuer's discovery checks out; the team's setup links are retired in the same batch (SSO is set up).
 */
export async function createConnection(
  d: AdminDeps,
  teamId: string,
  input: CreateConnectionInput,
  recorded: Recorded,
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
    acrValues: input.acrValues ?? null,
    groupsClaim: input.groupsClaim ?? 'groups',
  }
  const now = Math.floor(d.runtime.now() / 1000)
  await d.db.batch([
    insertConnection(d.db, row),
    retireSetupLinks(d.db, teamId, now),
    success(d, recorded),
    ...connectionChange(d, { type: 'connection.activated', teamId, connectionId: id }),
  ])
  const connection = await getConnection(d, id)
  await mailSsoOn(d, connection)
  return connection
}

/**
 * "SSO is on for <team>" to the team's owner, as the customer guide promises; when the team already had
 * an active connection, a mail naming the new one instead (another way into every account of the team).
 */
export async function mailSsoOn(d: AdminDeps, connection: ConnectionView) {
  const team = await getTeam(d, connection.teamId)
  const facts = {
    to: team.ownerEmail,
    teamName: team.name,
    issuer: connection.issuer,
    ssoLink: connection.initiateLoginUri,
  }
  const alongside = team.connections.some((c) => c.id !== connection.id && c.status === 'active')
  if (alongside)
    d.mail('connection_added', connectionAddedMail({ ...facts, clientId: connection.clientId }))
  else d.mail('sso_enabled', ssoEnabledMail(facts))
}

export async function getConnection(d: AdminDeps, id: string): Promise<ConnectionView> {
  const row = await connectionRow(d.db, id)
  if (!row) throw new AppError('not_found')
  return connectionView(d.config, row)
}

/**
 * Rotation, enabling and disabling: the secret is sealed again under the connection id. New values need
 * a new test sign-in (`tested_at` cleared); turning a connection on retires the team's setup links.
 */
export async function patchConnection(
  d: AdminDeps,
  id: string,
  patch: ConnectionPatch,
  recorded: Recorded,
): Promise<ConnectionView> {
  const { clientSecret, ...rest } = patch
  const before = patch.enabled !== undefined ? await connectionRow(d.db, id) : undefined
  // A draft is turned on only by its activation, after a successful test sign-in.
  if (before?.status === 'draft') throw new AppError('connection_untested')
  const now = Math.floor(d.runtime.now() / 1000)
  const newValues = [clientSecret, patch.clientId, patch.tokenEndpointAuthMethod].some(
    (value) => value !== undefined,
  )
  const changes = {
    ...rest,
    ...(clientSecret === undefined
      ? {}
      : { clientSecretSealed: await seal(d.config.dataKey, clientSecret, id) }),
    ...(newValues ? { testedAt: null } : {}),
    updatedAt: now,
  }
  const turnedOn = before && patch.enabled && !before.enabled
  const turnedOff = before?.enabled && patch.enabled === false
  const [rows] = await d.db.batch([
    updateConnection(d.db, id, changes),
    ...(before && patch.enabled ? [retireSetupLinks(d.db, before.teamId, now)] : []),
    success(d, recorded),
    ...(before && (turnedOn || turnedOff)
      ? connectionChange(d, {
          type: turnedOn ? 'connection.activated' : 'connection.disabled',
          teamId: before.teamId,
          connectionId: id,
        })
      : []),
  ])
  forgetConnection(d.runtime, id)
  const [updated] = rows
  if (!updated) throw new AppError('not_found')
  const view = connectionView(d.config, updated)
  if (turnedOn && updated.enabled) await mailSsoOn(d, view)
  return view
}

/** Deletes the connection and the identities linked through it (users and memberships stay). */
export async function deleteConnection(
  d: AdminDeps,
  id: string,
  recorded: Recorded,
): Promise<void> {
  const { teamId } = recorded.subject
  await d.db.batch([
    ...deleteConnectionStatements(d.db, id),
    success(d, recorded),
    ...(teamId
      ? connectionChange(d, { type: 'connection.deleted', teamId, connectionId: id })
      : []),
  ])
  forgetConnection(d.runtime, id)
}

/** Login attempts and admin actions, newest first, a page at a time. */
export async function listEvents(
  d: AdminDeps,
  query: EventsQuery,
): Promise<{ events: EventRecord[]; nextCursor: string | null }> {
  const page = await selectEvents(d.db, {
    teamId: query.teamId,
    limit: query.limit,
    before: query.cursor,
  })
  return { events: page.rows, nextCursor: encodeCursor(page.next) }
}
