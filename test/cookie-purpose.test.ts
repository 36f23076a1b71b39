// Every signed cookie is signed for its purpose: a value minted for one kind is refused as any other.
import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/env'
import { type CookiePurpose, writeSignedCookie } from '../src/http/signed-cookie'
import { Tally } from './figures'
import { adminToken, Browser, createRig, formPost, me, publicOrigin, unique } from './harness'
import { expectSignedIn, initiatePath, scene } from './scene'

const names = {
  session: '__Host-edge_sso_session',
  /** A prefix: the transaction cookie may carry its login's state in its name. */
  transaction: '__Host-edge_sso_tx',
  console: '__Host-edge_sso_admin',
}

/** The value the product's own signer gives `payload` under `purpose`. */
async function mint(purpose: CookiePurpose, payload: object): Promise<string> {
  const keys = readConfig(env, `${publicOrigin}/`).sessionKeys
  const signer = new Hono().get('/', async (c) => {
    await writeSignedCookie(
      c,
      { name: 'edge_sso_session', purpose, keys, maxAgeSeconds: 60 },
      payload,
    )
    return c.text('')
  })
  const setCookie = (await signer.request('/')).headers.getSetCookie()[0] ?? ''
  return setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'))
}

const browserWith = (name: string, value: string) => {
  const browser = new Browser()
  browser.cookies.set(name, value)
  return browser
}

describe('cookie purposes', () => {
  it('refuses a login transaction cookie copied into the session cookie, and a session cookie copied into the console cookie', async (ctx) => {
    const s = await scene({ ctx, area: 'Cookie purposes' })
    const { rig } = s
    const pending = new Browser()
    await rig.fetch(pending, initiatePath(s))
    const [transaction = ''] = [...pending.cookies]
      .filter(([name]) => name.startsWith(names.transaction))
      .map(([, value]) => value)
    expect(transaction).not.toBe('')
    expect((await me(rig, browserWith(names.session, transaction))).status).toBe(401)
    s.tally.countRefused()

    const signedIn = await expectSignedIn(s)
    const session = signedIn.cookies.get(names.session)!
    const asConsole = await rig.fetch(browserWith(names.console, session), '/admin')
    expect(await asConsole.text()).toContain('id="admin-token"')
    s.tally.countRefused()

    const support = new Browser()
    await rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    const consoleValue = support.cookies.get(names.console)!
    expect((await me(rig, browserWith(names.session, consoleValue))).status).toBe(401)
    s.tally.countRefused()
  })

  it('one key signed every cookie kind, so a value minted for another purpose passed as a session: now refused', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Cookie purposes').watch(rig)
    const now = Math.floor(Date.now() / 1000)
    const payload = {
      sid: unique('sid'),
      userId: unique('u'),
      email: 'mallory@evil.example',
      name: null,
      emailVerified: false,
      team: null,
      method: 'password',
      role: null,
      checkedAt: now,
      expiresAt: now + 3600,
      issuedAtMs: Date.now(),
    }
    const asSession = await mint('session', payload)
    expect((await me(rig, browserWith(names.session, asSession))).status).toBe(200)
    tally.accepted()
    for (const purpose of [
      'login-transaction',
      'console',
      'account-switch',
      'chosen-logins',
    ] as const) {
      const response = await me(rig, browserWith(names.session, await mint(purpose, payload)))
      expect([purpose, response.status]).toEqual([purpose, 401])
      tally.countRefused()
    }
  })
})
