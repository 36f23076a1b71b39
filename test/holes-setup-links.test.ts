// Regression tests for the security review of d273349, R1, R9 and R10: a setup link sets SSO up once, a test
// sign-in marks only the values it tested, and its verdict names no other team.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import { createRuntime } from '../src/runtime'
import { Browser, formPost, me, publicOrigin, type Rig, unique } from './harness'
import { lastMailTo } from './mailbox'
import { register, tileLogin } from './logins'
import { query } from './rows'
import { addTeam, connectTeam, evilIdp, type Scene, scene, sub } from './scene'
import { routeFetch, TestIdp } from './idp/provider'

const area = 'Setup links (R1, R9, R10)'

const evilValues = (evil: TestIdp) => ({
  clientId: 'evil',
  clientSecret: 'evil-secret',
  issuer: evil.issuer,
})

async function mintLink(rig: Rig, teamId: string, email?: string) {
  const minted = await rig.admin(
    'POST',
    `/admin/api/teams/${teamId}/setup-links`,
    email ? { email } : undefined,
  )
  expect(minted.status).toBe(201)
  return ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
}

const post = (rig: Rig, browser: Browser, path: string, fields: Record<string, string>) =>
  rig.fetch(browser, path, formPost(fields))

const teamConnections = (teamId: string) =>
  query<{ id: string; issuer: string; status: string; enabled: number }>(
    'select id, issuer, status, enabled from sso_connections where team_id = ? order by created_at, id',
    teamId,
  )

const liveLinks = async (teamId: string) =>
  (
    await query<{ n: number }>(
      'select count(*) as n from setup_links where team_id = ? and revoked_at is null',
      teamId,
    )
  )[0]!.n

/** The Okta admin sets the real Okta up through `link`: values, a test sign-in as Ada, activation. */
async function setUpThroughLink(s: Scene, link: string) {
  const { rig, team } = s
  rig.idp.addClient({
    client_id: team.clientId,
    client_secret: team.clientSecret,
    redirect_uri: `${publicOrigin}/sso/callback`,
  })
  const okta = new Browser()
  const values = {
    clientId: team.clientId,
    clientSecret: team.clientSecret,
    issuer: rig.idp.issuer,
  }
  expect((await post(rig, okta, `${link}/connection`, values)).status).toBe(303)
  const [real] = await teamConnections(team.teamId)
  const start = await post(rig, okta, `${link}/test`, { connectionId: real!.id })
  await rig.fetch(okta, rig.idp.authorize(start.headers.get('location')!, sub))
  const activated = await post(rig, okta, `${link}/activate`, { connectionId: real!.id })
  return { real: real!, activated }
}

/** An SSO session of the team's owner through the rig's Okta (sub `okta-owner`). */
async function ownerSignedIn(s: Scene) {
  s.rig.idp.addUser({ sub: 'okta-owner', email: s.team.ownerEmail, email_verified: true })
  const owner = new Browser()
  expect((await tileLogin(s.rig, owner, 'okta-owner')).callback.status).toBe(303)
  return owner
}

