// A person signing in the way a browser does: the Okta tile, or registration with its mailed link.
import { type Browser, formPost, type Rig } from './harness'
import { lastMailTo, linkIn } from './mailbox'

/** Whether an answer is the "Continue as …?" page a tile login shows a browser that has not chosen its user. */
export const asksToConfirm = (response: Response) =>
  response.status === 200 &&
  (response.headers.get('content-type') ?? '').startsWith('text/html') &&
  response
    .clone()
    .text()
    .then((page) => page.includes('action="/sso/confirm"'))

/**
 * The whole browser round trip from the Okta tile: initiate, the IdP's sign-in, the callback and, when the
 * callback asks "Continue as …?" (a browser that never chose this user here), the person's confirmation,
 * unless `confirm: false`. `callback` is the answer that ends the round trip (the confirmation's `303`
 * when asked), `asked` the page when there was one.
 */
export async function tileLogin(
  rig: Rig,
  browser: Browser,
  sub: string,
  initiatePath = `/sso/initiate?iss=${encodeURIComponent(rig.idp.issuer)}`,
  options: { confirm?: boolean } = {},
): Promise<{ initiate: Response; callback: Response; asked?: Response }> {
  const initiate = await rig.fetch(browser, initiatePath, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  if (initiate.status !== 302) return { initiate, callback: initiate }
  const callbackUrl = rig.idp.authorize(initiate.headers.get('location')!, sub)
  return { initiate, ...(await finishLogin(rig, browser, callbackUrl, options)) }
}

/**
 * The browser back from the IdP: the callback and, when it asks "Continue as …?", the person's confirmation
 * (unless `confirm: false`). `callback` is the answer that ends the login, `asked` the page if there was one.
 */
export async function finishLogin(
  rig: Rig,
  browser: Browser,
  callbackUrl: string,
  options: { confirm?: boolean } = {},
): Promise<{ callback: Response; asked?: Response }> {
  const callback = await rig.fetch(browser, callbackUrl, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  if (options.confirm === false || !(await asksToConfirm(callback))) return { callback }
  const confirmed = await rig.fetch(browser, '/sso/confirm', formPost({}))
  return { callback: confirmed, asked: callback }
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
