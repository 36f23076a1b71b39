// Setup without a support ticket: setup links, draft connections, the test sign-in, activation, /settings/sso.
import { describe, expect, it } from 'vitest'
import { adminToken, Browser, expectRefusal, formPost, me, publicOrigin, unique } from './harness'
import { lastMailTo } from './mailbox'
import { query } from './rows'
import { register, tileLogin } from './logins'
import { scene, sub, type Scene } from './scene'

/** A team support made without a connection, a link minted for it, and the IdP client its Okta admin made. */
async function linkScene(options: { email?: string } = {}) {
  const s = await scene({ connect: false })
  const minted = await s.rig.admin(
    'POST',
    `/admin/api/teams/${s.team.teamId}/setup-links`,
    options.email ? { email: options.email } : undefined,
  )
  expect(minted.status).toBe(201)
  const { url, expiresAt } = (await minted.json()) as { url: string; expiresAt: string }
  s.rig.idp.addClient({
    client_id: s.team.clientId,
    client_secret: s.team.clientSecret,
    redirect_uri: `${publicOrigin}/sso/callback`,
  })
  const admin = new Browser()
  return { ...s, url, expiresAt, path: url.slice(publicOrigin.length), admin }
}
type LinkScene = Awaited<ReturnType<typeof linkScene>>

/** The Okta admin enters the three values (a wrong secret when told) on the setup page. */
async function saveValues(s: LinkScene, secret = s.team.clientSecret) {
  const response = await s.rig.fetch(
    s.admin,
    `${s.path}/connection`,
    formPost({
      clientId: s.team.clientId,
      clientSecret: secret,
      issuer: `${s.rig.idp.issuer}/.well-known/openid-configuration`,
    }),
  )
  expect(response.status, await response.clone().text()).toBe(303)
  const [row] = await query<{ id: string; status: string; enabled: number; issuer: string }>(
    'select * from sso_connections where team_id = ?',
    s.team.teamId,
  )
  return row!
}

/** A test sign-in through `connectionId` as `person`: the result page at the callback. */
async function testSignIn(s: LinkScene, connectionId: string, person = sub) {
  const start = await s.rig.fetch(s.admin, `${s.path}/test`, formPost({ connectionId }))
  expect(start.status, await start.clone().text()).toBe(302)
  return s.rig.fetch(s.admin, s.rig.idp.authorize(start.headers.get('location')!, person), {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
}

const rowCounts = async () =>
  (
    await query<Record<string, number>>(
      'select (select count(*) from users) as users, (select count(*) from memberships) as memberships, (select count(*) from identities) as identities, (select count(*) from sessions) as sessions, (select count(*) from used_login_states) as used_states',
    )
  )[0]!

describe('setup links', () => {
  it('are minted for one team (201 url, expiresAt in 7 days), mailed when asked, listed and open the setup page', async () => {
    const s = await linkScene({ email: 'it@customer.example' })
    expect(s.url).toMatch(new RegExp(`^${publicOrigin}/setup/[\\w-]{43}$`))
    const days = (Date.parse(s.expiresAt) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(6.99)
    expect(days).toBeLessThanOrEqual(7)
    expect(lastMailTo(s.rig, 'it@customer.example').text).toContain(s.url)
    const token = s.path.split('/')[2]!
    const [stored] = await query<{ token_hash: string }>(
      'select token_hash from setup_links where team_id = ?',
      s.team.teamId,
    )
    expect(stored!.token_hash).not.toContain(token)
    const page = await s.rig.fetch(s.admin, s.path)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain(`Team ${s.team.domain}`)
    expect(html).toContain(`data-testid="redirect-uri">${publicOrigin}/sso/callback<`)
    expect(html).toContain(`data-testid="sign-out-uri">${publicOrigin}/<`)
    const list = await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}/setup-links`)
    expect(await list.json()).toMatchObject({
      setupLinks: [{ email: 'it@customer.example', expiresAt: s.expiresAt, state: 'live' }],
    })
    expect((await s.rig.admin('POST', '/admin/api/teams/nope/setup-links')).status).toBe(404)
  })

  it('a forged, an expired and a revoked link are one 404 that names no team, each with its event row', async () => {
    const s = await linkScene()
    const forged = `/setup/${'A'.repeat(43)}`
    const bodies: string[] = []
    const expectInvalid = async (path: string) => {
      const { body } = await expectRefusal(await s.rig.fetch(new Browser(), path), {
        status: 404,
        code: 'setup_link_invalid',
      })
      expect(body).not.toContain(s.team.domain)
      bodies.push(body.replace(/data-testid="reference-id">[\w-]+</, ''))
    }
    await expectInvalid(forged)
    await expectInvalid(`${forged}/connection`)
    await expectInvalid('/setup/short')
    s.advance(7 * 86_400_000 + 1000)
    await expectInvalid(s.path)
    s.advance(-(7 * 86_400_000 + 1000))
    expect((await s.rig.fetch(new Browser(), s.path)).status).toBe(200)
    const [link] = (
      (await (
        await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}/setup-links`)
      ).json()) as { setupLinks: { id: string }[] }
    ).setupLinks
    const revoke = `/admin/api/teams/${s.team.teamId}/setup-links/${link!.id}`
    expect((await s.rig.admin('DELETE', revoke)).status).toBe(204)
    expect((await s.rig.admin('DELETE', revoke)).status).toBe(404)
    await expectInvalid(s.path)
    await expectInvalid(`${s.path}/connection`)
    expect(new Set(bodies).size).toBe(1)
  })
})

