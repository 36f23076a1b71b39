// Okta's Universal Logout as the tests send it: the signed bearer token and the request around it.
import { Browser, publicOrigin, type Rig, unique } from './harness'
import type { TestIdp } from './idp/provider'

export const universalLogoutPath = '/sso/universal-logout'

/** Okta's `typ` for a Global Token Revocation request. */
export const logoutTyp = { typ: 'global-token-revocation+jwt' }

/** `idp`'s signed logout token for the endpoint at `path`, at the rig's clock. */
export function signedLogoutToken(rig: Rig, idp: TestIdp = rig.idp, path = universalLogoutPath) {
  const now = Math.floor(rig.runtime.now() / 1000)
  return idp.signToken(
    { iss: idp.issuer, aud: `${publicOrigin}${path}`, iat: now, exp: now + 300, jti: unique('j') },
    logoutTyp,
  )
}

/** A Universal Logout request as Okta sends it (cross-site, JSON), from `browser`'s address. */
export function logoutRequest(
  rig: Rig,
  request: { token?: string; body: unknown; path?: string; browser?: Browser },
) {
  const { token, body, path = universalLogoutPath, browser = new Browser() } = request
  return rig.fetch(browser, path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'sec-fetch-site': 'cross-site',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export const byEmail = (email: string) => ({ sub_id: { format: 'email', email } })
