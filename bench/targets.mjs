// The two workers under test as one shape: a floor URL, a protected path, and a login made of timed steps.
import { Browser, expectStatus } from './browser.mjs'

const crossSite = { 'sec-fetch-site': 'cross-site' }

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
        expectStatus(
          'callback',
          await browser.request(authorize.location, { headers: crossSite }),
          302,
        ),
      )
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
