// SCIM Users for one team: provisioning, updates, deactivation and deletion, each with its event row.
// userName is any string the IdP chooses (kept as sent); the account's email comes from `emails`.
import type { BatchItem } from 'drizzle-orm/batch'
import * as z from 'zod/mini'
import { randomId } from '../crypto/encoding'
import type { Database } from '../db/client'
import { isUniqueViolation } from '../db/errors'
import { endAccessStatements } from '../db/login'
import { endLiveEmailTokens } from '../db/email-tokens'
import { revokeUserSessions } from '../db/revocation'
import {
  insertScimUser,
  joinTeam,
  leaveTeam,
  leaveTeamGroups,
  loadScimUsers,
  type ScimScope,
  type ScimUserRow,
  domainStanding,
  teamUserByUserName,
  upsertScimUser,
  userByEmailForTeam,
  updateMember,
  updateUser,
} from '../db/scim'
import { insertEvent } from '../db/events'
import { concerning } from '../errors'
import { type Audit, successRow } from '../events'
import { adoptionEndsAccess, emailDomain } from '../provisioning'
import { email as emailSchema } from '../schemas'
import { notFound, readResource, ScimError } from './errors'
import { onlyAttributes, parseFilter, userQuery } from './filter'
import { applyPatch, readPatchOperations } from './patch'
import { iso, listResponse, readPaging, userSchema } from './protocol'
import type { Outbox } from '../webhooks/outbox'
import type { AuditAction, WebhookEventType } from '../vocabulary'

/** What a SCIM call needs: storage, the token's team, the clock, the base URL and the request's audit. */
export interface ScimContext {
  db: Database
  scope: ScimScope
  nowMs: number
  baseUrl: string
  audit: Audit
  /** What the host app hears of each change (`via: scim`). */
  outbox: Outbox
}

const optionalText = (max: number) => z.optional(z.nullable(z.string().check(z.maxLength(max))))
const boolish = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false', 'True', 'False']),
    z.transform((v) => v.toLowerCase() === 'true'),
  ),
])

const emailEntry = z.looseObject({
  value: optionalText(320),
  type: optionalText(64),
  primary: z.optional(z.nullable(boolish)),
})

/** The core User attributes we keep; everything else Okta and Entra send (locale, password, ...) is ignored. */
const userInput = z.looseObject({
  userName: z.string().check(
    z.maxLength(320),
    z.refine((name) => name.trim() !== '', 'userName is empty'),
  ),
  emails: z.optional(z.nullable(z.array(emailEntry).check(z.maxLength(20)))),
  externalId: optionalText(256),
  displayName: optionalText(200),
  active: z.optional(boolish),
  name: z.optional(
    z.nullable(
      z.looseObject({
        formatted: optionalText(200),
        givenName: optionalText(100),
        familyName: optionalText(100),
      }),
    ),
  ),
})

interface UserState {
  userName: string
  email: string
  name: string | null
  givenName: string | null
  familyName: string | null
  externalId: string | null
  active: boolean
}

/**
 * The account's email: the primary entry of `emails`, else its `work` entry, else its first; with no
 * `emails`, the userName when it is an email address. None at all is `400 invalidValue`.
 */
function accountEmail(input: z.output<typeof userInput>): string {
  const emails = (input.emails ?? []).filter((e) => e.value)
  const chosen =
    emails.find((e) => e.primary === true) ??
    emails.find((e) => e.type?.toLowerCase() === 'work') ??
    emails[0]
  const email = emailSchema.safeParse(chosen?.value ?? input.userName)
  if (email.success) return email.data
  throw new ScimError(
    400,
    chosen
      ? 'The email in emails is not an email address.'
      : 'The user has no email: send it in emails (or as a userName that is an email address).',
    'invalidValue',
  )
}

/** The user's state as a resource (or a patched resource) describes it. */
function readUser(body: unknown): UserState {
  const input = readResource(userInput, body, 'user')
  const givenName = input.name?.givenName?.trim() || null
  const familyName = input.name?.familyName?.trim() || null
  const name =
    input.displayName?.trim() ||
    input.name?.formatted?.trim() ||
    [givenName, familyName].filter(Boolean).join(' ') ||
    null
  return {
    userName: input.userName,
    email: accountEmail(input),
    name,
    givenName,
    familyName,
    externalId: input.externalId ?? null,
    active: input.active ?? true,
  }
}

