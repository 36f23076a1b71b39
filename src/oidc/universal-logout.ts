// Okta Universal Logout (Global Token Revocation): the issuer's signed request ends a member's sessions.
// @see draft-parecki-oauth-global-token-revocation §3-§4, Okta "Build Universal Logout for your app"
import * as z from 'zod/mini'
import type { Database } from '../db/client'
import type { ConnectionRecord } from '../db/connections'
import { revokeUserSessions } from '../db/revocation'
import { consumeTokenId, findTeamMember, type LogoutSubject } from '../db/universal-logout'
import { AppError, concerning, type Subject } from '../errors'
import { insertEvent } from '../db/events'
import { type Audit, successRow } from '../events'
import { email as emailSchema } from '../schemas'
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwksCache,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
} from 'jose'
import { discover, type UpstreamOptions, upstreamTimeoutMs } from './discovery'
import { comparableIssuer, issuerAccepts } from './issuer'
import { withKeyCache } from './key-cache'
import {
  type LogoutTokenClaims,
  maxTokenAgeSeconds,
  unverifiedIssuer,
  verifyLogoutToken,
} from './logout-token'
import type { Outbox } from '../webhooks/outbox'

const subjectSchema = z.discriminatedUnion('format', [
  z.looseObject({ format: z.literal('email'), email: z.string().check(z.maxLength(320)) }),
  z.looseObject({
    format: z.literal('iss_sub'),
    iss: z.string().check(z.maxLength(2048)),
    sub: z.string().check(z.minLength(1), z.maxLength(512)),
  }),
])
const requestSchema = z.looseObject({
  sub_id: z.optional(subjectSchema),
  subject: z.optional(subjectSchema),
})

export interface UniversalLogoutScope {
  db: Database
  upstream: UpstreamOptions
  nowMs: number
  audit: Audit
  /** The host app hears the member's sessions ended (`via: universal_logout`). */
  outbox: Outbox
}

/** A request whose bearer token is still to be verified. */
export interface UniversalLogoutToken {
  /** The connections the request may act for: one (per-connection endpoint) or all of one issuer. */
  connections: ConnectionRecord[]
  /** The endpoint URL the token's `aud` must name. */
  audience: string
  /** The bearer token, '' when absent. */
  token: string
}

/** A bearer token that checked out: the connections it may act for, and its claims. */
export interface VerifiedLogoutToken {
  connections: [ConnectionRecord, ...ConnectionRecord[]]
  claims: LogoutTokenClaims
  /** The team it concerns: the connection's, or none when an issuer serves several teams. */
  subject: Subject
}

/** Only an active, enabled connection logs anyone out (a draft logs nobody in or out; nor a disabled one). */
export const logsOut = (connection: ConnectionRecord) =>
  connection.status === 'active' && connection.enabled

/** `{"sub_id"|"subject": {"format":"email","email"} | {"format":"iss_sub","iss","sub"}}`, else 400. */
function readSubject(body: unknown) {
  const parsed = requestSchema.safeParse(body)
  const subject = parsed.success ? (parsed.data.sub_id ?? parsed.data.subject) : undefined
  if (!subject) throw new AppError('invalid_request', { cause: 'subject' })
  return subject
}

/**
 * Verifies with the issuer's keys: its discovery's `jwks_uri` through jose's remote key set and its
 * documented `jwksCache` (keys younger than five minutes serve; an unknown `kid` refetches once a minute).
 * An IdP that cannot give its keys is `idp_unreachable`, not a forged token.
 */
async function withIssuerKeys<T>(
  upstream: UpstreamOptions,
  issuer: string,
  verify: (keys: JWTVerifyGetKey) => Promise<T>,
): Promise<T> {
  const as = await discover(upstream, issuer).catch((cause: unknown) => {
    throw new AppError('idp_unreachable', { cause })
  })
  if (!as.jwks_uri) throw new AppError('idp_unreachable', { cause: 'no jwks_uri' })
  const jwksUri = new URL(as.jwks_uri)
  return withKeyCache(upstream, { owner: 'logout', issuer }, (cache) => {
    const remote = createRemoteJWKSet(jwksUri, {
      [customFetch]: upstream.runtime.fetch,
      [jwksCache]: cache as unknown as JWKSCacheInput,
      timeoutDuration: upstream.runtime.upstreamTimeoutMs ?? upstreamTimeoutMs,
      cacheMaxAge: 5 * 60_000,
      cooldownDuration: 60_000,
    })
    return verify(async (header, token) => {
      try {
        return await remote(header, token)
      } catch (cause) {
        if (cause instanceof errors.JWKSNoMatchingKey) throw cause
        if (cause instanceof errors.JWKSMultipleMatchingKeys) throw cause
        throw new AppError('idp_unreachable', { cause })
      }
    })
  })
}

