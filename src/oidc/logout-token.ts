// The Universal Logout request's bearer JWT, verified by jose: RS256 by the issuer's keys, iss, aud, exp, iat and jti.
// @see draft-parecki-oauth-global-token-revocation, Okta "Build Universal Logout for your app"
import { decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'
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
 * Verifies the logout token: RS256 signature by one of the issuer's keys (`withKeys` hands jose the key
 * set), `iss` equal to `issuer`, `aud` naming `audience`, `exp` in the future, `iat` at most five
 * minutes old (a minute ahead at most), a `jti`. `typ` and `sub` are not required (Okta sends
 * `typ: global-token-revocation+jwt` and no `sub`). Every failure is `logout_token_invalid`.
 */
export async function verifyLogoutToken(
  token: string,
  expected: { issuer: string; audience: string; nowSeconds: number },
  withKeys: <T>(verify: (keys: JWTVerifyGetKey) => Promise<T>) => Promise<T>,
): Promise<LogoutTokenClaims> {
  let verified
  try {
    verified = await withKeys((keys) =>
      jwtVerify(token, keys, {
        algorithms: ['RS256'],
        issuer: expected.issuer,
        audience: expected.audience,
        requiredClaims: ['exp', 'iat', 'jti'],
        currentDate: new Date(expected.nowSeconds * 1000),
      }),
    )
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