const isActive = (row: ScimUserRow) => row.status !== 'inactive'

/**
 * A name in two parts for a member SCIM never provisioned (the owner support created): the stored name's
 * first word and the rest, or the email's local part for both, so every listed user has a valid name.
 */
function nameParts(row: ScimUserRow) {
  if (row.givenName || row.familyName)
    return { givenName: row.givenName, familyName: row.familyName }
  const [first = '', ...rest] = (row.name ?? '').trim().split(/\s+/)
  const local = row.email.split('@')[0] ?? row.email
  return { givenName: first || local, familyName: rest.join(' ') || local }
}

/**
 * The core User resource for a team user; `names` are the answer's (a PATCH applies to the stored ones, so
 * the name made up for a member without one is never written back).
 */
export function userResource(
  row: ScimUserRow,
  baseUrl: string,
  { givenName, familyName } = nameParts(row),
) {
  return {
    schemas: [userSchema],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.userName ?? row.email,
    name: {
      ...(row.name ? { formatted: row.name } : {}),
      ...(givenName ? { givenName } : {}),
      ...(familyName ? { familyName } : {}),
    },
    ...(row.name ? { displayName: row.name } : {}),
    emails: [{ value: row.email, type: 'work', primary: true }],
    active: isActive(row),
    meta: {
      resourceType: 'User',
      created: iso(row.createdAt),
      lastModified: iso(row.updatedAt ?? row.createdAt),
      location: `${baseUrl}/Users/${row.id}`,
    },
  }
}

async function loadUser(s: ScimContext, id: string): Promise<ScimUserRow> {
  const { rows } = await loadScimUsers(s.db, s.scope.teamId, { id }, { offset: 0, limit: 1 })
  const [row] = rows
  if (!row) throw notFound('User')
  return row
}

export async function getUser(s: ScimContext, id: string) {
  return userResource(await loadUser(s, id), s.baseUrl)
}

/**
 * GET /Users: Okta asks `filter=userName eq "..."`, Entra `userName`, `externalId` or
 * `emails[type eq "work"].value`; `emails.value` and `id` work too.
 */
export async function listUsers(s: ScimContext, query: Record<string, string>) {
  const filters = parseFilter(query.filter)
  onlyAttributes(filters, [
    'username',
    'externalid',
    'id',
    'emails.value',
    'emails',
    'emails[type]',
  ])
  const paging = readPaging(query)
  const { total, rows } = await loadScimUsers(s.db, s.scope.teamId, userQuery(filters), paging)
  return listResponse(
    rows.map((row) => userResource(row, s.baseUrl)),
    total,
    paging.startIndex,
  )
}

/** The webhook row of a change to `userId` in the token's team. */
const change = (
  s: ScimContext,
  type: WebhookEventType,
  userId: string,
  details?: Record<string, string | null>,
) => s.outbox.change(s.db, { type, teamId: s.scope.teamId, userId, via: 'scim', details })

/** The session revocation the host app hears of, beside `revokeUserSessions` in a batch. */
const sessionsRevoked = (s: ScimContext, userId: string) =>
  change(s, 'sessions.revoked', userId, { scope: 'all' })

const event = (s: ScimContext, action: AuditAction, email: string) =>
  insertEvent(s.db, successRow({ ...s.audit, action }, { teamId: s.scope.teamId, email }, s.nowMs))

/** How the team makes `domain` its own, for the answer to a user outside its verified domains. */
const domainAdvice = {
  pending: (domain: string) =>
    `${domain} is claimed by this team but not proven yet: the team owner adds the DNS TXT record _edge-sso.${domain} shown on the team page and checks it, or support verifies the domain.`,
  other_team: (domain: string) =>
    `${domain} is a verified domain of another team, so this team cannot provision its users.`,
  none: (domain: string) =>
    `${domain} is not one of this team’s domains: support adds and verifies it, or the team owner claims it on the team page and proves it with a DNS TXT record (_edge-sso.${domain}).`,
}

