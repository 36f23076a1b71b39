// A test sign-in's verdict: the rules a real login runs, over the same facts, writing only its own record.
import { hashToken } from '../crypto/tokens'
import type { Database } from '../db/client'
import { markConnectionTested, type TestedValues } from '../db/connections'
import { insertEvent } from '../db/events'
import { loadSsoLoginFacts, markStateUsed, refuseSpentState } from '../db/login'
import type { ErrorCode } from '../errors'
import { type Audit, eventRow } from '../events'
import { comparableEmail, decideSsoLogin, emailDomain, type SsoClaims } from '../provisioning'

export type TestVerdict =
  | { outcome: 'would_sign_in'; newAccount: boolean; joinsTeam: boolean }
  | { outcome: 'would_refuse'; code: ErrorCode }

/**
 * A fingerprint of the values a test sign-in starts with, kept in its transaction: the callback tests only
 * a connection that still holds them.
 */
export const testedValuesOf = (values: TestedValues): Promise<string> =>
  hashToken(
    JSON.stringify([
      values.id,
      values.issuer,
      values.clientId,
      values.clientSecretSealed,
      values.tokenEndpointAuthMethod,
    ]),
  )

/**
 * What a real login through `connection` would do with these verified claims: `decideSsoLogin` over the
 * facts a real callback reads, as if the connection were on (a draft is not yet). Creates no account,
 * membership, identity, session or enforcement: it writes the state as used, the event and, when a real
 * login would succeed, the connection's `tested_at` (only while the row holds the values tested), in one
 * batch.
 */
export async function judgeTestSignIn(
  db: Database,
  test: {
    connection: TestedValues & { teamId: string }
    claims: SsoClaims
    login: { state: string; expiresAt: number }
    audit: Audit
    nowMs: number
  },
): Promise<TestVerdict> {
  const { connection, claims, login, audit, nowMs } = test
  const email = comparableEmail(claims.email)
  const usable = email === 'invalid' ? undefined : email
  const facts = await loadSsoLoginFacts(db, {
    connectionId: connection.id,
    subject: claims.sub,
    email: usable,
    domain: usable && emailDomain(usable),
  })
  const asIfOn = facts.connection && { ...facts.connection, enabled: true }
  const decision = decideSsoLogin({ ...facts, connection: asIfOn }, claims, 'test-sign-in')
  const verdict: TestVerdict =
    decision.outcome === 'refuse'
      ? { outcome: 'would_refuse', code: decision.code }
      : { outcome: 'would_sign_in', newAccount: decision.create, joinsTeam: !!decision.joinWith }
  const passed = verdict.outcome === 'would_sign_in'
  const event = eventRow({
    audit,
    subject: { teamId: connection.teamId, email: usable ?? null },
    outcome: passed ? 'success' : 'refused',
    errorCode: passed ? null : verdict.code,
    atMs: nowMs,
  })
  await db
    .batch([
      markStateUsed(db, await hashToken(login.state), login.expiresAt),
      insertEvent(db, event),
      ...(passed ? [markConnectionTested(db, connection, Math.floor(nowMs / 1000))] : []),
    ])
    .catch(refuseSpentState)
  return verdict
}
