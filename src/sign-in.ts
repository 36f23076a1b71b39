// Turning a verified identity into a session: SSO (provision just in time) and password, with their events.
import { and, eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { randomId } from './crypto/encoding'
import { verifyPassword } from './crypto/password'
import type { Database } from './db/client'
import { isUniqueViolation } from './db/errors'
import { loadSsoLoginFacts, signInStatements } from './db/login'
import { memberships, scimUsers, ssoConnections, teams, users } from './db/schema'
import { insertSession } from './db/sessions'
import { isTeamAdmin } from './db/standing'
import { AppError } from './errors'
import { type Audit, eventRow, insertEvent, newReferenceId } from './events'
import {
  decidePasswordLogin,
  decideSsoLogin,
  deprovisioned,
  emailDomain,
  type Role,
  roleOf,
  type SsoClaims,
} from './provisioning'
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

/** SSO: one read of the facts, the rule, one batched write. Refusals throw AppError and write nothing here. */
export async function signInWithSso(
  db: Database,
  connectionId: string,
  claims: SsoClaims,
  audit: Audit,
  nowMs: number,
  extras: SsoSessionExtras = {},
): Promise<Session> {
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
    const team = { id: decision.teamId, name: facts.connection!.teamName }
    const standing = facts.standing?.find((s) => s.userId === decision.user.id)
    const role = roleOf(standing, true)
    try {
      return await commitSignIn(
        db,
        signInStatements(db, decision, connectionId, claims.sub),
        { user: decision.user, team, role },
        'sso',
        audit,
        nowMs,
        connectionId,
        extras,
      )
    } catch (error) {
      if (attempt >= ssoAttempts || !isUniqueViolation(error)) throw error
    }
  }
}

/** Password: the user, their team and whether that team has SSO enabled, in one read. */
export async function signInWithPassword(
  db: Database,
  email: string,
  password: string,
  audit: Audit,
  nowMs: number,
): Promise<Session> {
  const row = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      passwordHash: users.passwordHash,
      teamId: teams.id,
      teamName: teams.name,
      sso: ssoConnections.enabled,
      memberRole: memberships.role,
      admin: isTeamAdmin(users.id, memberships.teamId),
      scimStatus: scimUsers.status,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(teams, eq(teams.id, memberships.teamId))
    .leftJoin(ssoConnections, eq(ssoConnections.teamId, teams.id))
    .leftJoin(
      scimUsers,
      and(eq(scimUsers.userId, users.id), eq(scimUsers.teamId, memberships.teamId)),
    )
    .where(eq(users.email, email))
    .get()
  audit.teamId = row?.teamId ?? null
  const refusal = decidePasswordLogin(
    await verifyPassword(password, row?.passwordHash),
    row?.sso === true,
  )
  if (refusal || !row) throw new AppError(refusal ?? 'invalid_credentials')
  // The team's Okta deprovisioned them: no way in by password either (checked after the password).
  if (deprovisioned(row.scimStatus)) throw new AppError('user_deactivated')
  const team = row.teamId ? { id: row.teamId, name: row.teamName ?? '' } : null
  const role = roleOf({ memberRole: row.memberRole, admin: Boolean(row.admin) }, team !== null)
  return commitSignIn(db, [], { user: row, team, role }, 'password', audit, nowMs)
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
      [db.insert(users).values({ ...user, passwordHash: account.passwordHash })],
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
