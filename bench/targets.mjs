// The two workers under test as one shape: a floor URL, a protected path, and a login made of timed steps.
import { Browser, expectStatus } from './browser.mjs'

const crossSite = { 'sec-fetch-site': 'cross-site' }

/** The cookie naming the (connection, user) pairs a browser's person chose: their next tile login is one click. */
const chosenCookie = '__Host-edge_sso_chosen'

/** The IdP's sign-in page: our stand-in user "types" who they are (not one of the worker's steps). */
const signInAs = (authorizeUrl, email) => {
  const url = new URL(authorizeUrl)
  url.searchParams.set('bench_user', email)
  return url.href
}

/** Runs `fn` as a step; the default observer does nothing, the counting one reads counters around it. */
const plain = (_step, fn) => fn()

/**
 * edge-sso through bench/instrumented.ts (this tree's, or the previous release's built the same way, `name`d
 * apart): Okta-tile initiate, callback, /api/me and its recheck; email start; password login.
 */
export function edgeSso(origin, issuer, name = 'edge-sso') {
  /**
   * Each user's remembered choice, as their own browser keeps it: a returning user's tile login is one
   * click (its callback is the step measured); a first login answers "Continue as …?" and is confirmed.
   */
  const chosen = new Map()
  const json = (path, init) =>
    fetch(`${origin}${path}`, init).then((r) => (r.status === 204 ? undefined : r.json()))
  return {
    name,
    origin,
    /** The scenario's D1 round trips (bench/geography.ts). */
    setGeography: ({ primaryMs, replicaMs }) =>
      json(`/__bench/geography?primary=${primaryMs}&replica=${replicaMs}`, { method: 'POST' }),
    /** `/api/me` with the session's recheck due: the cookie is re-signed as checked an interval ago first. */
    async recheck(browser, observe = plain) {
      expectStatus(
        'age session',
        await browser.request(`${origin}/__bench/age-session`, { method: 'POST' }),
        204,
      )
      return observe('recheck', async () =>
        expectStatus('/api/me recheck', await browser.request(`${origin}/api/me`), 200),
      )
    },
    floorUrl: `${origin}/__bench/floor`,
    /** /api/me's layers (bench/instrumented.ts): bare Hono, + config read, + session check. */
    layerUrls: {
      oursBareHono: `${origin}/__bench/hono`,
      oursConfig: `${origin}/__bench/config`,
      oursSession: `${origin}/__bench/session`,
    },
    /** Timed beside every login: the floor, and the floor plus one IdP round trip through workerd's fetch. */
    references: {
      floor: `${origin}/__bench/floor`,
      idpRoundTrip: `${origin}/__bench/idp-round-trip`,
    },
    protectedUrl: `${origin}/api/me`,
    resetCounters: () => json('/__bench/reset', { method: 'POST' }),
    readCounters: () => json('/__bench/counters'),
    async login(email, observe = plain) {
      const browser = new Browser()
      if (chosen.has(email)) browser.cookies.set(chosenCookie, chosen.get(email))
      const initiateUrl = `${origin}/sso/initiate?iss=${encodeURIComponent(issuer)}`
      const initiate = await observe('initiate', async () =>
        expectStatus('initiate', await browser.request(initiateUrl, { headers: crossSite }), 302),
      )
      const authorize = expectStatus(
        'authorize',
        await browser.request(signInAs(initiate.location, email)),
        302,
      )
      const callback = await observe('callback', async () =>
        browser.request(authorize.location, { headers: crossSite }),
      )
      if (callback.response.status === 200 && callback.body.includes('action="/sso/confirm"')) {
        const confirm = { method: 'POST', headers: { origin, 'sec-fetch-site': 'same-origin' } }
        await observe('confirm', async () =>
          expectStatus('confirm', await browser.request(`${origin}/sso/confirm`, confirm), 303),
        )
      } else expectStatus('callback', callback, 302)
      if (browser.cookies.has(chosenCookie)) chosen.set(email, browser.cookies.get(chosenCookie))
      const me = await observe('protected', async () =>
        expectStatus('/api/me', await browser.request(`${origin}/api/me`), 200),
      )
      return { browser, ms: { initiate: initiate.ms, callback: callback.ms, protected: me.ms } }
    },
    async emailStart(email, observe = plain) {
      const browser = new Browser()
      const init = {
        method: 'POST',
        headers: {
          'sec-fetch-site': 'same-origin',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ email }),
      }
      return observe('email start', async () =>
        expectStatus('email start', await browser.request(`${origin}/sso/start`, init), 302),
      )
    },
    async register(email, password) {
      const init = {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password }),
      }
      expectStatus('register', await new Browser().request(`${origin}/register`, init), 303)
    },
    async passwordLogin(email, password, observe = plain) {
      const init = {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password }),
      }
      return observe('password login', async () =>
        expectStatus(
          'password login',
          await new Browser().request(`${origin}/login/password`, init),
          303,
        ),
      )
    },
  }
}

/** @hono/oidc-auth in bench/peer/worker.ts: the protected route redirects to the IdP, then its callback. */
export function peer(origin) {
  return {
    name: '@hono/oidc-auth',
    origin,
    floorUrl: `${origin}/__bench/floor`,
    references: { floor: `${origin}/__bench/floor` },
    protectedUrl: `${origin}/protected`,
    async login(email, observe = plain) {
      const browser = new Browser()
      const initiate = await observe('initiate', async () =>
        expectStatus('initiate', await browser.request(`${origin}/protected`), 302),
      )
      const authorize = expectStatus(
        'authorize',
        await browser.request(signInAs(initiate.location, email)),
        302,
      )
      const callback = await observe('callback', async () =>
        expectStatus('callback', await browser.request(authorize.location), 302),
      )
      const page = await observe('protected', async () =>
        expectStatus('/protected', await browser.request(`${origin}/protected`), 200),
      )
      return { browser, ms: { initiate: initiate.ms, callback: callback.ms, protected: page.ms } }
    },
  }
}
