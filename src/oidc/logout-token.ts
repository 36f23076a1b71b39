// The Universal Logout request's bearer JWT, verified by jose: RS256 over the issuer's JWKS, iss, aud, exp, iat and jti.
// @see draft-parecki-oauth-global-token-revocation, Okta "Build Universal Logout for your app"
import { createLocalJWKSet, decodeJwt, errors, type JSONWebKeySet, jwtVerify } from 'jose'
import type * as oauth from 'oauth4webapi'
import * as z from 'zod/mini'
import { AppError } from '../errors'

/** How old (by `iat`) a logout token may be, and how far ahead a clock may run. */
export const maxTokenAgeSeconds = 300
const clockSkewSeconds = 60

const claimsSchema = z.looseObject({
  iss: z.string(),
  exp: z.number(),
  iat: z.number(),
  jti: z.string().check(z.minLength(1), z.maxLength(256)),
})

export type LogoutTokenClaims = z.output<typeof claimsSchema>

const invalid = (cause: string) => new AppError('logout_token_invalid', { cause })

/** The unverified `iss`, only to find which connection's keys should verify the token. */
export function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token)
    return iss
  } catch {
    return undefined
  }
}

/**
 * Verifies the logout token: RS256 signature by a key in the issuer's JWKS (`keys(true)` refetches once
 * for an unknown `kid`), `iss` equal to `issuer`, `aud` naming `audience`, `exp` in the future, `iat`
 * at most five minutes old (a minute ahead at most), a `jti`. `typ` and `sub` are not required (Okta sends
 * `typ: global-token-revocation+jwt` and no `sub`). Every failure is `logout_token_invalid`.
 */
export async function verifyLogoutToken(
  token: string,
  expected: { issuer: string; audience: string; nowSeconds: number },
  keys: (unknownKid: boolean) => Promise<oauth.JWKS>,
): Promise<LogoutTokenClaims> {
  const verify = async (unknownKid: boolean) =>
    jwtVerify(token, createLocalJWKSet((await keys(unknownKid)) as JSONWebKeySet), {
      algorithms: ['RS256'],
      issuer: expected.issuer,
      audience: expected.audience,
      requiredClaims: ['exp', 'iat', 'jti'],
      currentDate: new Date(expected.nowSeconds * 1000),
    })
  let verified
  try {
    verified = await verify(false).catch((error: unknown) => {
      if (error instanceof errors.JWKSNoMatchingKey) return verify(true)
      throw error
    })
  } catch (error) {
    if (error instanceof AppError) throw error
    throw invalid(error instanceof errors.JOSEError ? error.code : 'not a JWT')
  }
  const claims = claimsSchema.safeParse(verified.payload)
  if (!claims.success) throw invalid('missing or malformed claims')
  const age = expected.nowSeconds - claims.data.iat
  if (age > maxTokenAgeSeconds || age < -clockSkewSeconds) throw invalid('iat')
  return claims.data
}
