// The Universal Logout request's bearer JWT: RS256 over the issuer's JWKS, iss, aud, exp, iat and jti.
// @see draft-parecki-oauth-global-token-revocation, Okta "Build Universal Logout for your app"
import type * as oauth from 'oauth4webapi'
import * as z from 'zod/mini'
import { fromBase64Url } from '../crypto/encoding'
import { AppError } from '../errors'

/** How old (by `iat`) a logout token may be, and how far ahead a clock may run. */
export const maxTokenAgeSeconds = 300
const clockSkewSeconds = 60

const headerSchema = z.looseObject({ alg: z.string(), kid: z.optional(z.string()) })
const claimsSchema = z.looseObject({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
  jti: z.string().check(z.minLength(1), z.maxLength(256)),
})

export type LogoutTokenClaims = z.output<typeof claimsSchema>

const invalid = (cause: string) => new AppError('logout_token_invalid', { cause })

function decodeJson(part: string | undefined): unknown {
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) throw invalid('not a compact JWS')
  try {
    return JSON.parse(new TextDecoder().decode(fromBase64Url(part)))
  } catch {
    throw invalid('not a compact JWS')
  }
}

/** The unverified `iss`, only to find which connection's keys should verify the token. */
export function unverifiedIssuer(token: string): string | undefined {
  try {
    const claims = decodeJson(token.split('.')[1])
    return typeof claims === 'object' && claims !== null && 'iss' in claims
      ? String(claims.iss)
      : undefined
  } catch {
    return undefined
  }
}

const rs256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }

async function verifyWith(jwk: oauth.JWK, input: Uint8Array, signature: Uint8Array) {
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey,
      rs256,
      false,
      ['verify'],
    )
    return await crypto.subtle.verify(rs256, key, signature, input)
  } catch {
    return false
  }
}

/** The RSA signing keys of `jwks` that may have signed a token with this `kid`. */
const candidates = (jwks: oauth.JWKS, kid: string | undefined) =>
  jwks.keys.filter(
    (k) =>
      k.kty === 'RSA' &&
      (k.use === undefined || k.use === 'sig') &&
      (k.alg === undefined || k.alg === 'RS256') &&
      (kid === undefined || k.kid === kid),
  )

/**
 * Verifies the logout token: RS256 signature by a key in the issuer's JWKS (`keys(true)` refetches once
 * for an unknown `kid`), `iss` equal to `issuer`, `aud` naming `audience`, `exp` in the future, `iat`
 * at most five minutes old, a `jti`. `typ` and `sub` are not required (Okta sends
 * `typ: global-token-revocation+jwt` and no `sub`). Every failure is `logout_token_invalid`.
 */
export async function verifyLogoutToken(
  token: string,
  expected: { issuer: string; audience: string; nowSeconds: number },
  keys: (unknownKid: boolean) => Promise<oauth.JWKS>,
): Promise<LogoutTokenClaims> {
  const parts = token.split('.')
  if (parts.length !== 3) throw invalid('not a compact JWS')
  const [encodedHeader, encodedClaims, encodedSignature = ''] = parts
  const header = headerSchema.safeParse(decodeJson(encodedHeader))
  if (!header.success || header.data.alg !== 'RS256') throw invalid('alg is not RS256')
  const parsed = claimsSchema.safeParse(decodeJson(encodedClaims))
  if (!parsed.success) throw invalid('missing or malformed claims')
  if (!/^[A-Za-z0-9_-]+$/.test(encodedSignature)) throw invalid('no signature')
  const input = new TextEncoder().encode(`${encodedHeader}.${encodedClaims}`)
  const signature = fromBase64Url(encodedSignature)
  const { kid } = header.data
  let verified = false
  for (const unknownKid of [false, true]) {
    const jwks = await keys(unknownKid)
    const found = candidates(jwks, kid)
    if (found.length === 0 && !unknownKid) continue
    for (const jwk of found) if (await verifyWith(jwk, input, signature)) verified = true
    break
  }
  if (!verified) throw invalid('signature')
  const claims = parsed.data
  const now = expected.nowSeconds
  if (claims.iss !== expected.issuer) throw invalid('iss')
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.includes(expected.audience)) throw invalid('aud')
  if (claims.exp <= now) throw invalid('exp')
  if (claims.iat > now + clockSkewSeconds || claims.iat < now - maxTokenAgeSeconds)
    throw invalid('iat')
  return claims
}
