// Turning a verified identity into a session: SSO (provision just in time) and password, with their events.
import type { BatchItem } from 'drizzle-orm/batch'
import { randomId } from './crypto/encoding'
import { hashToken } from './crypto/tokens'
import { verifyPassword } from './crypto/password'
import type { Database } from './db/client'
import { isUniqueViolation } from './db/errors'
import { loadSsoLoginFacts, markStateUsed, signInStatements, usedStateTable } from './db/login'
import { insertEvent } from './db/events'
import { insertSession } from './db/sessions'
import { insertUser, userWithStanding } from './db/users'
import { AppError, type ErrorCode } from './errors'
import { type Audit, eventRow, newReferenceId } from './events'
import {
  decidePasswordLogin,
  decideSsoLogin,
  deprovisioned,
  emailDomain,
  roleOf,
  type SsoClaims,
} from './provisioning'
import type { Role } from './vocabulary'
import { newSessionSecret, type Session, sessionLifetimeSeconds } from './session/session'

/** A lost race (another first login created the user meanwhile) is retried on fresh facts. */
const ssoAttempts = 3

interface SignedIn {
  user: { id: string; email: string; name: string | null }
  team: { id: string; name: string } | null
  role?: Role | null
}

/** What an SSO login keeps beside its session row: the ID token, sealed under the row id by the caller. */
export interface SsoSessionExtras {
  sealIdToken?: (rowId: string) => Promise<string>
}

/** The session row, success event and the given writes, all in one batch; returns the new session. */
async function commitSignIn(
  db: Database,
  writes: BatchItem<'sqlite'>[],
  who: SignedIn,
  method: Session['method'],
  audit: Audit,
  nowMs: number,
  connectionId: string | null = null,
  extras: SsoSessionExtras = {},
): Promise<Session> {
  const now = Math.floor(nowMs / 1000)
  const { secret, rowId } = await newSessionSecret()
  const idTokenSealed = extras.sealIdToken ? await extras.sealIdToken(rowId) : null
  const expiresAt = now + sessionLifetimeSeconds
  const success = eventRow(
    { ...audit, teamId: who.team?.id ?? null, email: who.user.email },
    'success',
    null,
    newReferenceId(),
    nowMs,
  )
  await db.batch([
    insertEvent(db, success),
    ...writes,
    insertSession(db, {
      id: rowId,
      userId: who.user.id,
      authMethod: method,
      connectionId,
      expiresAt,
      idTokenSealed,
    }),
  ])
  return {
    sid: secret,
    userId: who.user.id,
    email: who.user.email,
    name: who.user.name,
    team: who.team,
    method,
    role: who.role ?? null,
    checkedAt: now,
    expiresAt,
  }
}

/** The login transaction a callback completes: its state is used once, and remembered until it expires. */
interface CompletedLogin {
  state: string
  expiresAt: number
}

/**
 * SSO: one read of the facts, the rule, one batched write that also records the login's state as used.
 * Refusals throw AppError and write nothing here; a state already used is `login_expired`, never retried.
 */
export async function signInWithSso(
  db: Database,
  connectionId: string,
  claims: SsoClaims,
  login: CompletedLogin,
  audit: Audit,
  nowMs: number,
  extras: SsoSessionExtras = {},
): Promise<Session> {
  const stateHash = await hashToken(login.state)
  const input = {
    connectionId,
    subject: claims.sub,
    email: claims.email,
    domain: claims.email ? emailDomain(claims.email) : undefined,
  }
  for (let attempt = 1; ; attempt++) {
    const facts = await loadSsoLoginFacts(db, input)
    const decision = decideSsoLogin(facts, claims, randomId())
    if (decision.outcome === 'refuse') throw new AppError(decision.code)
    const team = { id: decision.teamId, name: facts.connection?.teamName ?? '' }
    const standing = facts.standing?.find((s) => s.userId === decision.user.id)
    const role = roleOf(standing, true)
    try {
      return await commitSignIn(
        db,
        [
          markStateUsed(db, stateHash, login.expiresAt),
          ...signInStatements(db, decision, connectionId, claims.sub),
        ],
        { user: decision.user, team, role },
        'sso',
        audit,
        nowMs,
        connectionId,
        extras,
      )
    } catch (error) {
      if (isUniqueViolation(error, usedStateTable))
        throw new AppError('login_expired', { cause: 'state already used' })
      if (attempt >= ssoAttempts || !isUniqueViolation(error)) throw error
    }
  }
}

/** A password sign-in's outcome; a refusal names the user's team (if any) for its event row. */
type PasswordSignIn =
  { session: Session } | { refuse: ErrorCode; teamId: string | null; identified: boolean }

/** Password: the user, their team and whether that team has SSO enabled, in one read. */
export async function signInWithPassword(
  db: Database,
  email: string,
  password: string,
  audit: Audit,
  nowMs: number,
): Promise<PasswordSignIn> {
  const row = await userWithStanding(db, email)
  const teamId = row?.teamId ?? null
  const refusal = decidePasswordLogin(
    await verifyPassword(password, row?.passwordHash),
    row?.ssoEnabled === true,
  )
  if (refusal || !row)
    return { refuse: refusal ?? 'invalid_credentials', teamId, identified: row !== undefined }
  // The team's Okta deprovisioned them: no way in by password either (checked after the password).
  if (deprovisioned(row.scimStatus)) return { refuse: 'user_deactivated', teamId, identified: true }
  const team = row.teamId ? { id: row.teamId, name: row.teamName ?? '' } : null
  const role = roleOf({ memberRole: row.role, admin: Boolean(row.admin) }, team !== null)
  const who = { user: { id: row.id, email: row.email, name: row.name }, team, role }
  const session = await commitSignIn(db, [], who, 'password', { ...audit, teamId }, nowMs)
  return { session }
}

/** Registration: a new user with a password, signed in at once. */
export async function registerWithPassword(
  db: Database,
  account: { email: string; passwordHash: string; name: string | null },
  audit: Audit,
  nowMs: number,
): Promise<Session> {
  const user = { id: randomId(), email: account.email, name: account.name }
  try {
    return await commitSignIn(
      db,
      [insertUser(db, { ...user, passwordHash: account.passwordHash })],
      { user, team: null },
      'password',
      audit,
      nowMs,
    )
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('email_taken')
    throw error
  }
}
