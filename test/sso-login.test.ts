// Tile and email login end to end against the in-test IdP: JIT members, sessions, events, refusals.
import { describe, expect, it } from 'vitest'
import { Browser, expectRefusal, formPost, me, publicOrigin } from './harness'
import { query } from './rows'
import { tileLogin } from './logins'
import { addTeam, initiatePath, pendingLogin, scene, sub } from './scene'

describe('Okta tile login (third-party initiated)', () => {
  it('creates a just-in-time member with the team default permission and signs them in', async () => {
    const { rig, team } = await scene({ defaultPermission: 'public' })
    rig.idp.addUser({
      sub: 'okta-1',
      email: `Ada@${team.domain.toUpperCase()}`,
      email_verified: true,
      name: 'Ada',
    })
    const browser = new Browser()
    const { initiate, callback } = await tileLogin(rig, browser, 'okta-1')
    const authorize = new URL(initiate.headers.get('location')!)
    expect(authorize.origin + authorize.pathname).toBe(`${rig.idp.issuer}/v1/authorize`)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(callback.status).toBe(303)
    expect(callback.headers.get('location')).toBe(`${publicOrigin}/app`)
    const users = await query<{ id: string; email: string; name: string }>(
      'select * from users where email = ?',
      `ada@${team.domain}`,
    )
    expect(users).toHaveLength(1)
    const [membership] = await query<{ team_id: string; permission: string; role: string }>(
      'select * from memberships where user_id = ?',
      users[0]!.id,
    )
    expect(membership).toMatchObject({ team_id: team.teamId, permission: 'public', role: 'member' })
    const body = await (await me(rig, browser)).json()
    expect(body).toEqual({
      user: { id: users[0]!.id, email: `ada@${team.domain}`, name: 'Ada', emailVerified: true },
      team: { id: team.teamId, name: `Team ${team.domain}` },
      authMethod: 'sso',
      role: 'member',
    })
    const events = await query<{ outcome: string; action: string }>(
      'select * from events where team_id = ? and kind = ? order by at',
      team.teamId,
      'login',
    )
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['sso_callback', 'success'],
      ['sso_confirm', 'success'],
    ])
  })
})

const countRows = async () => {
  const [row] = await query<Record<string, number>>(
    'select (select count(*) from users) as users, (select count(*) from memberships) as memberships, (select count(*) from identities) as identities, (select count(*) from sessions) as sessions',
  )
  return row!
}

