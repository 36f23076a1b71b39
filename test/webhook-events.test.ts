// Which webhook events each path emits: JIT, SCIM, support, owner, Universal Logout and logout, driven for real.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, formPost, publicOrigin, unique } from './harness'
import { query } from './rows'
import { pendingLogin, scene, sub, type Scene } from './scene'
import { register, tileLogin } from './logins'
import { byEmail, logoutRequest, signedLogoutToken } from './logout-requests'
import { oktaUser, patch, scimClient } from './scim-helpers'
import { createHostApp } from '../examples/host-app/src/index'
import { drain, Receiver, webhookVars } from './webhooks'

interface World {
  s: Scene
  receiver: Receiver
}

async function world(ctx: TestContext, options: { connect?: boolean } = {}): Promise<World> {
  const s = await scene({ ctx, area: 'Webhooks', vars: webhookVars, ...options })
  const receiver = new Receiver(s.rig)
  await drain(s.rig)
  return { s, receiver }
}

/**
 * What `step` made the host app hear (delivered through the queue, signatures verified), as "type via",
 * sorted: one change's events are delivered side by side.
 */
async function heard(w: World, step: () => Promise<unknown>) {
  await drain(w.s.rig)
  const before = w.receiver.delivered.size
  await step()
  await drain(w.s.rig)
  return w.receiver.types().slice(before).sort()
}

/** Ada signs in from the Okta tile (the first time: JIT) and is the team's member; her user id. */
async function signedIn(w: World, browser = new Browser()) {
  const { callback } = await tileLogin(w.s.rig, browser, sub)
  expect(callback.status).toBeLessThan(400)
  const [user] = await query<{ id: string }>('select id from users where email = ?', w.s.email)
  return user!.id
}

/** The data of the last event delivered (for steps that emit one). */
const lastData = (w: World) => [...w.receiver.delivered.values()].at(-1)!.data