/** The email's domain must be a verified domain of the team: else `400 invalidValue` saying how to verify it. */
async function requireTeamDomain(s: ScimContext, email: string) {
  const domain = emailDomain(email) ?? ''
  const standing = await domainStanding(s.db, s.scope.teamId, domain)
  if (standing !== 'verified')
    throw new ScimError(400, `The email’s domain ${domainAdvice[standing](domain)}`, 'invalidValue')
}

/** A userName is one user's in the team (case-insensitively): another's is `409 uniqueness`. */
async function requireFreeUserName(s: ScimContext, userName: string, userId: string | undefined) {
  const holder = await teamUserByUserName(s.db, s.scope.teamId, userName)
  if (holder && holder !== userId) throw uniqueness('A user with this userName already exists.')
}

const uniqueness = (detail: string) => new ScimError(409, detail, 'uniqueness')

async function run(s: ScimContext, statements: BatchItem<'sqlite'>[]) {
  try {
    await s.db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
  } catch (error) {
    if (isUniqueViolation(error)) throw uniqueness('A user with this userName already exists.')
    throw error
  }
}

/**
 * POST /Users. A new email gets a new user in the team; a teamless account joins (losing, as when support
 * adopts it, a password chosen before the team existed and its sessions); a user this team's
 * Okta deactivated or deleted comes back with the same id. A member of another team, or an active
 * member of this team, is `409 uniqueness`.
 */
export async function createUser(s: ScimContext, body: unknown) {
  const state = readUser(body)
  return concerning({ email: state.email }, () => provisionUser(s, state))
}

/** POST /Users once the body is read: a refusal from here on names the email. */
async function provisionUser(s: ScimContext, state: UserState) {
  await requireTeamDomain(s, state.email)
  const existing = await userByEmailForTeam(s.db, s.scope.teamId, state.email)
  if (existing?.teamId && existing.teamId !== s.scope.teamId)
    throw uniqueness('This user belongs to another team.')
  if (
    existing?.teamId === s.scope.teamId &&
    existing.status !== 'inactive' &&
    existing.status !== 'deleted'
  )
    throw uniqueness('This user is already a member of this team.')
  await requireFreeUserName(s, state.userName, existing?.id)
  const userId = existing?.id ?? randomId()
  const now = Math.floor(s.nowMs / 1000)
  const statements: BatchItem<'sqlite'>[] = []
  if (!existing)
    statements.push(insertScimUser(s.db, { id: userId, email: state.email, name: state.name }))
  else if (state.name) statements.push(updateUser(s.db, userId, { name: state.name }))
  if (existing && !existing.teamId && adoptionEndsAccess(existing))
    statements.push(...endAccessStatements(s.db, userId, now), ...sessionsRevoked(s, userId))
  const returning = existing?.teamId === s.scope.teamId && existing.status === 'inactive'
  if (!returning)
    statements.push(...change(s, 'member.joined', userId, { email: state.email, name: state.name }))
  else if (state.active) statements.push(...change(s, 'member.reactivated', userId))
  statements.push(
    joinTeam(s.db, s.scope, userId),
    upsertScimUser(s.db, {
      teamId: s.scope.teamId,
      userId,
      status: state.active ? 'active' : 'inactive',
      userName: state.userName,
      externalId: state.externalId,
      givenName: state.givenName,
      familyName: state.familyName,
      updatedAt: now,
    }),
    event(s, existing ? 'scim_user_provisioned_again' : 'scim_user_created', state.email),
  )
  await run(s, statements)
  return getUser(s, userId)
}

/**
 * Writes the difference between a member as stored and as Okta now describes them; a new email ends the
 * links mailed to the old one.
 */
function applyUser(s: ScimContext, row: ScimUserRow, next: UserState) {
  return concerning({ email: row.email }, () => writeUser(s, row, next))
}