/** A login through `idp` at the connection's own initiate URI. */
async function loginVia(rig: Rig, idp: TestIdp, person: string, connectionId: string) {
  const browser = new Browser()
  const initiate = await rig.fetch(browser, `/sso/initiate/${connectionId}`, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  expect(initiate.status).toBe(302)
  const callback = await rig.fetch(
    browser,
    idp.authorize(initiate.headers.get('location')!, person),
    {
      headers: { 'sec-fetch-site': 'cross-site' },
    },
  )
  return { browser, callback }
}

describe('R1: a setup link sets SSO up once', () => {
  it('R1: a 6-day-old setup link of a team already on SSO is one 404: no attacker IdP is saved, tested or activated', async (ctx) => {
    // Before: the link outlived activation; its holder added their own IdP, "tested" it, activated it and
    // signed in as the owner and every member.
    const evil = await evilIdp()
    const s = await scene({ ctx, area, connect: false, idps: [evil] })
    const { rig, team } = s
    const link = await mintLink(rig, team.teamId, 'it@customer.example')
    const { real, activated } = await setUpThroughLink(s, link)
    // The link's last page: SSO is on, the link works no more.
    expect(activated.status).toBe(200)
    const done = await activated.text()
    expect(done).toContain('data-testid="link-retired"')
    expect(done).toContain(`${publicOrigin}/sso/initiate/${real.id}`)
    expect(await liveLinks(team.teamId)).toBe(0)
    const [state] = (
      (await (await rig.admin('GET', `/admin/api/teams/${team.teamId}/setup-links`)).json()) as {
        setupLinks: { state: string }[]
      }
    ).setupLinks
    expect(state!.state).toBe('revoked')
    const owner = await ownerSignedIn(s)
    s.tally.accepted()

    // Six days later, whoever holds the link (a forwarded mail, a shared ticket) tries it.
    s.advance(6 * 86_400_000)
    evil.addUser({ sub: 'mallory', email: team.ownerEmail, email_verified: true })
    const attacker = new Browser()
    const before = await teamConnections(team.teamId)
    await s.tally.baseline()
    for (const [path, fields] of [
      [link, undefined],
      [`${link}/connection`, evilValues(evil)],
      [`${link}/test`, { connectionId: real.id }],
      [`${link}/activate`, { connectionId: real.id }],
    ] as const) {
      const answer = fields
        ? await post(rig, attacker, path, fields)
        : await rig.fetch(attacker, path)
      const { body } = await s.tally.refused(answer, { status: 404, code: 'setup_link_invalid' })
      expect(body).not.toContain(team.domain)
    }
    expect(await teamConnections(team.teamId)).toEqual(before)
    expect(before).toEqual([{ id: real.id, issuer: rig.idp.issuer, status: 'active', enabled: 1 }])
    // The owner's session is untouched, and so is their one identity.
    expect(((await (await me(rig, owner)).json()) as any).role).toBe('owner')
    const identities = await query<{ connection_id: string }>(
      'select i.connection_id from identities i join users u on u.id = i.user_id where u.email = ?',
      team.ownerEmail,
    )
    expect(identities).toEqual([{ connection_id: real.id }])
  })

  it('R1: a link minted after the team is on SSO is invalid from the start; support or the owner adds connections', async (ctx) => {
    // Before: any live link added and activated a further connection of a team already on SSO.
    const s = await scene({ ctx, area })
    const link = await mintLink(s.rig, s.team.teamId)
    await s.tally.baseline()
    await s.tally.refused(await s.rig.fetch(new Browser(), link), {
      status: 404,
      code: 'setup_link_invalid',
    })
    // While support has the team's only connection turned off, a new link works again.
    const path = `/admin/api/sso-connections/${s.team.connectionId}`
    await s.rig.admin('PATCH', path, { enabled: false })
    const second = await mintLink(s.rig, s.team.teamId)
    expect((await s.rig.fetch(new Browser(), second)).status).toBe(200)
    // Turning it on again retires every link of the team, for good.
    await s.rig.admin('PATCH', path, { enabled: true })
    expect(await liveLinks(s.team.teamId)).toBe(0)
    await s.rig.admin('PATCH', path, { enabled: false })
    await s.tally.refused(await s.rig.fetch(new Browser(), second), {
      status: 404,
      code: 'setup_link_invalid',
    })
  })

  it('R1: support creating a connection retires the team’s live setup links in its batch', async (ctx) => {
    // Before: links minted before support connected the team kept working for their 7 days.
    const s = await scene({ ctx, area, connect: false })
    const link = await mintLink(s.rig, s.team.teamId)
    expect((await s.rig.fetch(new Browser(), link)).status).toBe(200)
    await connectTeam(s.rig, s.team)
    expect(await liveLinks(s.team.teamId)).toBe(0)
    await s.rig.admin(
      'PATCH',
      `/admin/api/sso-connections/${(await teamConnections(s.team.teamId))[0]!.id}`,
      {
        enabled: false,
      },
    )
    await s.tally.baseline()
    await s.tally.refused(await s.rig.fetch(new Browser(), link), {
      status: 404,
      code: 'setup_link_invalid',
    })
  })

  it('R1b: an IdP the owner adds at /settings/sso cannot sign in as a member already linked at the first connection (identity_conflict); the owner is mailed the new connection', async (ctx) => {
    // Before: identity_conflict was checked per connection, so a second connection's IdP asserting a member's
    // email signed in as that member (and a team owner could impersonate anyone of the team).
    const evil = await evilIdp()
    const s = await scene({ ctx, area, idps: [evil] })
    const { rig, team } = s
    const ada = new Browser()
    expect((await tileLogin(rig, ada, sub)).callback.status).toBe(303)
    const owner = await ownerSignedIn(s)
    expect((await post(rig, owner, '/settings/sso/connection', evilValues(evil))).status).toBe(303)
    const [draft] = (await teamConnections(team.teamId)).filter((c) => c.status === 'draft')
    evil.addUser({ sub: 'new-hire', email: `new-hire@${team.domain}`, email_verified: true })
    const start = await post(rig, owner, '/settings/sso/test', { connectionId: draft!.id })
    const tested = await rig.fetch(
      owner,
      evil.authorize(start.headers.get('location')!, 'new-hire'),
    )
    expect(await tested.text()).toContain('data-outcome="passed"')
    const mailsBefore = rig.mails.length
    expect(
      (await post(rig, owner, '/settings/sso/activate', { connectionId: draft!.id })).status,
    ).toBe(303)
    const added = rig.mails.slice(mailsBefore)
    expect(added.map((m) => [m.to, m.subject])).toEqual([
      [team.ownerEmail, `A new single sign-on connection for Team ${team.domain}`],
    ])
    expect(added[0]!.text).toContain(evil.issuer)
    expect(added[0]!.text).toContain(`${publicOrigin}/sso/initiate/${draft!.id}`)

    // The new IdP asserts Ada's and the owner's emails: refused, nothing written, their sessions live on.
    evil.addUser({ sub: 'as-ada', email: s.email, email_verified: true })
    evil.addUser({ sub: 'as-owner', email: team.ownerEmail, email_verified: true })
    for (const person of ['as-ada', 'as-owner']) {
      await s.tally.baseline()
      const { browser, callback } = await loginVia(rig, evil, person, draft!.id)
      await s.tally.refused(callback, { status: 403, code: 'identity_conflict' })
      expect((await me(rig, browser)).status).toBe(401)
    }
    expect((await me(rig, ada)).status).toBe(200)
    expect((await me(rig, owner)).status).toBe(200)
    const links = await query<{ n: number }>(
      'select count(*) as n from identities where connection_id = ?',
      draft!.id,
    )
    expect(links[0]!.n).toBe(0)
  })
})

describe('R9: a test sign-in marks only the values it tested', () => {
  /** A second isolate of the worker over the same D1 (its own connection cache). */
  function otherIsolate(rig: Rig, ...idps: TestIdp[]) {
    const other = createApp(createRuntime({ fetch: routeFetch(rig.idp, ...idps) }))
    return async (browser: Browser, path: string, init: RequestInit) => {
      const headers = new Headers(init.headers)
      if (browser.cookies.size) headers.set('cookie', browser.header())
      headers.set('cf-connecting-ip', browser.ip)
      const ctx = createExecutionContext()
      const r = await other.fetch(
        new Request(new URL(path, publicOrigin), { ...init, headers, redirect: 'manual' }),
        rig.testEnv,
        ctx,
      )
      await waitOnExecutionContext(ctx)
      browser.remember(r)
      return r
    }
  }

  it('R9: values saved in another isolate while a test runs are not marked tested, and cannot be activated', async (ctx) => {
    // Before: the first isolate finished the test from its cached copy and marked the row, which now held
    // another team's Okta issuer and made-up credentials; activation turned them on.
    const evil = await evilIdp()
    const s = await scene({ ctx, area, idps: [evil] })
    const { rig } = s
    const attackerTeam = await addTeam(rig, { connect: false })
    const link = await mintLink(rig, attackerTeam.teamId)
    const viaOther = otherIsolate(rig, evil)
    const attacker = new Browser()
    expect((await post(rig, attacker, `${link}/connection`, evilValues(evil))).status).toBe(303)
    const [draft] = await teamConnections(attackerTeam.teamId)
    evil.addUser({ sub: 'm', email: attackerTeam.ownerEmail, email_verified: true })
    const start = await post(rig, attacker, `${link}/test`, { connectionId: draft!.id })
    const swapped = await viaOther(
      attacker,
      `${link}/connection`,
      formPost({ clientId: 'made-up', clientSecret: 'made-up', issuer: rig.idp.issuer }),
    )
    expect(swapped.status).toBe(303)
    await s.tally.baseline()
    const result = await rig.fetch(attacker, evil.authorize(start.headers.get('location')!, 'm'))
    await s.tally.refused(result, { status: 409, code: 'connection_changed' })
    expect(
      await query('select issuer, tested_at, status from sso_connections where id = ?', draft!.id),
    ).toEqual([{ issuer: rig.idp.issuer, tested_at: null, status: 'draft' }])
    await s.tally.refused(
      await post(rig, attacker, `${link}/activate`, { connectionId: draft!.id }),
      { status: 409, code: 'connection_untested' },
    )
    // The victim's tile is still theirs.
    expect((await tileLogin(rig, new Browser(), sub)).callback.status).toBe(303)
    s.tally.accepted()
  })

  it('R9: a new secret saved in another isolate during the test (same issuer) is not marked tested by the old one', async (ctx) => {
    // Before: the test's token exchange used the isolate's copy (the old, working secret), passed and
    // marked the row holding the new, never-tested secret.
    const evil = await evilIdp()
    const s = await scene({ ctx, area, connect: false, idps: [evil] })
    const { rig, team } = s
    const link = await mintLink(rig, team.teamId)
    const viaOther = otherIsolate(rig, evil)
    const admin = new Browser()
    expect((await post(rig, admin, `${link}/connection`, evilValues(evil))).status).toBe(303)
    const [draft] = await teamConnections(team.teamId)
    evil.addUser({ sub: 'it', email: `it@${team.domain}`, email_verified: true })
    // The first isolate caches the connection (a login start reads it), then a test starts there.
    await rig.fetch(new Browser(), `/sso/initiate/${draft!.id}`)
    const start = await post(rig, admin, `${link}/test`, { connectionId: draft!.id })
    const saved = await viaOther(
      admin,
      `${link}/connection`,
      formPost({ ...evilValues(evil), clientSecret: 'a-typo' }),
    )
    expect(saved.status).toBe(303)
    await s.tally.baseline()
    const result = await rig.fetch(admin, evil.authorize(start.headers.get('location')!, 'it'))
    await s.tally.refused(result, { status: 409, code: 'connection_changed' })
    const [row] = await query<{ tested_at: number | null }>(
      'select tested_at from sso_connections where id = ?',
      draft!.id,
    )
    expect(row!.tested_at).toBeNull()
    // A test started after the save goes through the saved values (and the typo fails it).
    const again = await post(rig, admin, `${link}/test`, { connectionId: draft!.id })
    const failed = await rig.fetch(admin, evil.authorize(again.headers.get('location')!, 'it'))
    await s.tally.refused(failed, { status: 400, code: 'code_rejected' })
  })

  it('R9: support changing a tested draft’s secret clears its test, so the new values need their own', async (ctx) => {
    // Before: PATCH clientSecret kept tested_at, and the draft was activated with a secret never tested.
    const s = await scene({ ctx, area, connect: false })
    const { rig, team } = s
    const link = await mintLink(rig, team.teamId)
    rig.idp.addClient({
      client_id: team.clientId,
      client_secret: team.clientSecret,
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const admin = new Browser()
    const values = {
      clientId: team.clientId,
      clientSecret: team.clientSecret,
      issuer: rig.idp.issuer,
    }
    expect((await post(rig, admin, `${link}/connection`, values)).status).toBe(303)
    const [draft] = await teamConnections(team.teamId)
    const start = await post(rig, admin, `${link}/test`, { connectionId: draft!.id })
    const passed = await rig.fetch(admin, rig.idp.authorize(start.headers.get('location')!, sub))
    expect(await passed.text()).toContain('data-outcome="passed"')
    const patched = await rig.admin('PATCH', `/admin/api/sso-connections/${draft!.id}`, {
      clientSecret: 'rotated-but-never-tested',
    })
    expect(((await patched.json()) as { testedAt: string | null }).testedAt).toBeNull()
    await s.tally.baseline()
    await s.tally.refused(await post(rig, admin, `${link}/activate`, { connectionId: draft!.id }), {
      status: 409,
      code: 'connection_untested',
    })
  })
})

describe('R10: the test sign-in’s verdict names no other team', () => {
  it('R10: a self-registered owner’s test sign-in reads every outsider as domain_not_allowed, members of other teams too', async (ctx) => {
    // Before: the verdict was member_of_another_team for a member of any team: a membership oracle for anyone.
    const evil = await evilIdp()
    const s = await scene({ ctx, area, connect: false, idps: [evil] })
    const { rig } = s
    const victimTeam = s.team // someone else's team; its owner is a member
    const boss = new Browser()
    const bossEmail = `${unique('boss')}@${unique('startup')}.example`
    await register(rig, boss, bossEmail)
    expect(
      (await post(rig, boss, '/team', { name: 'Probe', defaultPermission: 'private' })).status,
    ).toBe(303)
    expect((await post(rig, boss, '/settings/sso/connection', evilValues(evil))).status).toBe(303)
    const [draft] = await query<{ id: string }>(
      "select c.id from sso_connections c join memberships m on m.team_id = c.team_id join users u on u.id = m.user_id where u.email = ? and c.status = 'draft'",
      bossEmail,
    )
    const probe = async (email: string) => {
      const person = unique('p')
      evil.addUser({ sub: person, email, email_verified: true })
      const start = await post(rig, boss, '/settings/sso/test', { connectionId: draft!.id })
      const page = await (
        await rig.fetch(boss, evil.authorize(start.headers.get('location')!, person))
      ).text()
      return /data-testid="refusal-code">(\w+)</.exec(page)?.[1]
    }
    expect(await probe(victimTeam.ownerEmail)).toBe('domain_not_allowed')
    expect(await probe(`nobody@${victimTeam.domain}`)).toBe('domain_not_allowed')
    s.tally.countRefused()
    s.tally.countRefused()
    const events = await query<{ error_code: string }>(
      "select e.error_code from events e join sso_connections c on c.team_id = e.team_id where c.id = ? and e.action = 'setup_test' order by e.at",
      draft!.id,
    )
    expect(events.map((e) => e.error_code)).toEqual(['domain_not_allowed', 'domain_not_allowed'])
  })
})

describe('the owner is told when a connection is added', () => {
  it('support adding a second connection mails the owner naming it; the first one is "SSO is on"', async (ctx) => {
    const other = await TestIdp.create({ issuer: `https://${unique('acquired')}.okta.test` })
    const s = await scene({ ctx, area, idps: [other] })
    expect(lastMailTo(s.rig, s.team.ownerEmail).subject).toBe(`SSO is on for Team ${s.team.domain}`)
    const second = { ...s.team, clientId: unique('client'), clientSecret: unique('secret-') }
    const secondId = await connectTeam(s.rig, second, undefined, other)
    const mail = lastMailTo(s.rig, s.team.ownerEmail)
    expect(mail.subject).toBe(`A new single sign-on connection for Team ${s.team.domain}`)
    expect(mail.text).toContain(`${other.issuer} (client ID ${second.clientId})`)
    expect(mail.text).toContain(`${publicOrigin}/sso/initiate/${secondId}`)
    s.tally.accepted()
  })
})
