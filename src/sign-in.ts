// Turning a verified identity into a session: SSO (provision just in time) and password, with their events.
import type { BatchItem } from 'drizzle-orm/batch'
import { randomId } from './crypto/encoding'
import { seal } from './crypto/secret-box'
import { hashToken } from './crypto/tokens'
import { verifyPassword } from './crypto/password'
import type { Database } from './db/client'
import { connectionsForDomain, markConnectionUsed } from './db/connections'
import { insertEmailToken } from './db/email-tokens'
import { isUniqueViolation } from './db/errors'
import type { SignInWrites, SsoLoginFacts } from './db/facts'
import {
  loadSsoLoginFacts,
  markStateUsed,
  refuseSpentState,
  setRoleFromLogin,
  signInStatements,
} from './db/login'
import { onPrimary } from './fresh-reads'
import type { Runtime } from './runtime'
import { insertEvent, insertEventWhen } from './db/events'
import { newEmailLink } from './email-links'
import {
  insertSession,
  insertSessionUnlessEnded,
  issuedSinceWatermark,
  revokeSession,
} from './db/sessions'
import { insertUser, userWithStanding } from './db/users'
import { AppError, type ErrorCode } from './errors'
import { type Audit, successRow } from './events'
import {
  comparableEmail,
  decidePasswordLogin,
  decideSsoLogin,
  deprovisioned,
  emailDomain,
  roleFromGroups,
  roleOf,
  type SsoClaims,
} from './provisioning'
import type { Role } from './vocabulary'
import type { Outbox } from './webhooks/outbox'
import {
  newSessionSecret,
  type Session,
  sessionLifetimeSeconds,
  sessionRowId,
  signedInAs,
} from './session/session'

/** What a first login changes that the host app hears: a member who joined, an account's sessions ended. */
function jitChanges(db: Database, outbox: Outbox, decision: SignInWrites) {
  const who = { teamId: decision.teamId, userId: decision.user.id, via: 'jit' as const }
  return [
    ...(decision.joinWith
      ? outbox.change(db, {
          ...who,
          type: 'member.joined',
          details: { email: decision.user.email, name: decision.user.name },
        })
      : []),
    ...(decision.claimAccount
      ? outbox.change(db, { ...who, type: 'sessions.revoked', details: { scope: 'all' } })
      : []),
  ]
}

/** A lost race (another first login created the user meanwhile) is retried on fresh facts. */
const ssoAttempts = 3

export interface SignedIn {
  user: { id: string; email: string; name: string | null; emailVerified: boolean }
  team: { id: string; name: string } | null
  role?: Role | null
}

/** The ID token an SSO session keeps (for RP-initiated logout), sealed under its row id with `dataKey`. */
export interface IdTokenToKeep {
  idToken: string
  dataKey: Uint8Array
}

const sealed = (keep: IdTokenToKeep | undefined, rowId: string) =>
  keep ? seal(keep.dataKey, keep.idToken, rowId) : Promise.resolve(null)

/** A new session for `who` and the id of the row that will store it (the caller writes it, batched). */
export async function newSession(
  who: SignedIn,
  method: Session['method'],
  nowMs: number,
  lifetimeSeconds = sessionLifetimeSeconds,
) {
  const now = Math.floor(nowMs / 1000)
  const { secret, rowId } = await newSessionSecret()
  const session: Session = {
    sid: secret,
    userId: who.user.id,
    email: who.user.email,
    name: who.user.name,
    emailVerified: who.user.emailVerified,
    team: who.team,
    method,
    role: who.role ?? null,
    checkedAt: now,
    expiresAt: now + lifetimeSeconds,
    issuedAtMs: nowMs,
    authTime: now,
  }
  return { session, rowId }
}

/** The row that stores the session: the id is the hash of its secret. */
export const sessionValues = (
  session: Session,
  rowId: string,
  connectionId: string | null,
  idTokenSealed: string | null = null,
) => ({
  id: rowId,
  userId: session.userId,
  authMethod: session.method,
  connectionId,
  expiresAt: session.expiresAt,
  idTokenSealed,
  issuedAtMs: session.issuedAtMs,
})