/** `applyUser`'s writes, the event last. */
async function writeUser(s: ScimContext, row: ScimUserRow, next: UserState) {
  const statements: BatchItem<'sqlite'>[] = []
  const now = Math.floor(s.nowMs / 1000)
  if ((row.userName ?? row.email).toLowerCase() !== next.userName.toLowerCase())
    await requireFreeUserName(s, next.userName, row.id)
  if (next.email !== row.email) {
    await requireTeamDomain(s, next.email)
    statements.push(
      updateMember(s.db, s.scope.teamId, row.id, { email: next.email }),
      endLiveEmailTokens(s.db, row.id, now),
    )
  }
  if (next.name !== row.name && next.name !== null)
    statements.push(updateMember(s.db, s.scope.teamId, row.id, { name: next.name }))
  if (next.email !== row.email || (next.name !== row.name && next.name !== null))
    statements.push(...change(s, 'member.updated', row.id, { email: next.email, name: next.name }))
  const wasActive = isActive(row)
  if (!next.active && wasActive)
    statements.push(
      ...revokeUserSessions(s.db, row.id, s.nowMs),
      ...change(s, 'member.deactivated', row.id),
      ...sessionsRevoked(s, row.id),
    )
  if (next.active && !wasActive) statements.push(...change(s, 'member.reactivated', row.id))
  statements.push(
    upsertScimUser(s.db, {
      teamId: s.scope.teamId,
      userId: row.id,
      status: next.active ? 'active' : 'inactive',
      userName: next.userName,
      externalId: next.externalId,
      givenName: next.givenName,
      familyName: next.familyName,
      updatedAt: now,
    }),
    event(
      s,
      wasActive === next.active
        ? 'scim_user_updated'
        : next.active
          ? 'scim_user_reactivated'
          : 'scim_user_deactivated',
      next.email,
    ),
  )
  await run(s, statements)
  return getUser(s, row.id)
}

/** PUT /Users/:id: the body replaces the user's attributes (an absent `active` means active). */
export async function replaceUser(s: ScimContext, id: string, body: unknown) {
  const row = await loadUser(s, id)
  return applyUser(s, row, readUser(body))
}

/** PATCH /Users/:id with a PatchOp; answers the resource (200), as Okta expects. */
export async function patchUser(s: ScimContext, id: string, body: unknown) {
  const operations = readPatchOperations(body)
  const row = await loadUser(s, id)
  const before = userResource(row, s.baseUrl, row)
  const patched = applyPatch(before, operations)
  return applyUser(s, row, readUser(withoutStaleDisplayName(before, patched)))
}

/**
 * When a patch changes givenName or familyName but leaves the display name as it was, that display name
 * is stale: drop it, so the stored name follows the new parts.
 */
function withoutStaleDisplayName(
  before: ReturnType<typeof userResource>,
  patched: Record<string, unknown>,
): Record<string, unknown> {
  const name = (patched.name ?? {}) as Record<string, unknown>
  const partsChanged =
    name.givenName !== before.name.givenName || name.familyName !== before.name.familyName
  if (!partsChanged) return patched
  const result: Record<string, unknown> = { ...patched, name: { ...name } }
  if (patched.displayName === before.displayName) delete result.displayName
  if (name.formatted === before.name.formatted)
    delete (result.name as Record<string, unknown>).formatted
  return result
}

/**
 * DELETE /Users/:id: the user leaves the team (the owner keeps the membership but loses access), its
 * groups and sessions; SSO login stays refused until Okta provisions the user again.
 */
export async function deleteUser(s: ScimContext, id: string) {
  const row = await loadUser(s, id)
  const now = Math.floor(s.nowMs / 1000)
  const statements: BatchItem<'sqlite'>[] = [
    leaveTeam(s.db, s.scope.teamId, row.id),
    leaveTeamGroups(s.db, s.scope.teamId, row.id),
    ...revokeUserSessions(s.db, row.id, s.nowMs),
    ...change(s, 'member.removed', row.id),
    ...sessionsRevoked(s, row.id),
    upsertScimUser(s.db, {
      teamId: s.scope.teamId,
      userId: row.id,
      status: 'deleted',
      userName: row.userName,
      externalId: row.externalId,
      givenName: row.givenName,
      familyName: row.familyName,
      updatedAt: now,
    }),
    event(s, 'scim_user_deleted', row.email),
  ]
  await concerning({ email: row.email }, () => run(s, statements))
}
