// Login CSRF of signed-out visitors: a tile login asks "Continue as …?" unless this browser chose that user there before.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, formPost, me, publicOrigin, unique } from './harness'
import { asksToConfirm, register, tileLogin } from './logins'
import { query } from './rows'
import { evilIdp, expectSignedIn, scene, sub } from './scene'

const area = 'Tile-login CSRF'
const chosenCookie = '__Host-edge_sso_chosen'
const sessionCookie = '__Host-edge_sso_session'

/** Anyone's tenant: register, prove their own mailbox and domain, start a team, connect their own IdP, test, activate. */
async function selfServeTenant(ctx: TestContext) {
  const evil = await evilIdp()
  const s = await scene({ ctx, area, idps: [evil] })
  const { rig } = s
  const boss = new Browser()
  const bossEmail = `${unique('boss')}@${unique('startup')}.example`
  await register(rig, boss, bossEmail)
  await rig.fetch(boss, '/team', formPost({ name: 'Evil', defaultPermission: 'private' }))
  // The tenant proves its own domain (its TXT record, as the setup page shows it): linking needs it.
  const [team] = await query<{ id: string }>(
    'select m.team_id as id from memberships m join users u on u.id = m.user_id where u.email = ?',
    bossEmail,
  )
  const shape = (await (await rig.admin('GET', `/admin/api/teams/${team!.id}`)).json()) as {
    pendingDomains: { domain: string; dnsName: string; dnsValue: string }[]
  }
  const [pending] = shape.pendingDomains
  rig.dns.set(pending!.dnsName, [pending!.dnsValue])
  await rig.fetch(boss, `/settings/sso/domains/${pending!.domain}/verify`, formPost({}))
  await rig.fetch(
    boss,
    '/settings/sso/connection',
    formPost({ clientId: 'evil', clientSecret: 'evil-secret', issuer: evil.issuer }),
  )
  const [draft] = await query<{ id: string }>(
    "select c.id from sso_connections c join memberships m on m.team_id = c.team_id join users u on u.id = m.user_id where u.email = ? and c.status = 'draft'",
    bossEmail,
  )
  evil.addUser({ sub: 'boss', email: bossEmail, email_verified: true })
  const start = await rig.fetch(boss, '/settings/sso/test', formPost({ connectionId: draft!.id }))
  await rig.fetch(boss, evil.authorize(start.headers.get('location')!, 'boss'))
  const activated = await rig.fetch(
    boss,
    '/settings/sso/activate',
    formPost({ connectionId: draft!.id }),
  )
  expect(activated.status).toBe(303)
  return { s, rig, evil, connectionId: draft!.id, bossEmail }
}