describe('draft connections', () => {
  it('saving the values makes a disabled draft that logs nobody in and turns nothing on', async () => {
    const s = await linkScene()
    const draft = await saveValues(s)
    expect(draft).toMatchObject({ status: 'draft', enabled: 0, issuer: s.rig.idp.issuer })
    const page = await (await s.rig.fetch(s.admin, s.path)).text()
    expect(page).toContain(`data-testid="initiate-uri">${publicOrigin}/sso/initiate/${draft.id}<`)
    expect(page).toContain(`${publicOrigin}/sso/universal-logout/${draft.id}`)
    const byId = await tileLogin(s.rig, new Browser(), sub, `/sso/initiate/${draft.id}`)
    await expectRefusal(byId.initiate, { status: 403, code: 'connection_draft' })
    const byIssuer = await tileLogin(s.rig, new Browser(), sub)
    await expectRefusal(byIssuer.initiate, { status: 403, code: 'connection_draft' })
    const byEmail = await s.rig.fetch(new Browser(), '/sso/start', formPost({ email: s.email }))
    await expectRefusal(byEmail, { status: 403, code: 'connection_draft' })
    // Not SSO-only yet: registration in the team's domain still works.
    expect(
      (
        await s.rig.fetch(
          new Browser(),
          '/register',
          formPost({ email: `new@${s.team.domain}`, password: 'a good password' }),
        )
      ).status,
    ).toBe(303)
    const enable = await s.rig.admin('PATCH', `/admin/api/sso-connections/${draft.id}`, {
      enabled: true,
    })
    await expectRefusal(enable, { status: 409, code: 'connection_untested' })
    const team = (await (await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}`)).json()) as {
      connection: { status: string; enabled: boolean; testedAt: null }
    }
    expect(team.connection).toMatchObject({ status: 'draft', enabled: false, testedAt: null })
  })
})

describe('domain proof on the setup page', () => {
  it('adds a pending domain, shows its TXT record and verifies it with "check now"', async () => {
    const s = await linkScene()
    const domain = `${unique('proof')}.example`
    const added = await s.rig.fetch(s.admin, `${s.path}/domains`, formPost({ domain }))
    expect(added.status).toBe(303)
    const page = await (await s.rig.fetch(s.admin, s.path)).text()
    const value = /data-testid="dns-value-0">([^<]+)</.exec(page)![1]!
    expect(page).toContain(`data-testid="dns-name-0">_edge-sso.${domain}<`)
    const check = () => s.rig.fetch(s.admin, `${s.path}/domains/${domain}/verify`, formPost({}))
    await expectRefusal(await check(), { status: 409, code: 'domain_verification_failed' })
    s.rig.dns.set(`_edge-sso.${domain}`, [value])
    expect((await check()).status).toBe(303)
    const team = (await (await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}`)).json()) as {
      domains: string[]
    }
    expect(team.domains).toContain(domain)
  })
})

