// Checks edge-sso's Edge-SSO-Assertion offline: ES256 against its published keys, issuer and audience.
import { type JWTVerifyGetKey, jwtVerify } from 'jose'

/** Who is signed in, as edge-sso's identity token says (docs/host-app.md in edge-sso lists every claim). */
export interface Identity {
  sub: string
  email: string
  email_verified: boolean
  name: string | null
  team_id: string | null
  role: 'owner' | 'admin' | 'member' | null
  amr: string[]
  sid: string
  auth_time: number
}

export interface Verifier {
  /** edge-sso's keys: `createRemoteJWKSet(new URL('/.well-known/jwks.json', issuer))`, cached by jose. */
  keys: JWTVerifyGetKey
  /** edge-sso's `PUBLIC_URL`. */
  issuer: string
  /** edge-sso's `TOKEN_AUDIENCE` (by default the origin of its `APP_URL`). */
  audience: string
}

/** The identity the assertion proves, or null when it fails any check (forged, expired, not for us). */
export async function verifyAssertion(token: string, v: Verifier): Promise<Identity | null> {
  try {
    const { payload } = await jwtVerify<Identity>(token, v.keys, {
      issuer: v.issuer,
      audience: v.audience,
      algorithms: ['ES256'],
      typ: 'JWT',
      requiredClaims: ['sub', 'iat', 'exp'],
    })
    return payload
  } catch {
    return null
  }
}
