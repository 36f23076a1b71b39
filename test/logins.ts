// A person signing in the way a browser does: the Okta tile, or registration with its mailed link.
import { type Browser, formPost, type Rig } from './harness'
import { lastMailTo, linkIn } from './mailbox'

/** The whole browser round trip from the Okta tile: initiate, the IdP's sign-in, the callback. */
export async function tileLogin(
  rig: Rig,
  browser: Browser,
  sub: string,
  initiatePath = `/sso/initiate?iss=${encodeURIComponent(rig.idp.issuer)}`,
) {
  const initiate = await rig.fetch(browser, initiatePath, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  if (initiate.status !== 302) return { initiate, callback: initiate }
  const callbackUrl = rig.idp.authorize(initiate.headers.get('location')!, sub)
  const callback = await rig.fetch(browser, callbackUrl, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  return { initiate, callback }
}

/** Registers `email` in `browser` and, unless told not to, clicks the verification link mailed to it. */
export async function register(
  rig: Rig,
  browser: Browser,
  email: string,
  options: { password?: string; verify?: boolean } = {},
): Promise<void> {
  const password = options.password ?? 'a good password'
  const response = await rig.fetch(browser, '/register', formPost({ email, password }))
  if (response.status !== 303) throw new Error(`register: ${response.status}`)
  if (options.verify === false) return
  const verified = await rig.fetch(browser, linkIn(lastMailTo(rig, email), '/verify-email/'))
  if (verified.status !== 200) throw new Error(`verify: ${verified.status}`)
}
