// The support console's session: a random id in the cookie, its hash in D1, dead once logged out.
// (A new ADMIN_TOKEN ending it: test/admin-console.test.ts.)
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../src/crypto/encoding'
import { Tally } from './figures'
import { adminToken, Browser, createRig, formPost, type Rig } from './harness'
import { query } from './rows'

const consoleCookie = '__Host-edge_sso_admin'

async function consoleSignIn(rig: Rig): Promise<Browser> {
  const browser = new Browser()
  const response = await rig.fetch(browser, '/admin/login', formPost({ token: adminToken }))
  expect([response.status, response.headers.get('location')]).toEqual([303, '/admin'])
  return browser
}

/** The console itself, or (signed out) the admin-token form. */
async function consoleShows(rig: Rig, browser: Browser) {
  const html = await (await rig.fetch(browser, '/admin')).text()
  if (html.includes('action="/admin/logout"')) return 'console'
  return html.includes('id="admin-token"') ? 'sign-in form' : 'something else'
}

const payloadOf = (cookie: string) => {
  const [, payload = ''] = decodeURIComponent(cookie).split('.')
  return JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as Record<
    string,
    unknown
  >
}

describe('support console session', () => {
  it('cookie carries a random id, nothing derived from the admin token (the old cookie held an unsalted sha256 of it)', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Console sessions').watch(rig)
    const first = await consoleSignIn(rig)
    const second = await consoleSignIn(rig)
    expect(await consoleShows(rig, first)).toBe('console')
    const [a, b] = [first, second].map((browser) => payloadOf(browser.cookies.get(consoleCookie)!))
    expect(Object.keys(a!)).toEqual(['sid'])
    expect(a!.sid).not.toEqual(b!.sid)
    const cookieText = decodeURIComponent(first.cookies.get(consoleCookie)!)
    for (const derived of [
      adminToken,
      await sha256Hex(adminToken),
      await sha256Hex(`edge-sso admin console:${adminToken}`),
    ])
      expect(cookieText).not.toContain(derived)
    const rows = await query<{ id: string; token_fingerprint: string }>(
      'select id, token_fingerprint from console_sessions where id in (?, ?)',
      await sha256Hex(String(a!.sid)),
      await sha256Hex(String(b!.sid)),
    )
    expect(rows).toHaveLength(2)
    expect(rows[0]!.token_fingerprint).not.toEqual(rows[1]!.token_fingerprint)
    tally.accepted()
  })

  it('a stolen console cookie dies at logout (the old logout only cleared the cookie in one browser)', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Console sessions').watch(rig)
    const browser = await consoleSignIn(rig)
    const thief = new Browser()
    thief.cookies.set(consoleCookie, browser.cookies.get(consoleCookie)!)
    expect(await consoleShows(rig, thief)).toBe('console')
    const logout = await rig.fetch(browser, '/admin/logout', formPost({}))
    expect(logout.status).toBe(303)
    expect(browser.cookies.has(consoleCookie)).toBe(false)
    expect(await consoleShows(rig, thief)).toBe('sign-in form')
    tally.countRefused()
    await tally.baseline()
    const action = await rig.fetch(
      thief,
      '/admin/teams',
      formPost({
        name: 'Thief Co',
        ownerEmail: 'thief@thief.example',
        defaultPermission: 'public',
      }),
    )
    await tally.refused(action, { status: 401, code: 'admin_login_required' })
    expect(await query('select id from users where email = ?', 'thief@thief.example')).toEqual([])
  })
})