/** The sign-in's success event names whom it signed in. */
const signedInRow = (audit: Audit, who: SignedIn, nowMs: number) =>
  successRow(audit, { teamId: who.team?.id ?? null, email: who.user.email }, nowMs)

const successEvent = (db: Database, audit: Audit, who: SignedIn, nowMs: number) =>
  insertEvent(db, signedInRow(audit, who, nowMs))

/** A new session for `who`, with its success event and the writes that go with it. */
interface SignInPlan {
  db: Database
  who: SignedIn
  method: Session['method']
  audit: Audit
  nowMs: number
  writes?: BatchItem<'sqlite'>[]
  connectionId?: string | null
  idToken?: IdTokenToKeep
}

/** The session row, success event and the given writes as one batch, not yet sent, and the new session. */
async function signInBatch(plan: SignInPlan) {
  const { db, who, audit, nowMs, writes = [], connectionId = null } = plan
  const { session, rowId } = await newSession(who, plan.method, nowMs)
  const idTokenSealed = await sealed(plan.idToken, rowId)
  const write = () =>
    db.batch([
      successEvent(db, audit, who, nowMs),
      ...writes,
      insertSessionUnlessEnded(db, sessionValues(session, rowId, connectionId, idTokenSealed)),
    ])
  return { session, write }
}

/** The session row, success event and the given writes, all in one batch; returns the new session. */
async function commitSignIn(plan: SignInPlan): Promise<Session> {
  const { session, write } = await signInBatch(plan)
  await write()
  return session
}

/** The login transaction a callback completes: its state is used once, and remembered until it expires. */
interface CompletedLogin {
  state: string
  expiresAt: number
}

/**
 * Records the callback's state as used, on the primary, before the login is answered (a second use meets
 * the primary key: `login_expired`, even when the IdP would redeem its code twice). The callback sends it
 * beside the token request, so it adds no wait of its own; the bookmark it returns is where the reads of the
 * login's facts start, so they see every write committed before the callback began.
 */
export async function spendLoginState(
  d1: D1Database,
  runtime: Runtime,
  login: CompletedLogin,
): Promise<string | null> {
  const stateHash = await hashToken(login.state)
  const { bookmark } = await onPrimary(d1, runtime, async (db) => {
    await markStateUsed(db, stateHash, login.expiresAt)
  }).catch(refuseSpentState)
  return bookmark
}

/** Where an SSO sign-in reads its facts (a replica as fresh as the spent state) and writes (the primary). */
export interface SsoStorage {
  facts: Database
  primary: Database
}

/**
 * The browser an SSO login lands in: its signed-in session, and (with none) whether its person must confirm
 * the login's user before it is signed in (a third-party-initiated login they may not have chosen).
 */
export interface Landing {
  current: Session | undefined
  mustConfirm: (userId: string) => boolean
}

/**
 * An SSO sign-in's outcome: the session, or, when the browser is signed in as someone else or must confirm
 * the user first, the session it would get (`pending`, replacing `replaces` if any), whose row is written
 * only once the person confirms (`confirmSwitch`). A returning user's session comes with `afterResponse`,
 * the batch (session row, event, connection's last login) the caller sends once the browser has its answer
 * (and a returning user's pending login, its event).
 */
export type SsoSignIn = (
  | { session: Session }
  | { pending: Session; replaces: Session | undefined; idTokenSealed: string | null }
) & { afterResponse?: () => Promise<unknown>; identityAdded?: IdentityAdded }

/** An existing account that this sign-in linked by email (written already): whom to tell. */
export interface IdentityAdded {
  account: string
  teamName: string
  ownerEmail: string | null
}

/** The account a decision links by email (not one it creates: a new account's first identity is no news). */
const addedIdentity = (facts: SsoLoginFacts, decision: SignInWrites): IdentityAdded | undefined =>
  decision.link && !decision.create
    ? {
        account: decision.user.email,
        teamName: facts.connection?.teamName ?? '',
        ownerEmail: facts.connection?.ownerEmail ?? null,
      }
    : undefined

