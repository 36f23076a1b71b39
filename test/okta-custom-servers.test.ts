// Okta custom authorization servers: the dashboard's iss and Universal Logout name the org, not the server.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, publicOrigin, unique } from './harness'
import { finishLogin } from './logins'
import { logoutRequest, logoutTyp, byEmail } from './logout-requests'
import { query } from './rows'
import { addTeam, connectTeam, scene } from './scene'
import { TestIdp } from './idp/provider'
import { oktaCustom, oktaOrg } from './idp/vendors'

/** A team on `<org>/oauth2/default`; the org's own authorization server (its keys) is reachable too. */
async function customServerScene(ctx: TestContext) {
  const org = `https://${unique('org')}.okta.test`
  const server = await TestIdp.create({ profile: oktaCustom(org).profile })
  const orgServer = await TestIdp.create({ profile: oktaOrg(org).profile })
  const s = await scene({
    ctx,
    area: 'Okta custom authorization servers',
    idps: [server, orgServer],
    connect: false,
  })
  const team = { ...s.team, connectionId: await connectTeam(s.rig, s.team, undefined, server) }
  const login = async (path: string, sub = 'okta-ada', browser = new Browser()) => {
    const initiate = await s.rig.fetch(browser, path, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    if (initiate.status !== 302) return { initiate, callback: initiate, browser }
    const back = server.authorize(initiate.headers.get('location')!, sub)
    return { initiate, browser, ...(await finishLogin(s.rig, browser, back)) }
  }
  server.addUser({ sub: 'okta-ada', email: s.email, email_verified: true, name: 'Ada' })
  return { ...s, org, server, orgServer, team, login }
}

const liveSessions = async (email: string) =>
  (
    await query<{ n: number }>(
      'select count(*) as n from sessions s join users u on u.id = s.user_id where u.email = ? and s.revoked_at is null',
      email,
    )
  )[0]!.n

describe('Okta custom authorization servers', () => {
  it('the tile’s iss=<org> (with or without a trailing slash) signs in on both initiate URIs; a repeat initiate costs no fetch and one read', async (ctx) => {
    const s = await customServerScene(ctx)
    for (const iss of [s.org, `${s.org}/`]) {
      for (const path of [
        `/sso/initiate?iss=${encodeURIComponent(iss)}`,
        `/sso/initiate/${s.team.connectionId}?iss=${encodeURIComponent(iss)}`,
      ]) {
        const { initiate, callback } = await s.login(path)
        expect(new URL(initiate.headers.get('location')!).searchParams.get('client_id')).toBe(
          s.team.clientId,
        )
        expect(callback.status).toBe(303)
        s.tally.accepted()
      }
    }
    expect(
      await query(
        'select team_id from memberships m join users u on u.id = m.user_id where u.email = ?',
        s.email,
      ),
    ).toEqual([{ team_id: s.team.teamId }])
    s.rig.resetCounters()
    const again = await s.rig.fetch(new Browser(), `/sso/initiate?iss=${encodeURIComponent(s.org)}`)
    expect(again.status).toBe(302)
    expect({ upstream: s.rig.counters.upstream, d1: s.rig.counters.d1 }).toEqual({
      upstream: 0,
      d1: 1,
    })
    // Another org's origin, or a path that is not the server's, names nothing.
    const other = await s.rig.fetch(
      new Browser(),
      `/sso/initiate/${s.team.connectionId}?iss=${encodeURIComponent(`${s.org}/oauth2`)}`,
    )
    await s.tally.refused(other, { status: 404, code: 'unknown_issuer' })
  })

  it('two enabled connections on one org, both signed in: the bare iss=<org> shows the work-email form; each connection’s URI works', async (ctx) => {
    const s = await customServerScene(ctx)
    const second = await addTeam(s.rig, { connect: false })
    // The second team uses the org's own authorization server: the same origin, so the same tile iss.
    const secondId = await connectTeam(s.rig, second, undefined, s.orgServer)
    s.orgServer.addUser({ sub: 'okta-bo', email: `bo@${second.domain}`, email_verified: true })
    expect((await s.login(`/sso/initiate/${s.team.connectionId}`)).callback.status).toBe(303)
    const bo = new Browser()
    const initiate = await s.rig.fetch(bo, `/sso/initiate/${secondId}`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    const { callback } = await finishLogin(
      s.rig,
      bo,
      s.orgServer.authorize(initiate.headers.get('location')!, 'okta-bo'),
    )
    expect(callback.status).toBe(303)
    const form = await s.rig.fetch(
      new Browser(),
      `/sso/initiate?iss=${encodeURIComponent(s.org)}`,
      {
        headers: { 'sec-fetch-site': 'cross-site' },
      },
    )
    expect(form.status).toBe(200)
    expect(await form.text()).toContain('action="/sso/start"')
    s.tally.accepted()
  })

  it('Universal Logout signed by the org (iss=<org>, with or without a trailing slash) is checked against the org’s keys, on both endpoints', async (ctx) => {
    const s = await customServerScene(ctx)
    const now = () => Math.floor(s.rig.runtime.now() / 1000)
    const token = (idp: TestIdp, iss: string, path: string) =>
      idp.signToken(
        { iss, aud: `${publicOrigin}${path}`, iat: now(), exp: now() + 300, jti: unique('j') },
        logoutTyp,
      )
    const bare = '/sso/universal-logout'
    const own = `/sso/universal-logout/${s.team.connectionId}`
    for (const [iss, path] of [
      [s.org, bare],
      [`${s.org}/`, bare],
      [s.org, own],
    ] as const) {
      expect((await s.login(`/sso/initiate/${s.team.connectionId}`)).callback.status).toBe(303)
      expect(await liveSessions(s.email)).toBe(1)
      const response = await logoutRequest(s.rig, {
        token: await token(s.orgServer, iss, path),
        body: byEmail(s.email),
        path,
      })
      expect(response.status).toBe(204)
      expect(await liveSessions(s.email)).toBe(0)
      s.tally.accepted()
    }
    // The org's iss with the custom server's keys (not the org's) is no logout.
    expect((await s.login(`/sso/initiate/${s.team.connectionId}`)).callback.status).toBe(303)
    const forged = await logoutRequest(s.rig, {
      token: await token(s.server, s.org, bare),
      body: byEmail(s.email),
    })
    await s.tally.refused(forged, { status: 401, code: 'logout_token_invalid' })
    expect(await liveSessions(s.email)).toBe(1)
  })
})