describe('test sign-in', () => {
  it('a wrong secret fails with a clear reason; the fixed secret passes and shows the claims; nothing is created', async () => {
    // What broke: an IdP refusing our credentials with 401 and a WWW-Authenticate challenge was 502 idp_unreachable.
    const s = await linkScene()
    const draft = await saveValues(s, 'a-wrong-secret')
    const before = await rowCounts()
    const failed = await testSignIn(s, draft.id)
    const { body } = await expectRefusal(failed, { status: 400, code: 'code_rejected' })
    expect(body).toContain('invalid_client')
    expect(body).toContain(`href="${s.path}"`)
    await saveValues(s)
    const passed = await testSignIn(s, draft.id)
    expect(passed.status).toBe(200)
    const html = await passed.text()
    expect(html).toContain('data-outcome="passed"')
    for (const shown of [sub, s.email, 'true', 'Ada', s.rig.idp.issuer, s.team.clientId])
      expect(html).toContain(`<code>${shown}</code>`)
    expect(passed.headers.get('set-cookie') ?? '').not.toContain('edge_sso_session')
    expect({ ...(await rowCounts()), used_states: 0 }).toEqual({ ...before, used_states: 0 })
    expect((await me(s.rig, s.admin)).status).toBe(401)
    const [row] = await query<{ tested_at: number | null; status: string }>(
      'select tested_at, status from sso_connections where id = ?',
      draft.id,
    )
    expect(row).toMatchObject({ tested_at: expect.any(Number), status: 'draft' })
    const events = await query<{ action: string; outcome: string; error_code: string | null }>(
      "select action, outcome, error_code from events where team_id = ? and action = 'setup_test' order by at",
      s.team.teamId,
    )
    expect(events).toEqual([
      { action: 'setup_test', outcome: 'refused', error_code: 'code_rejected' },
      { action: 'setup_test', outcome: 'success', error_code: null },
    ])
  })

  it('shows why a real login would be refused (domain_not_allowed) and records no successful test', async () => {
    const s = await linkScene()
    const draft = await saveValues(s)
    s.rig.idp.addUser({ sub: 'okta-out', email: 'eve@elsewhere.example', email_verified: true })
    const before = await rowCounts()
    const result = await testSignIn(s, draft.id, 'okta-out')
    const html = await result.text()
    expect([result.status, html]).toEqual([200, expect.stringContaining('data-outcome="refused"')])
    expect(html).toContain('data-testid="refusal-code">domain_not_allowed<')
    expect(html).toContain('<code>eve@elsewhere.example</code>')
    expect({ ...(await rowCounts()), used_states: 0 }).toEqual({ ...before, used_states: 0 })
    const [row] = await query<{ tested_at: number | null }>(
      'select tested_at from sso_connections where id = ?',
      draft.id,
    )
    expect(row!.tested_at).toBeNull()
  })
})

describe('activation', () => {
  it('only after a successful test: then SSO-only begins, the link is retired, the owner is mailed, events name the step, a member signs in', async () => {
    const s = await linkScene({ email: 'it@customer.example' })
    const draft = await saveValues(s)
    const activate = () =>
      s.rig.fetch(s.admin, `${s.path}/activate`, formPost({ connectionId: draft.id }))
    const early = await activate()
    const { body } = await expectRefusal(early, { status: 409, code: 'connection_untested' })
    expect(body).toContain(`href="${s.path}"`)
    expect((await testSignIn(s, draft.id)).status).toBe(200)
    // A link sets SSO up once: activation answers its last page, and the link is retired with it.
    const done = await activate()
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('data-testid="link-retired"')
    await expectRefusal(await s.rig.fetch(s.admin, s.path), {
      status: 404,
      code: 'setup_link_invalid',
    })
    const [row] = await query<{ status: string; enabled: number }>(
      'select status, enabled from sso_connections where id = ?',
      draft.id,
    )
    expect(row).toEqual({ status: 'active', enabled: 1 })
    expect(lastMailTo(s.rig, s.team.ownerEmail).subject).toBe(`SSO is on for Team ${s.team.domain}`)
    const events = await query<{ email: string | null }>(
      "select email from events where team_id = ? and action = 'setup_activate' and outcome = 'success'",
      s.team.teamId,
    )
    expect(events).toEqual([{ email: 'it@customer.example' }])
    const register = await s.rig.fetch(
      new Browser(),
      '/register',
      formPost({ email: `late@${s.team.domain}`, password: 'a good password' }),
    )
    await expectRefusal(register, { status: 403, code: 'sso_required' })
    const member = new Browser()
    const { callback } = await tileLogin(s.rig, member, sub, `/sso/initiate/${draft.id}`)
    expect(callback.status).toBe(303)
    expect(((await (await me(s.rig, member)).json()) as any).team.id).toBe(s.team.teamId)
  })
})