/**
 * SSO: one read of the facts, the rule, then the writes. A returning user (nothing to create, join, link or
 * verify) has their session row and event written after the response; anything else (a first login's user,
 * membership and identity) in one batch before it. Refusals throw AppError and write nothing here. The same
 * user signing in again replaces the `current` session (its row is revoked in the batch); another user's
 * sign-in, or one the browser must confirm, writes its user, link and event, but no session row until the
 * person confirms. A lost race
 * (a unique index) is retried on facts read from the primary.
 */
export async function signInWithSso(login: {
  storage: SsoStorage
  connectionId: string
  claims: SsoClaims
  audit: Audit
  nowMs: number
  landing: Landing
  idToken?: IdTokenToKeep
  /** The host app hears of a member who joined, or of an account whose sessions this login ended. */
  outbox: Outbox
}): Promise<SsoSignIn> {
  const { storage, connectionId, claims, audit, nowMs, landing } = login
  const { current } = landing
  const email = comparableEmail(claims.email)
  const comparable = email === 'invalid' ? undefined : email
  const input = {
    connectionId,
    subject: claims.sub,
    email: comparable,
    domain: comparable ? emailDomain(comparable) : undefined,
  }
  const now = Math.floor(nowMs / 1000)
  const db = storage.primary
  for (let attempt = 1; ; attempt++) {
    const facts = await loadSsoLoginFacts(attempt === 1 ? storage.facts : db, input)
    const decision = decideSsoLogin(facts, claims, randomId())
    if (decision.outcome === 'refuse') throw new AppError(decision.code)
    const known = facts.linkedUser ?? facts.emailUser
    const emailVerified = decision.create || decision.markVerified || known?.emailVerified === true
    const standing = facts.standing?.find((s) => s.userId === decision.user.id)
    const fromGroups = roleFromGroups({
      groups: claims.groups,
      adminGroup: facts.connection?.adminGroup,
      memberRole: standing?.memberRole,
    })
    const who = {
      user: { ...decision.user, emailVerified },
      team: { id: decision.teamId, name: facts.connection?.teamName ?? '' },
      role: fromGroups ?? roleOf(standing, true),
    }
    const changes = signInStatements(db, decision, {
      connectionId: connectionId,
      subject: claims.sub,
      nowSeconds: now,
    })
    const member = { userId: decision.user.id, teamId: decision.teamId }
    const writes = [
      ...changes,
      markConnectionUsed(db, connectionId, now),
      ...jitChanges(db, login.outbox, decision),
      ...(fromGroups ? [setRoleFromLogin(db, { ...member, role: fromGroups })] : []),
      ...(fromGroups && !decision.joinWith && fromGroups !== roleOf(standing, true)
        ? login.outbox.change(db, {
            ...member,
            via: 'jit',
            type: 'member.updated',
            details: { role: fromGroups },
          })
        : []),
    ]
    const identityAdded = addedIdentity(facts, decision)
    try {
      const ask = current ? current.userId !== who.user.id : landing.mustConfirm(who.user.id)
      if (ask) {
        const write = () => db.batch([successEvent(db, audit, who, nowMs), ...writes])
        if (changes.length) await write()
        const { session, rowId } = await newSession(who, 'sso', nowMs)
        const idTokenSealed = await sealed(login.idToken, rowId)
        const pending = { pending: session, replaces: current, idTokenSealed }
        return changes.length ? { ...pending, identityAdded } : { ...pending, afterResponse: write }
      }
      if (current) writes.push(revokeSession(db, await sessionRowId(current), now))
      const signIn = await signInBatch({
        db,
        who,
        method: 'sso',
        audit,
        nowMs,
        writes,
        connectionId,
        idToken: login.idToken,
      })
      if (changes.length === 0) return { session: signIn.session, afterResponse: signIn.write }
      await signIn.write()
      return { session: signIn.session, identityAdded }
    } catch (error) {
      if (attempt >= ssoAttempts || !isUniqueViolation(error)) throw error
    }
  }
}