describe('webhook events by path', () => {
  it('JIT: a first SSO login emits member.joined (via jit), a returning one nothing', async (ctx) => {
    const w = await world(ctx)
    expect(await heard(w, () => signedIn(w))).toEqual(['member.joined jit'])
    const [user] = await query<{ id: string }>('select id from users where email = ?', w.s.email)
    expect(lastData(w)).toEqual({
      teamId: w.s.team.teamId,
      userId: user!.id,
      via: 'jit',
      email: w.s.email,
      name: 'Ada',
    })
    expect(await heard(w, () => signedIn(w))).toEqual([])
  })

  it('JIT: a login whose groups claim changes the role emits member.updated with the role, once', async (ctx) => {
    const w = await world(ctx)
    const adminGroup = 'Acme Admins'
    const team = `/admin/api/teams/${w.s.team.teamId}`
    expect((await w.s.rig.admin('PATCH', team, { adminGroup })).status).toBe(200)
    w.s.rig.idp.addUser({ sub, email: w.s.email, email_verified: true, name: 'Ada', groups: [] })
    expect(await heard(w, () => signedIn(w))).toEqual(['member.joined jit'])
    w.s.rig.idp.addUser({ sub, email: w.s.email, email_verified: true, groups: [adminGroup] })
    expect(await heard(w, () => signedIn(w))).toEqual(['member.updated jit'])
    expect(lastData(w)).toMatchObject({ teamId: w.s.team.teamId, via: 'jit', role: 'admin' })
    expect(await heard(w, () => signedIn(w)), 'the same role again').toEqual([])
  })

  it('SCIM: provision, update, deactivate, reactivate, delete each emit theirs (via scim)', async (ctx) => {
    const w = await world(ctx)
    const scim = await scimClient(w.s.rig, w.s.team.connectionId)
    const email = `grace@${w.s.team.domain}`
    let id = ''
    expect(
      await heard(w, async () => {
        const created = await scim('POST', '/Users', oktaUser(email, 'Grace', 'Hopper'))
        expect(created.status).toBe(201)
        id = ((await created.json()) as { id: string }).id
      }),
    ).toEqual(['member.joined scim'])
    expect(lastData(w)).toMatchObject({ teamId: w.s.team.teamId, userId: id, email })
    const rename = patch({ op: 'replace', path: 'displayName', value: 'Rear Admiral Hopper' })
    expect(await heard(w, () => scim('PATCH', `/Users/${id}`, rename))).toEqual([
      'member.updated scim',
    ])
    expect(lastData(w)).toMatchObject({ userId: id, name: 'Rear Admiral Hopper' })
    const off = patch({ op: 'replace', value: { active: false } })
    expect(await heard(w, () => scim('PATCH', `/Users/${id}`, off))).toEqual([
      'member.deactivated scim',
      'sessions.revoked scim',
    ])
    const on = patch({ op: 'replace', value: { active: true } })
    expect(await heard(w, () => scim('PATCH', `/Users/${id}`, on))).toEqual([
      'member.reactivated scim',
    ])
    expect(await heard(w, () => scim('DELETE', `/Users/${id}`))).toEqual([
      'member.removed scim',
      'sessions.revoked scim',
    ])
  })

  it('SCIM: a refused request (another team’s domain) emits nothing and writes no outbox row', async (ctx) => {
    const w = await world(ctx)
    const scim = await scimClient(w.s.rig, w.s.team.connectionId)
    const before = await outboxRows(w)
    expect(
      await heard(w, async () => {
        const refused = await scim('POST', '/Users', oktaUser('someone@elsewhere.example'))
        expect(refused.status).toBe(400)
      }),
    ).toEqual([])
    expect(await outboxRows(w)).toBe(before)
  })

  it('support: removing a member, ending sessions, disabling, enabling and deleting a connection (via support)', async (ctx) => {
    const w = await world(ctx)
    const { rig, team } = w.s
    const userId = await signedIn(w)
    expect(
      await heard(w, () => rig.admin('DELETE', `/admin/api/users/${userId}/sessions`)),
    ).toEqual(['sessions.revoked support'])
    expect(
      await heard(w, () =>
        rig.admin('DELETE', `/admin/api/teams/${team.teamId}/members/${userId}`),
      ),
    ).toEqual(['member.removed support', 'sessions.revoked support'])
    const connection = `/admin/api/sso-connections/${team.connectionId}`
    expect(await heard(w, () => rig.admin('PATCH', connection, { enabled: false }))).toEqual([
      'connection.disabled support',
    ])
    expect(lastData(w)).toEqual({
      teamId: team.teamId,
      via: 'support',
      connectionId: team.connectionId,
    })
    // Disabling again changes nothing, so nothing is heard.
    expect(await heard(w, () => rig.admin('PATCH', connection, { enabled: false }))).toEqual([])
    expect(await heard(w, () => rig.admin('PATCH', connection, { enabled: true }))).toEqual([
      'connection.activated support',
    ])
    expect(await heard(w, () => rig.admin('DELETE', connection))).toEqual([
      'connection.deleted support',
    ])
  })

  it('support: a new connection is activated at once (via support)', async (ctx) => {
    const w = await world(ctx, { connect: false })
    const { rig, team } = w.s
    rig.idp.addClient({
      client_id: team.clientId,
      client_secret: team.clientSecret,
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const types = await heard(w, async () => {
      const created = await rig.admin('POST', '/admin/api/sso-connections', {
        ownerEmail: team.ownerEmail,
        clientId: team.clientId,
        clientSecret: team.clientSecret,
        issuer: rig.idp.issuer,
      })
      expect(created.status).toBe(201)
    })
    expect(types).toEqual(['connection.activated support'])
  })

  it('owner: activating a tested draft through a setup link emits connection.activated (via owner)', async (ctx) => {
    const w = await world(ctx, { connect: false })
    const { rig, team } = w.s
    const minted = await rig.admin('POST', `/admin/api/teams/${team.teamId}/setup-links`)
    const path = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
    rig.idp.addClient({
      client_id: team.clientId,
      client_secret: team.clientSecret,
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const admin = new Browser()
    const values = { clientId: team.clientId, clientSecret: team.clientSecret }
    const saved = await rig.fetch(
      admin,
      `${path}/connection`,
      formPost({ ...values, issuer: rig.idp.issuer }),
    )
    expect(saved.status).toBe(303)
    const [draft] = await query<{ id: string }>(
      'select id from sso_connections where team_id = ?',
      team.teamId,
    )
    const start = await rig.fetch(admin, `${path}/test`, formPost({ connectionId: draft!.id }))
    const tested = await rig.fetch(admin, rig.idp.authorize(start.headers.get('location')!, sub), {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    expect(tested.status).toBe(200)
    // Not yet tested it could not be activated; now it is, once.
    const activate = () =>
      rig.fetch(admin, `${path}/activate`, formPost({ connectionId: draft!.id }))
    expect(await heard(w, activate)).toEqual(['connection.activated owner'])
    expect(lastData(w)).toMatchObject({ connectionId: draft!.id })
  })

  it('a new team’s owner joins it: support’s team (via support), one made from /app (via owner)', async (ctx) => {
    const w = await world(ctx, { connect: false })
    const { rig } = w.s
    const domain = `${unique('hooks')}.example`
    const types = await heard(w, async () => {
      const team = await rig.admin('POST', '/admin/api/teams', {
        name: 'Hooks Co',
        ownerEmail: `boss@${domain}`,
        defaultPermission: 'private',
      })
      expect(team.status).toBe(201)
    })
    expect(types).toEqual(['member.joined support'])
    expect(lastData(w)).toMatchObject({ email: `boss@${domain}`, role: 'owner' })
    const owner = new Browser()
    await register(rig, owner, `olive@${unique('own')}.example`)
    const own = () =>
      rig.fetch(owner, '/team', formPost({ name: 'Olive Co', defaultPermission: 'public' }))
    expect(await heard(w, own)).toEqual(['member.joined owner'])
  })

  it('Universal Logout: the member’s sessions end (via universal_logout)', async (ctx) => {
    const w = await world(ctx)
    const userId = await signedIn(w)
    const types = await heard(w, async () => {
      const token = await signedLogoutToken(w.s.rig)
      const answer = await logoutRequest(w.s.rig, { token, body: byEmail(w.s.email) })
      expect(answer.status).toBe(204)
    })
    expect(types).toEqual(['sessions.revoked universal_logout'])
    expect(lastData(w)).toEqual({
      teamId: w.s.team.teamId,
      userId,
      via: 'universal_logout',
      scope: 'all',
    })
  })

  it('logout: the one session ends (via logout, scope session)', async (ctx) => {
    const w = await world(ctx)
    const browser = new Browser()
    const userId = await signedIn(w, browser)
    const types = await heard(w, () => w.s.rig.fetch(browser, '/logout', formPost({})))
    expect(types).toEqual(['sessions.revoked logout'])
    expect(lastData(w)).toEqual({
      teamId: w.s.team.teamId,
      userId,
      via: 'logout',
      scope: 'session',
    })
  })

  it('without WEBHOOK_URL a change writes no outbox row and sends nothing', async (ctx) => {
    const s = await scene({ ctx, area: 'Webhooks' })
    await tileLogin(s.rig, new Browser(), sub)
    expect(s.rig.queued).toEqual([])
    const rows = await query('select id from webhook_outbox where team_id = ?', s.team.teamId)
    expect(rows).toEqual([])
  })
})

describe('the example host app as the receiver', () => {
  it('verifies edge-sso’s real deliveries and shows them on its page', async (ctx) => {
    const w = await world(ctx)
    const hostApp = createHostApp()
    const hostEnv = {
      SSO_ISSUER: publicOrigin,
      SSO_AUDIENCE: publicOrigin,
      WEBHOOK_SECRET: webhookVars.WEBHOOK_SECRET,
    }
    w.s.rig.receivers.set(new URL(webhookVars.WEBHOOK_URL).origin, (request) =>
      Promise.resolve(hostApp.fetch(request, hostEnv)),
    )
    const userId = await signedIn(w)
    await drain(w.s.rig)
    const page = await (await hostApp.request('/app', {}, hostEnv)).text()
    expect(page).toMatch(/<code>member.joined<\/code> via\s+jit/)
    expect(page).toContain(`(user ${userId})`)
  })
})

describe('the login path with webhooks on', () => {
  it('a first login costs the D1 round trips it did without them (3, nothing after); the queue send waits for the response', async (ctx) => {
    const w = await world(ctx)
    const { browser, callbackUrl } = await pendingLogin(w.s)
    const rowsBefore = await outboxRows(w)
    w.s.rig.resetCounters()
    const callback = await w.s.rig.fetch(browser, callbackUrl)
    expect(callback.status).toBe(200) // "Continue as …?"
    expect({ d1: w.s.rig.counters.d1, after: w.s.rig.counters.d1AfterResponse }).toEqual({
      d1: 3,
      after: 0,
    })
    // The member.joined row went in the provisioning batch; its message was sent after the response.
    expect(w.s.rig.queued).toHaveLength(1)
    expect(await outboxRows(w)).toBe(rowsBefore + 1)
  })
})

const outboxRows = async (w: World) =>
  (
    await query<{ n: number }>(
      'select count(*) as n from webhook_outbox where team_id = ?',
      w.s.team.teamId,
    )
  )[0]!.n