describe('tile login, more', () => {
  it('signs a returning member in through the (connection, sub) link with one token fetch', async () => {
    const { rig, team } = await scene()
    rig.idp.addUser({
      sub: 'okta-2',
      email: `grace@${team.domain}`,
      email_verified: true,
      name: 'Grace',
    })
    await tileLogin(rig, new Browser(), 'okta-2')
    const [identity] = await query<{ subject: string; user_id: string }>(
      'select * from identities where connection_id = ?',
      team.connectionId,
    )
    expect(identity).toMatchObject({ subject: 'okta-2' })
    const browser = new Browser()
    rig.resetCounters()
    const { callback } = await tileLogin(rig, browser, 'okta-2')
    expect(callback.status).toBe(303)
    expect(rig.counters.upstream).toBe(1)
    expect(((await (await me(rig, browser)).json()) as any).user.id).toBe(identity!.user_id)
    expect(await query('select * from users where email = ?', `grace@${team.domain}`)).toHaveLength(
      1,
    )
  })

  it('passes login_hint on, honours a same-origin target_link_uri and ignores a foreign one', async () => {
    const { rig, team } = await scene()
    rig.idp.addUser({ sub: 'okta-3', email: `lin@${team.domain}`, email_verified: true })
    const iss = encodeURIComponent(rig.idp.issuer)
    const own = await tileLogin(
      rig,
      new Browser(),
      'okta-3',
      `/sso/initiate?iss=${iss}&login_hint=lin%40x.example&target_link_uri=${encodeURIComponent(`${publicOrigin}/app?tab=1`)}`,
    )
    expect(new URL(own.initiate.headers.get('location')!).searchParams.get('login_hint')).toBe(
      'lin@x.example',
    )
    expect(own.callback.headers.get('location')).toBe('/app?tab=1')
    const foreign = await tileLogin(
      rig,
      new Browser(),
      'okta-3',
      `/sso/initiate?iss=${iss}&target_link_uri=${encodeURIComponent('https://evil.example/steal')}`,
    )
    expect(foreign.callback.headers.get('location')).toBe(`${publicOrigin}/app`)
  })

  it('accepts the initiation as a cross-site POST (form_post style) and by connection id', async () => {
    const { rig, team } = await scene()
    const browser = new Browser()
    const posted = await rig.fetch(
      browser,
      '/sso/initiate',
      formPost({ iss: rig.idp.issuer }, { 'sec-fetch-site': 'cross-site', origin: rig.idp.issuer }),
    )
    expect(posted.status).toBe(302)
    rig.idp.addUser({ sub: 'okta-4', email: `kai@${team.domain}`, email_verified: true })
    const { callback } = await tileLogin(
      rig,
      new Browser(),
      'okta-4',
      `/sso/initiate/${team.connectionId}?iss=${encodeURIComponent(rig.idp.issuer)}`,
    )
    expect(callback.status).toBe(303)
  })

  it('refuses an unknown iss or connection with a 4xx page and never redirects', async () => {
    const { rig, team } = await scene()
    await expectRefusal(
      await rig.fetch(new Browser(), '/sso/initiate?iss=https%3A%2F%2Funknown.example.test'),
      { status: 404, code: 'unknown_issuer' },
    )
    await expectRefusal(await rig.fetch(new Browser(), '/sso/initiate/nope'), {
      status: 404,
      code: 'unknown_connection',
    })
    // An id is looked up as it came, never cut to length: a real id with anything appended is no id.
    const padded = `/sso/initiate/${team.connectionId}${'x'.repeat(64 - team.connectionId.length)}y`
    await expectRefusal(await rig.fetch(new Browser(), padded), {
      status: 404,
      code: 'unknown_connection',
    })
    await expectRefusal(await rig.fetch(new Browser(), '/sso/initiate'), {
      status: 400,
      code: 'invalid_request',
    })
  })

  it('refuses a disabled connection at initiate', async () => {
    const { rig, team } = await scene()
    await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: false })
    await expectRefusal(
      await rig.fetch(new Browser(), `/sso/initiate?iss=${encodeURIComponent(rig.idp.issuer)}`),
      { status: 403, code: 'connection_disabled' },
    )
  })

  it('refuses a member of another team with a clear page, writing nothing but the event', async () => {
    const { rig, team: first } = await scene()
    const email = `mia@${first.domain}`
    await rig.admin('POST', '/admin/api/teams', {
      name: 'Mia’s own',
      ownerEmail: email,
      domains: [`mia.${first.domain}`],
    })
    rig.idp.addUser({ sub: 'okta-mia', email, email_verified: true })
    const before = await countRows()
    const { callback } = await tileLogin(rig, new Browser(), 'okta-mia')
    await expectRefusal(callback, { status: 403, code: 'member_of_another_team' })
    expect(await countRows()).toEqual(before)
    expect(
      callback.headers
        .getSetCookie()
        .some((c) => c.startsWith('__Host-edge_sso_session=') && !/max-age=0/i.test(c)),
    ).toBe(false)
  })

  it('adds an existing teamless user of the team’s domain, and refuses other domains and unverified emails', async () => {
    const { rig, team } = await scene()
    const email = `noor@${team.domain}`
    // The second stage refuses /register for a domain whose team has SSO on: register while it is off.
    const connection = `/admin/api/sso-connections/${team.connectionId}`
    await rig.admin('PATCH', connection, { enabled: false })
    const register = await rig.fetch(
      new Browser(),
      '/register',
      formPost({ email, password: 'correct horse battery', name: 'Noor' }),
    )
    expect(register.status).toBe(303)
    await rig.admin('PATCH', connection, { enabled: true })
    rig.idp.addUser({ sub: 'okta-noor', email: email.toUpperCase(), email_verified: true })
    expect((await tileLogin(rig, new Browser(), 'okta-noor')).callback.status).toBe(303)
    const [member] = await query<{ team_id: string; password_hash: string | null }>(
      'select m.team_id, u.password_hash from memberships m join users u on u.id = m.user_id where u.email = ?',
      email,
    )
    expect(member).toEqual({ team_id: team.teamId, password_hash: null })

    rig.idp.addUser({ sub: 'okta-out', email: 'out@elsewhere.example', email_verified: true })
    rig.idp.addUser({ sub: 'okta-unv', email: 'unv@elsewhere.example', email_verified: false })
    const before = await countRows()
    await expectRefusal((await tileLogin(rig, new Browser(), 'okta-out')).callback, {
      status: 403,
      code: 'domain_not_allowed',
    })
    await expectRefusal((await tileLogin(rig, new Browser(), 'okta-unv')).callback, {
      status: 403,
      code: 'email_unverified',
    })
    expect(await countRows()).toEqual(before)
  })

  it('fetches /userinfo only when the thin ID token lacks the email, and uses client_secret_post when configured', async () => {
    const { rig, team } = await scene({ authMethod: 'client_secret_post' })
    rig.idp.addUser({
      sub: 'okta-thin',
      email: `thin@${team.domain}`,
      email_verified: true,
      name: 'Thin',
    })
    rig.idp.behaviour.thinIdToken = true
    const { callback } = await tileLogin(rig, new Browser(), 'okta-thin')
    expect(callback.status).toBe(303)
    expect(rig.idp.count('userinfo')).toBe(1)
    expect(await query('select name from users where email = ?', `thin@${team.domain}`)).toEqual([
      { name: 'Thin' },
    ])
  })
})

