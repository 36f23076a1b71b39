// Tile login while another user is signed in asks first; only a same-origin confirmation switches.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, formPost, me, publicOrigin, type Rig } from './harness'
import { query } from './rows'
import { tileLogin } from './logins'
import { addTeam, scene } from './scene'

const sessionCookie = '__Host-edge_sso_session'
const switchCookie = '__Host-edge_sso_switch'

const post = (site = 'same-origin') => formPost({}, { 'sec-fetch-site': site })

const whoAmI = async (rig: Rig, browser: Browser) => {
  const response = await me(rig, browser)
  return response.status === 200 ? ((await response.json()) as any).user.email : response.status
}

const sessionRows = (email: string) =>
  query<{ id: string; revoked_at: number | null }>(
    'select s.id, s.revoked_at from sessions s join users u on u.id = s.user_id where u.email = ? order by s.created_at',
    email,
  )

const payloadOf = (cookie: string) => {
  const [, payload = ''] = decodeURIComponent(cookie).split('.')
  return JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as any
}

/** A member signed in at the victim's team, and an attacker's tenant whose IdP signs its own user in. */
async function victimAndAttacker(ctx?: TestContext) {
  const { rig, team: victim, tally } = await scene({ ctx, area: 'Tile-login CSRF' })
  const attacker = await addTeam(rig)
  const member = `mia@${victim.domain}`
  const mallory = `mallory@${attacker.domain}`
  rig.idp.addUser({ sub: 'okta-mia', email: member, email_verified: true })
  rig.idp.addUser({ sub: 'okta-mallory', email: mallory, email_verified: true })
  const browser = new Browser()
  const path = `/sso/initiate/${victim.connectionId}`
  expect((await tileLogin(rig, browser, 'okta-mia', path)).callback.status).toBe(303)
  expect(await whoAmI(rig, browser)).toBe(member)
  /** The browser sent to the attacker's connection, signed in at the IdP as the attacker's user. */
  const lure = () =>
    tileLogin(rig, browser, 'okta-mallory', `/sso/initiate/${attacker.connectionId}`)
  return { rig, browser, member, mallory, lure, attacker, tally }
}

