// The identity token the host app checks offline: its claims from the session, signed at most once per half life.
import { SignJWT } from 'jose'
import type { Config } from '../env'
import { authTimeOf, type Session, sessionRowId } from '../session/session'
import type { Role } from '../vocabulary'
import { identityKeys } from './signing-keys'

export interface IdentityClaims {
  iss: string
  aud: string
  sub: string
  email: string
  email_verified: boolean
  name: string | null
  team_id: string | null
  role: Role | null
  amr: string[]
  /** The session's row id (the hash of its cookie secret), never the secret. */
  sid: string
  auth_time: number
  iat: number
  exp: number
}

export interface IdentityToken {
  token: string
  claims: IdentityClaims
}

/** RFC 8176 names: a password is `pwd`; `sso` and `recovery` name themselves. */
const amrOf = (method: Session['method']) => [method === 'password' ? 'pwd' : method]

export function identityClaims(
  session: Session,
  config: Config,
  now: number,
  sid: string,
): IdentityClaims {
  return {
    iss: config.publicOrigin,
    aud: config.tokenAudience,
    sub: session.userId,
    email: session.email,
    email_verified: session.emailVerified,
    name: session.name,
    team_id: session.team?.id ?? null,
    role: session.team ? (session.role ?? 'member') : null,
    amr: amrOf(session.method),
    sid,
    auth_time: authTimeOf(session),
    iat: now,
    exp: Math.min(now + config.tokenTtlSeconds, session.expiresAt),
  }
}

/** Tokens signed in this isolate, per configuration: session row id and recheck time → the token. */
const issued = new WeakMap<Config, Map<string, IdentityToken>>()
const maxCachedTokens = 10_000

/**
 * The signed identity token of a live (just rechecked) session. A token is reused while less than half
 * its life has passed and the session has not been rechecked nor authenticated again since (either may change
 * the claims), so
 * a session costs one signature per half life, not one per request.
 */
export async function identityToken(
  session: Session,
  config: Config,
  nowMs: number,
): Promise<IdentityToken> {
  const now = Math.floor(nowMs / 1000)
  const cache = issued.get(config) ?? new Map<string, IdentityToken>()
  issued.set(config, cache)
  const sid = await sessionRowId(session)
  const key = `${sid}:${session.checkedAt}:${authTimeOf(session)}`
  const cached = cache.get(key)
  if (cached && now < cached.claims.iat + config.tokenTtlSeconds / 2 && now < cached.claims.exp)
    return cached
  const claims = identityClaims(session, config, now, sid)
  const { signing } = await identityKeys(config)
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signing.kid })
    .sign(signing.key)
  cache.delete(key)
  const oldest = cache.keys().next()
  if (cache.size >= maxCachedTokens && !oldest.done) cache.delete(oldest.value)
  cache.set(key, { token, claims })
  return { token, claims }
}