describe('email login (app-initiated)', () => {
  it('picks the team by the email’s domain, passes the email as login_hint and returns to return_to', async () => {
    const { rig, team } = await scene()
    rig.idp.addUser({ sub: 'okta-e', email: `eve@${team.domain}`, email_verified: true })
    const browser = new Browser()
    const start = await rig.fetch(
      browser,
      '/sso/start',
      formPost({ email: `Eve@${team.domain.toUpperCase()}`, return_to: '/app?from=login' }),
    )
    expect(start.status).toBe(302)
    const location = new URL(start.headers.get('location')!)
    expect(location.searchParams.get('login_hint')).toBe(`eve@${team.domain}`)
    const callback = await rig.fetch(browser, rig.idp.authorize(location.href, 'okta-e'))
    expect(callback.headers.get('location')).toBe('/app?from=login')
    expect(((await (await me(rig, browser)).json()) as any).team.id).toBe(team.teamId)
  })

  it('refuses a domain without SSO, and a cross-site post', async () => {
    const { rig } = await scene()
    await expectRefusal(
      await rig.fetch(new Browser(), '/sso/start?email=someone%40no-sso.example'),
      { status: 404, code: 'no_sso_for_domain' },
    )
    const crossSite = await rig.fetch(
      new Browser(),
      '/sso/start',
      formPost(
        { email: 'a@b.example' },
        { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      ),
    )
    await expectRefusal(crossSite, { status: 403, code: 'csrf_refused' })
  })
})

describe('round trips per step (warm caches)', () => {
  it('initiate: 0 upstream, 1 D1; callback: 1 upstream, 2 D1 before the response and 1 after; /api/me: 0 and 0, at the recheck 0 and 1', async () => {
    const s = await scene()
    const { rig } = s
    // Ada signs in (and out) in this browser first, so her next tile login here is not asked again.
    const signedOut = new Browser()
    await tileLogin(rig, signedOut, 'okta-ada')
    await rig.fetch(signedOut, '/logout', formPost({}))
    const roundTrips = () => ({
      upstream: rig.counters.upstream,
      d1: rig.counters.d1 - rig.counters.d1AfterResponse,
      d1AfterResponse: rig.counters.d1AfterResponse,
      kv: rig.counters.kvReads,
    })
    rig.resetCounters()
    // Initiate: the connection by issuer, from the nearest replica.
    const { browser, callbackUrl } = await pendingLogin(s, sub, initiatePath(s), signedOut)
    expect(roundTrips()).toEqual({ upstream: 0, d1: 1, d1AfterResponse: 0, kv: 0 })
    rig.resetCounters()
    // A returning user's callback, on the critical path: the state spent on the primary (sent beside the
    // token request, so it adds no wait of its own) and the login facts from a replica at least that fresh.
    // After the response: one batch with the session row, the event and the connection's last login.
    expect((await rig.fetch(browser, callbackUrl)).status).toBe(302)
    expect(roundTrips()).toEqual({ upstream: 1, d1: 2, d1AfterResponse: 1, kv: 0 })
    rig.resetCounters()
    for (let i = 0; i < 5; i++) expect((await me(rig, browser)).status).toBe(200)
    expect({ upstream: rig.counters.upstream, d1: rig.counters.d1 }).toEqual({ upstream: 0, d1: 0 })
    // Once the recheck interval has passed: one D1 statement re-reads the session, standing and connection.
    s.advance(61_000)
    rig.resetCounters()
    expect((await me(rig, browser)).status).toBe(200)
    expect(roundTrips()).toEqual({ upstream: 0, d1: 1, d1AfterResponse: 0, kv: 0 })
  })

  it('a first login (just in time) writes its user, membership and identity before it answers (its session once confirmed)', async () => {
    const s = await scene()
    const { browser, callbackUrl } = await pendingLogin(s)
    s.rig.resetCounters()
    expect((await s.rig.fetch(browser, callbackUrl)).status).toBe(200) // "Continue as …?"
    // The state spent (beside the token request), the facts read, the provisioning batch; nothing after.
    expect({ d1: s.rig.counters.d1, after: s.rig.counters.d1AfterResponse }).toEqual({
      d1: 3,
      after: 0,
    })
  })
})

describe('one Okta org, two teams', () => {
  it('answers the bare issuer, ambiguous, with the work-email form and signs each team in through its own initiate login URI', async () => {
    const { rig, team: first } = await scene()
    const second = await addTeam(rig)
    const bare = await rig.fetch(
      new Browser(),
      `/sso/initiate?iss=${encodeURIComponent(rig.idp.issuer)}`,
    )
    expect(bare.status).toBe(200)
    expect(await bare.text()).toContain('action="/sso/start"')
    for (const team of [first, second]) {
      rig.idp.addUser({
        sub: `okta-${team.teamId}`,
        email: `kim@${team.domain}`,
        email_verified: true,
      })
      const browser = new Browser()
      const path = `/sso/initiate/${team.connectionId}?iss=${encodeURIComponent(rig.idp.issuer)}`
      const { initiate, callback } = await tileLogin(rig, browser, `okta-${team.teamId}`, path)
      expect(new URL(initiate.headers.get('location')!).searchParams.get('client_id')).toBe(
        team.clientId,
      )
      expect(callback.status).toBe(303)
      expect(((await (await me(rig, browser)).json()) as any).team.id).toBe(team.teamId)
    }
  })
})