/** The console's page as signed-in support sees it. */
async function signInToConsole(s: Scene) {
  const support = new Browser()
  await s.rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
  return (await s.rig.fetch(support, `/admin?team=${s.team.teamId}`)).text()
}

describe('/settings/sso', () => {
  /** The scene's owner with a password session (owner by support, then a reset sets a password). */
  async function ownerScene(): Promise<Scene & { owner: Browser }> {
    const s = await scene({ connect: false, defaultPermission: 'public' })
    const owner = new Browser()
    await s.rig.fetch(owner, '/password/forgot', formPost({ email: s.team.ownerEmail }))
    const reset = lastMailTo(s.rig, s.team.ownerEmail).text.match(/\/password\/reset\/[\w-]+/)![0]
    await s.rig.fetch(owner, reset, formPost({ password: 'the owner password' }))
    const login = await s.rig.fetch(
      owner,
      '/login/password',
      formPost({ email: s.team.ownerEmail, password: 'the owner password' }),
    )
    expect(login.status).toBe(303)
    return { ...s, owner }
  }

  it('runs the same flow for the owner: values, test sign-in back to /settings/sso, activation recorded under the owner', async () => {
    const s = await ownerScene()
    s.rig.idp.addClient({
      client_id: s.team.clientId,
      client_secret: s.team.clientSecret,
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const saved = await s.rig.fetch(
      s.owner,
      '/settings/sso/connection',
      formPost({
        clientId: s.team.clientId,
        clientSecret: s.team.clientSecret,
        issuer: s.rig.idp.issuer,
      }),
    )
    expect(saved.headers.get('location')).toBe('/settings/sso?done=saved#okta-finish')
    const [draft] = await query<{ id: string }>(
      "select id from sso_connections where team_id = ? and status = 'draft'",
      s.team.teamId,
    )
    const start = await s.rig.fetch(
      s.owner,
      '/settings/sso/test',
      formPost({ connectionId: draft!.id }),
    )
    const result = await s.rig.fetch(
      s.owner,
      s.rig.idp.authorize(start.headers.get('location')!, sub),
    )
    const html = await result.text()
    expect(html).toContain('data-outcome="passed"')
    expect(html).toContain('href="/settings/sso"')
    const consolePage = await signInToConsole(s)
    expect(consolePage).toContain('data-testid="draft-note"')
    const activated = await s.rig.fetch(
      s.owner,
      '/settings/sso/activate',
      formPost({ connectionId: draft!.id }),
    )
    expect(activated.status).toBe(303)
    expect(
      await query(
        "select email from events where team_id = ? and action = 'setup_activate'",
        s.team.teamId,
      ),
    ).toEqual([{ email: s.team.ownerEmail }])
  })

  it('is the team owner’s: the setup page for their team; a signed-in non-owner gets a 403 page', async () => {
    const s = await ownerScene()
    const page = await s.rig.fetch(s.owner, '/settings/sso')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(`Set up single sign-on for Team ${s.team.domain}`)
    const stranger = new Browser()
    await register(s.rig, stranger, `${unique('solo')}@solo.example`)
    await expectRefusal(await s.rig.fetch(stranger, '/settings/sso'), {
      status: 403,
      code: 'owner_only',
    })
    const connections = () => query('select id, status, client_id from sso_connections')
    const before = await connections()
    const values = { clientId: 'x', clientSecret: 'y', issuer: s.rig.idp.issuer }
    await expectRefusal(await s.rig.fetch(stranger, '/settings/sso/connection', formPost(values)), {
      status: 403,
      code: 'owner_only',
    })
    expect(await connections()).toEqual(before)
    const signedOut = await s.rig.fetch(new Browser(), '/settings/sso')
    expect(signedOut.headers.get('location')).toBe('/?return_to=%2Fsettings%2Fsso')
    await expectRefusal(
      await s.rig.fetch(new Browser(), '/settings/sso/connection', formPost({})),
      { status: 401, code: 'unauthorized' },
    )
  })
})