/**
 * The confirmed switch (or login): the pending session's row, the replaced sessions revoked, the event, one batch.
 * A pending switch confirmed twice (a copied cookie) meets the session id's primary key: expired. So is one
 * whose user had all sessions ended after it was issued (Universal Logout, support, SCIM): the batch, checked
 * in each statement, writes nothing, and the signed-in session (if any) stays.
 */
export async function confirmSwitch(confirmed: {
  db: Database
  pending: { session: Session; connectionId: string; idTokenSealed: string | null }
  replacedRowIds: readonly string[]
  audit: Audit
  nowMs: number
}): Promise<void> {
  const { db, pending, replacedRowIds, audit, nowMs } = confirmed
  const { session } = pending
  const who = { ...signedInAs(session), role: session.role }
  const live = issuedSinceWatermark(session.userId, session.issuedAtMs)
  const now = Math.floor(nowMs / 1000)
  const revocations = replacedRowIds.map((id) => revokeSession(db, id, now, live))
  const rowId = await sessionRowId(session)
  const [stored] = await db
    .batch([
      insertSession(db, sessionValues(session, rowId, pending.connectionId, pending.idTokenSealed)),
      insertEventWhen(db, signedInRow(audit, who, nowMs), live),
      ...revocations,
    ])
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? new AppError('login_expired', { cause: error }) : error
    })
  if (stored.length === 0)
    throw new AppError('login_expired', { cause: 'all sessions ended after this sign-in began' })
}

/** A password sign-in's outcome; a refusal names the user's team (if any) for its event row. */
type PasswordSignIn =
  { session: Session } | { refuse: ErrorCode; teamId: string | null; identified: boolean }

/** Password: the user, their team and whether that team has SSO enabled, in one read. */
export async function signInWithPassword(attempt: {
  db: Database
  email: string
  password: string
  audit: Audit
  nowMs: number
}): Promise<PasswordSignIn> {
  const { db, email, password, audit, nowMs } = attempt
  const row = await userWithStanding(db, email)
  const teamId = row?.teamId ?? null
  // Verified even for a member of an SSO-only team, so that refusal costs the same whatever was typed.
  const passwordMatches = await verifyPassword(password, row?.passwordHash)
  const refusal = decidePasswordLogin(passwordMatches, row?.ssoEnabled === true)
  if (refusal || !row)
    return { refuse: refusal ?? 'invalid_credentials', teamId, identified: row !== undefined }
  // The team's Okta deprovisioned them: no way in by password either (checked after the password).
  if (deprovisioned(row.scimStatus)) return { refuse: 'user_deactivated', teamId, identified: true }
  const team = row.teamId ? { id: row.teamId, name: row.teamName ?? '' } : null
  const role = roleOf({ memberRole: row.role, admin: Boolean(row.admin) }, team !== null)
  const user = { id: row.id, email: row.email, name: row.name, emailVerified: row.emailVerified }
  const who = { user, team, role }
  const session = await commitSignIn({ db, who, method: 'password', audit, nowMs })
  return { session }
}

/**
 * Registration: a new user with a password, signed in at once, and the token of the link that proves the
 * email (stored hashed, in the same batch). An email whose domain a team with enabled SSO has verified
 * belongs to that team's IdP: refused (`sso_required`).
 */
export async function registerWithPassword(
  db: Database,
  account: { email: string; passwordHash: string; name: string | null },
  audit: Audit,
  nowMs: number,
): Promise<{ session: Session; verificationToken: string }> {
  const domain = emailDomain(account.email)
  const connections = domain ? await connectionsForDomain(db, domain) : []
  if (connections.some((c) => c.enabled)) throw new AppError('sso_required')
  const user = { id: randomId(), email: account.email, name: account.name, emailVerified: false }
  const link = await newEmailLink(user.id, 'verify_email', nowMs)
  try {
    const session = await commitSignIn({
      db,
      who: { user, team: null },
      method: 'password',
      audit,
      nowMs,
      writes: [
        insertUser(db, { ...user, passwordHash: account.passwordHash }),
        insertEmailToken(db, link.row),
      ],
    })
    return { session, verificationToken: link.token }
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('email_taken')
    throw error
  }
}
