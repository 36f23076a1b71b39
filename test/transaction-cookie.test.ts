// Login transactions: one signed cookie per login in progress (tabs), bounded in number and in size.
import { describe, expect, it } from 'vitest'
import { maxTransactions } from '../src/http/transaction-cookie'
import { Browser, me, publicOrigin } from './harness'
import { finishLogin } from './logins'
import { initiatePath, type Scene, scene, sub } from './scene'

const txCookies = (browser: Browser) =>
  [...browser.cookies.keys()].filter((name) => name.startsWith('__Host-edge_sso_tx_'))

/** Starts a login in `browser` and returns its callback URL (the IdP has signed the person in). */
async function startLogin(s: Scene, browser: Browser, path = initiatePath(s)) {
  const initiate = await s.rig.fetch(browser, path, { headers: { 'sec-fetch-site': 'cross-site' } })
  expect(initiate.status).toBe(302)
  return { initiate, callbackUrl: s.rig.idp.authorize(initiate.headers.get('location') ?? '', sub) }
}

/** The browser back from the IdP, confirming "Continue as …?" when asked: the answer that ends the login. */
const callback = async (s: Scene, browser: Browser, url: string) =>
  (await finishLogin(s.rig, browser, url)).callback

/** A login's end: the app, after the callback (302) or after the confirmation it asked for (303). */
const landedOnApp = (answer: Response) =>
  [302, 303].includes(answer.status) && answer.headers.get('location') === `${publicOrigin}/app`

describe('two tabs', () => {
  for (const order of ['in the order started', 'in reverse order'] as const) {
    it(`second tab's login no longer clobbers the first: both callbacks succeed ${order}`, async (ctx) => {
      // Broke before: one transaction cookie per browser, so the second login overwrote the first
      // and the first tab's callback was refused (login_state_mismatch).
      const s = await scene({ ctx, area: 'Transaction cookies' })
      const browser = new Browser()
      const first = await startLogin(s, browser)
      const second = await startLogin(s, browser)
      expect(txCookies(browser)).toHaveLength(2)
      const urls = [first.callbackUrl, second.callbackUrl]
      if (order === 'in reverse order') urls.reverse()
      for (const url of urls) {
        expect(landedOnApp(await callback(s, browser, url))).toBe(true)
        s.tally.accepted()
      }
      expect(txCookies(browser), 'each callback clears its own transaction').toEqual([])
      expect((await me(s.rig, browser)).status).toBe(200)
    })
  }

  it(`keeps at most ${maxTransactions} logins in progress: the oldest is dropped, the newest complete`, async (ctx) => {
    const s = await scene({ ctx, area: 'Transaction cookies' })
    const browser = new Browser()
    const logins = []
    for (let i = 0; i < maxTransactions + 2; i++) logins.push(await startLogin(s, browser))
    expect(txCookies(browser)).toHaveLength(maxTransactions)
    const [oldest] = logins
    await s.tally.baseline()
    await s.tally.refused(await callback(s, browser, oldest?.callbackUrl ?? ''), {
      status: 400,
      code: 'login_state_mismatch',
    })
    expect(txCookies(browser), 'a refused callback leaves the other tabs alone').toHaveLength(
      maxTransactions,
    )
    const newest = logins.at(-1)
    expect(landedOnApp(await callback(s, browser, newest?.callbackUrl ?? ''))).toBe(true)
  })
})

describe('transaction cookie size', () => {
  it('a hostile non-ASCII target_link_uri no longer makes an oversized Set-Cookie: it falls back to the app', async (ctx) => {
    // Broke before: 2,040 "€" (18 KB percent-encoded) went into the cookie whole: a 24 KB Set-Cookie
    // that browsers drop, so the login could never finish.
    const s = await scene({ ctx, area: 'Transaction cookies' })
    const browser = new Browser()
    const hostile = `/${'€'.repeat(2040)}`
    const path = `${initiatePath(s)}&target_link_uri=${encodeURIComponent(hostile)}`
    const { initiate, callbackUrl } = await startLogin(s, browser, path)
    const setCookie = initiate.headers.getSetCookie()
    expect(setCookie).toHaveLength(1)
    expect(setCookie[0]?.length).toBeLessThan(4096)
    expect(landedOnApp(await callback(s, browser, callbackUrl))).toBe(true)
  })

  it('keeps a return path of up to 1 KB encoded, non-ASCII included', async (ctx) => {
    const s = await scene({ ctx, area: 'Transaction cookies' })
    const browser = new Browser()
    const target = `/reports/${'ü'.repeat(100)}?tab=2`
    const path = `${initiatePath(s)}&target_link_uri=${encodeURIComponent(target)}`
    const { initiate, callbackUrl } = await startLogin(s, browser, path)
    expect(initiate.headers.getSetCookie()[0]?.length).toBeLessThan(4096)
    const answer = await callback(s, browser, callbackUrl)
    expect(answer.headers.get('location')).toBe(new URL(target, publicOrigin).pathname + '?tab=2')
  })
})