/** The victim's browser sent (by a page elsewhere) through the attacker's connection; their IdP answers at once. */
async function lured(t: Awaited<ReturnType<typeof selfServeTenant>>, victim: Browser) {
  const initiate = await t.rig.fetch(victim, `/sso/initiate/${t.connectionId}`, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  expect(initiate.status).toBe(302)
  return t.rig.fetch(victim, t.evil.authorize(initiate.headers.get('location')!, 'boss'), {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
}

const sessionRowsOf = async (email: string) =>
  (
    await query<{ n: number }>(
      'select count(*) as n from sessions s join users u on u.id = s.user_id where u.email = ?',
      email,
    )
  )[0]!.n

describe('a signed-out visitor sent through someone else’s connection', () => {
  it('is asked "Continue as <email> (<team>)?" and stays signed out (before: 302, signed in as the attacker)', async (ctx) => {
    const t = await selfServeTenant(ctx)
    const rowsBefore = await sessionRowsOf(t.bossEmail)
    const victim = new Browser()
    const page = await lured(t, victim)
    expect(page.status).toBe(200)
    expect(page.headers.get('location')).toBeNull()
    expect(page.headers.get('cache-control')).toBe('no-store')
    const html = await page.text()
    expect(html).toContain(`data-testid="confirm-email">${t.bossEmail}<`)
    expect(html).toContain('data-testid="confirm-team">Evil<')
    expect(html).toContain('action="/sso/confirm"')
    expect(victim.cookies.has(sessionCookie)).toBe(false)
    expect((await me(t.rig, victim)).status).toBe(401)
    expect(await sessionRowsOf(t.bossEmail)).toBe(rowsBefore)
    // The page elsewhere cannot answer for the visitor: a cross-site confirmation is refused.
    await t.s.tally.baseline()
    const forged = await t.rig.fetch(
      victim,
      '/sso/confirm',
      formPost({}, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
    )
    await t.s.tally.refused(forged, { status: 403, code: 'csrf_refused' })
    expect((await me(t.rig, victim)).status).toBe(401)
    // Cancelling drops the pending login: nothing is left to confirm.
    const cancel = await t.rig.fetch(victim, '/sso/confirm/cancel', formPost({}))
    expect([cancel.status, cancel.headers.get('location')]).toEqual([303, `${publicOrigin}/app`])
    await t.s.tally.baseline()
    const late = await t.rig.fetch(victim, '/sso/confirm', formPost({}))
    await t.s.tally.refused(late, { status: 400, code: 'login_expired' })
    expect((await me(t.rig, victim)).status).toBe(401)
    expect(await sessionRowsOf(t.bossEmail)).toBe(rowsBefore)
  })

  it('is signed in only when the person confirms on our page (same origin), with the event sso_confirm', async (ctx) => {
    const t = await selfServeTenant(ctx)
    const browser = new Browser()
    expect(await asksToConfirm(await lured(t, browser))).toBe(true)
    const confirmed = await t.rig.fetch(browser, '/sso/confirm', formPost({}))
    expect([confirmed.status, confirmed.headers.get('location')]).toEqual([
      303,
      `${publicOrigin}/app`,
    ])
    const who = (await (await me(t.rig, browser)).json()) as { user: { email: string } }
    expect(who.user.email).toBe(t.bossEmail)
    expect(
      await query(
        "select outcome from events where action = 'sso_confirm' and email = ?",
        t.bossEmail,
      ),
    ).toEqual([{ outcome: 'success' }])
    t.s.tally.accepted()
  })
})

describe('the browser’s remembered choices', () => {
  it('a confirmed (connection, user) makes that browser’s next tile login one click, in a long-lived __Host- cookie', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = new Browser()
    const first = await tileLogin(s.rig, browser, sub)
    expect(first.asked?.status).toBe(200)
    const chosen = first.callback.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${chosenCookie}=`))!
    expect(chosen).toMatch(/; Path=\//)
    expect(chosen).toMatch(/; HttpOnly/)
    expect(chosen).toMatch(/; Secure/)
    expect(chosen).toMatch(/; SameSite=Lax/)
    expect(Number(/Max-Age=(\d+)/.exec(chosen)?.[1])).toBeGreaterThanOrEqual(180 * 86_400)
    expect((await s.rig.fetch(browser, '/logout', formPost({}))).status).toBe(303)
    expect((await me(s.rig, browser)).status).toBe(401)
    const again = await tileLogin(s.rig, browser, sub)
    expect(again.asked).toBeUndefined()
    expect([again.callback.status, again.callback.headers.get('location')]).toEqual([
      302,
      `${publicOrigin}/app`,
    ])
    expect((await me(s.rig, browser)).status).toBe(200)
    s.tally.accepted()
  })

  it('only a matching choice skips the question: another user at the same connection is asked', async (ctx) => {
    const s = await scene({ ctx, area })
    s.rig.idp.addUser({ sub: 'okta-bob', email: `bob@${s.team.domain}`, email_verified: true })
    const browser = await expectSignedIn(s)
    await s.rig.fetch(browser, '/logout', formPost({}))
    const other = await tileLogin(s.rig, browser, 'okta-bob', undefined, { confirm: false })
    expect(await asksToConfirm(other.callback)).toBe(true)
    expect((await me(s.rig, browser)).status).toBe(401)
    // A copy of the choice in another browser (or a cookie signed for another purpose) proves nothing there.
    const stranger = new Browser()
    stranger.cookies.set(chosenCookie, browser.cookies.get(sessionCookie) ?? 'x.y')
    const fresh = await tileLogin(s.rig, stranger, sub, undefined, { confirm: false })
    expect(await asksToConfirm(fresh.callback)).toBe(true)
    s.tally.countRefused()
  })

  it('email login from our own page (the person typed their email) stays one step and is remembered', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = new Browser()
    const start = await s.rig.fetch(browser, '/sso/start', formPost({ email: s.email }))
    expect(start.status).toBe(302)
    const callback = await s.rig.fetch(
      browser,
      s.rig.idp.authorize(start.headers.get('location')!, sub),
    )
    expect([callback.status, callback.headers.get('location')]).toEqual([
      302,
      `${publicOrigin}/app`,
    ])
    expect((await me(s.rig, browser)).status).toBe(200)
    await s.rig.fetch(browser, '/logout', formPost({}))
    expect((await tileLogin(s.rig, browser, sub)).asked).toBeUndefined()
    s.tally.accepted()
  })
})

describe('/sso/confirm and "end all sessions"', () => {
  it('a login asked before support ended all sessions is refused when confirmed after it', async (ctx) => {
    const s = await scene({ ctx, area })
    await expectSignedIn(s) // Ada exists
    const browser = new Browser()
    const { callback } = await tileLogin(s.rig, browser, sub, undefined, { confirm: false })
    expect(await asksToConfirm(callback)).toBe(true)
    const [ada] = await query<{ id: string }>('select id from users where email = ?', s.email)
    s.advance(60_000)
    expect((await s.rig.admin('DELETE', `/admin/api/users/${ada!.id}/sessions`)).status).toBe(204)
    await s.tally.baseline()
    const confirmed = await s.rig.fetch(browser, '/sso/confirm', formPost({}))
    await s.tally.refused(confirmed, { status: 400, code: 'login_expired' })
    expect((await me(s.rig, browser)).status).toBe(401)
    expect(
      await query('select id from sessions where user_id = ? and revoked_at is null', ada!.id),
    ).toEqual([])
  })
})