/**
 * Who may sign for the connections: their issuer, or (Okta custom authorization servers) their org, whose
 * own discovery names the keys; `iss` as the token sent it (a trailing slash kept for the exact check).
 * A token that names neither is checked against the first connection's issuer, and fails.
 */
function logoutIssuer(connections: ConnectionRecord[], iss: string | undefined) {
  const [first] = connections
  if (iss !== undefined && connections.every((c) => issuerAccepts(c.issuer, iss)))
    return { iss, keysOf: comparableIssuer(iss) }
  return { iss: first?.issuer ?? '', keysOf: first?.issuer ?? '' }
}

/**
 * The bearer JWT verified against the connections' issuer (401; none of them may log out: an unknown
 * issuer). Nothing is written and no body is read before it checks out.
 */
export async function verifyLogoutRequest(
  s: Pick<UniversalLogoutScope, 'upstream' | 'nowMs'>,
  request: UniversalLogoutToken,
): Promise<VerifiedLogoutToken> {
  const connections = request.connections.filter(logsOut)
  const [first] = connections
  if (!first) throw new AppError('logout_token_invalid', { cause: 'unknown issuer' })
  const subject = { teamId: connections.length === 1 ? first.teamId : null }
  const signer = logoutIssuer(connections, unverifiedIssuer(request.token))
  const claims = await concerning(subject, () =>
    verifyLogoutToken(
      request.token,
      { issuer: signer.iss, audience: request.audience, nowSeconds: Math.floor(s.nowMs / 1000) },
      (keys) => withIssuerKeys(s.upstream, signer.keysOf, keys),
    ),
  )
  return { connections: [first, ...connections.slice(1)], claims, subject }
}

/**
 * A verified request: the subject read (400 for a malformed body or email, 422 for an unusable `iss`), the
 * jti spent (401 on replay), the member found in the connections' teams (404, also for another issuer's
 * iss_sub; an iss_sub's `iss` compares without a trailing slash), their sessions revoked. An issuer logs
 * out only its own teams' members.
 */
export async function universalLogout(
  s: UniversalLogoutScope,
  { connections, claims }: VerifiedLogoutToken,
  /** The JSON body, `undefined` when it is not JSON. */
  readBody: () => Promise<unknown>,
): Promise<void> {
  const input = readSubject(await readBody())
  let subject: LogoutSubject | undefined
  if (input.format === 'email') {
    const email = emailSchema.safeParse(input.email)
    if (!email.success) throw new AppError('invalid_request', { cause: 'email' })
    subject = { format: 'email', email: email.data }
  } else {
    if (!URL.canParse(input.iss)) throw new AppError('logout_unprocessable', { cause: 'iss' })
    // Another issuer's iss_sub names nobody here (404 after the jti is spent).
    const named = connections.filter((x) => issuerAccepts(x.issuer, input.iss))
    subject = named.length
      ? { format: 'iss_sub', connectionIds: named.map((x) => x.id), sub: input.sub }
      : undefined
  }
  const known = subject?.format === 'email' ? { email: subject.email } : {}
  await concerning(known, () => revokeSubject(s, { connections, claims }, subject))
}

/**
 * The jti spent (401 on replay), the member found in the connections' teams (404; none for another
 * issuer's iss_sub, `undefined` here), their sessions revoked.
 */
async function revokeSubject(
  s: UniversalLogoutScope,
  { connections, claims }: Omit<VerifiedLogoutToken, 'subject'>,
  subject: LogoutSubject | undefined,
): Promise<void> {
  // Kept until the token could no longer pass the iat check anyway, whatever its exp says.
  const fresh = await consumeTokenId(s.db, {
    issuer: claims.iss,
    jti: claims.jti,
    expiresAt: Math.min(claims.exp, claims.iat + maxTokenAgeSeconds + 60),
  })
  if (!fresh) throw new AppError('logout_token_invalid', { cause: 'jti replayed' })
  const member =
    subject &&
    (await findTeamMember(
      s.db,
      connections.map((x) => x.teamId),
      subject,
    ))
  if (!member) throw new AppError('logout_subject_unknown')
  await s.db.batch([
    ...revokeUserSessions(s.db, member.id, s.nowMs),
    insertEvent(s.db, successRow(s.audit, { teamId: member.teamId, email: member.email }, s.nowMs)),
    ...s.outbox.change(s.db, {
      type: 'sessions.revoked',
      teamId: member.teamId,
      userId: member.id,
      via: 'universal_logout',
      details: { scope: 'all' },
    }),
  ])
}