describe('tile login while someone else is signed in', () => {
  it('login CSRF: a signed-in member sent to another tenant’s initiate URI stays themselves until confirming (the old code switched silently and left the old row live)', async (ctx) => {
    const { rig, browser, member, mallory, lure, tally } = await victimAndAttacker(ctx)
    const sessionBefore = browser.cookies.get(sessionCookie)
    const { callback } = await lure()
    expect(callback.status).toBe(200)
    const page = await callback.text()
    expect(page).toContain(`data-testid="current-email">${member}<`)
    expect(page).toContain(`data-testid="next-email">${mallory}<`)
    expect(page).toContain('action="/sso/switch"')
    expect(callback.headers.get('location')).toBeNull()
    const pending = browser.cookies.get(switchCookie)!
    expect(page).not.toContain(payloadOf(pending).session.sid)
    expect(page).not.toContain(pending)
    expect(browser.cookies.get(sessionCookie)).toBe(sessionBefore)
    expect(await whoAmI(rig, browser)).toBe(member)
    expect(await sessionRows(mallory)).toEqual([])

    const confirmed = await rig.fetch(browser, '/sso/switch', post())
    expect([confirmed.status, confirmed.headers.get('location')]).toEqual([
      303,
      `${publicOrigin}/app`,
    ])
    expect(await whoAmI(rig, browser)).toBe(mallory)
    expect(browser.cookies.has(switchCookie)).toBe(false)
    expect((await sessionRows(member)).map((r) => r.revoked_at !== null)).toEqual([true])
    expect((await sessionRows(mallory)).map((r) => r.revoked_at)).toEqual([null])
    tally.accepted()
  })

  it('a confirmed switch keeps what its login brought: the sealed ID token for RP-initiated logout, and the role', async () => {
    // Without carrying them through the switch cookie, the row had no id_token_sealed (logout stayed local).
    const { rig, browser, mallory, lure, attacker } = await victimAndAttacker()
    await rig.admin('PATCH', `/admin/api/sso-connections/${attacker.connectionId}`, {
      endIdpSession: true,
    })
    await lure()
    expect((await rig.fetch(browser, '/sso/switch', post())).status).toBe(303)
    const [row] = await query<{ id_token_sealed: string | null }>(
      'select s.id_token_sealed from sessions s join users u on u.id = s.user_id where u.email = ?',
      mallory,
    )
    expect(row!.id_token_sealed).toMatch(/^v1\./)
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('member')
    const logout = await rig.fetch(browser, '/logout', {
      method: 'POST',
      headers: { origin: publicOrigin },
    })
    expect(logout.status).toBe(303)
    const hint = new URL(logout.headers.get('location')!).searchParams.get('id_token_hint')!
    const claims = payloadOf(`x.${hint.split('.')[1]}`)
    expect([claims.sub, claims.aud]).toEqual(['okta-mallory', attacker.clientId])
  })

  it('the confirmation is refused from another site, and cancelling keeps the signed-in user and writes no session', async (ctx) => {
    const { rig, browser, member, mallory, lure, tally } = await victimAndAttacker(ctx)
    await lure()
    await tally.baseline()
    const forged = await rig.fetch(browser, '/sso/switch', post('cross-site'))
    await tally.refused(forged, { status: 403, code: 'csrf_refused' })
    expect(await whoAmI(rig, browser)).toBe(member)
    const cancel = await rig.fetch(browser, '/sso/switch/cancel', post())
    expect([cancel.status, cancel.headers.get('location')]).toEqual([303, `${publicOrigin}/app`])
    expect(browser.cookies.has(switchCookie)).toBe(false)
    expect(await whoAmI(rig, browser)).toBe(member)
    expect(await sessionRows(mallory)).toEqual([])
    expect((await sessionRows(member)).map((r) => r.revoked_at)).toEqual([null])
    await tally.baseline()
    const late = await rig.fetch(browser, '/sso/switch', post())
    await tally.refused(late, { status: 400, code: 'login_expired' })
    expect(await whoAmI(rig, browser)).toBe(member)
  })

  it('a pending switch confirmed twice (its cookie copied) starts one session only', async (ctx) => {
    const { rig, browser, mallory, lure, tally } = await victimAndAttacker(ctx)
    await lure()
    const copy = new Browser()
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value)
    expect((await rig.fetch(browser, '/sso/switch', post())).status).toBe(303)
    await tally.baseline()
    const again = await rig.fetch(copy, '/sso/switch', post())
    await tally.refused(again, { status: 400, code: 'login_expired' })
    expect(await sessionRows(mallory)).toHaveLength(1)
  })

  it('the same user signing in again replaces the session without asking, and revokes the old row', async () => {
    const { rig, browser, member } = await victimAndAttacker()
    const [old] = await sessionRows(member)
    const { callback } = await tileLogin(rig, browser, 'okta-mia')
    expect(callback.status).toBe(302)
    expect(await whoAmI(rig, browser)).toBe(member)
    const rows = await sessionRows(member)
    expect(rows.map((r) => [r.id === old!.id, r.revoked_at !== null])).toEqual([
      [true, true],
      [false, false],
    ])
  })

  it('keeps the callback’s budget while asking: 1 upstream fetch, and a first login’s D1 round trips (the spent state beside it, the facts, one batch)', async () => {
    const { rig, browser, attacker } = await victimAndAttacker()
    const initiate = await rig.fetch(browser, `/sso/initiate/${attacker.connectionId}`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    const callbackUrl = rig.idp.authorize(initiate.headers.get('location')!, 'okta-mallory')
    rig.resetCounters()
    const callback = await rig.fetch(browser, callbackUrl, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    expect(callback.status).toBe(200)
    // Mallory is new here: her user, membership and identity are written before the question is asked.
    expect({ upstream: rig.counters.upstream, d1: rig.counters.d1 }).toEqual({ upstream: 1, d1: 3 })
  })
})
