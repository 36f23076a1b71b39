// Fresh authentication (/sso/reauth with max_age=0, auth_time checked and carried) and per-connection acr_values.
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { Browser, me } from './harness'
import { register } from './logins'
import { query, teamEvents } from './rows'
import { expectRefusedLogin, expectSignedIn, type Scene, scene, sub } from './scene'

const identityToken = async (s: Scene, browser: Browser) =>
  decodeJwt(((await (await s.rig.fetch(browser, '/api/token')).json()) as { token: string }).token)

/** The browser's way to the IdP for a fresh authentication, and the IdP's answer as `person`. */
async function reauth(s: Scene, browser: Browser, person = sub) {
  const start = await s.rig.fetch(browser, '/sso/reauth?return_to=%2Fapp%2Fbilling')
  expect(start.status, await start.clone().text()).toBe(302)
  const location = new URL(start.headers.get('location')!)
  const callbackUrl = s.rig.idp.authorize(location.href, person)
  const callback = await s.rig.fetch(browser, callbackUrl, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  return { location, callback }
}

const sessionRows = (email: string) =>
  query<{ id: string }>(
    'select s.id from sessions s join users u on u.id = s.user_id where u.email = ?',
    email,
  )

describe('GET /sso/reauth', () => {
  it('runs a max_age=0 login at the member’s connection and updates the session’s auth_time', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    const browser = await expectSignedIn(s)
    const before = await identityToken(s, browser)
    const rows = await sessionRows(s.email)
    const authTime = Math.floor(Date.now() / 1000) + 20
    s.rig.idp.behaviour.idToken = { claims: { auth_time: authTime } }
    const { location, callback } = await reauth(s, browser)
    expect(location.searchParams.get('max_age')).toBe('0')
    expect(location.searchParams.get('login_hint')).toBe(s.email)
    expect([callback.status, callback.headers.get('location')]).toEqual([302, '/app/billing'])
    const after = await identityToken(s, browser)
    expect(after.auth_time).toBe(authTime)
    expect(after.sid).toBe(before.sid)
    expect(after.auth_time).toBeGreaterThan(before.auth_time as number)
    // The same session: no new row, and its success event.
    expect(await sessionRows(s.email)).toEqual(rows)
    expect(
      await teamEvents(s.team.teamId, `action = 'sso_reauth' and outcome = 'success'`),
    ).toEqual(['sso_reauth'])
    s.tally.accepted()
  })

  it('refuses without an SSO session: signed out, or signed in by password', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication', connect: false })
    await s.tally.refused(await s.rig.fetch(new Browser(), '/sso/reauth'), {
      status: 403,
      code: 'reauth_requires_sso',
    })
    const password = new Browser()
    await register(s.rig, password, `pat@solo.${s.team.domain}`)
    await s.tally.refused(await s.rig.fetch(password, '/sso/reauth'), {
      status: 403,
      code: 'reauth_requires_sso',
    })
  })

  it('refuses an IdP that answers max_age=0 with an old auth_time (oauth4webapi’s maxAge check)', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    const browser = await expectSignedIn(s)
    const before = await identityToken(s, browser)
    s.rig.idp.behaviour.idToken = { claims: { auth_time: Math.floor(Date.now() / 1000) - 3600 } }
    await s.tally.baseline()
    const { callback } = await reauth(s, browser)
    await s.tally.refused(callback, { status: 403, code: 'reauth_stale' })
    expect((await identityToken(s, browser)).auth_time).toBe(before.auth_time)
    expect(await teamEvents(s.team.teamId, `action = 'sso_reauth'`, 'error_code')).toEqual([
      'reauth_stale',
    ])
  })

  it('refuses an auth_time from before the reauth began', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    const browser = await expectSignedIn(s)
    // An IdP whose clock runs ten minutes behind ours: its auth_time is older than the reauth's start.
    s.rig.idp.behaviour.idToken = { claims: { auth_time: Math.floor(Date.now() / 1000) - 600 } }
    await s.tally.baseline()
    const { callback } = await reauth(s, browser)
    await s.tally.refused(callback, { status: 403, code: 'reauth_stale' })
  })

  it('refuses when the IdP signs in someone else', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    const browser = await expectSignedIn(s)
    s.rig.idp.addUser({ sub: 'okta-bob', email: `bob@${s.team.domain}`, email_verified: true })
    await s.tally.baseline()
    const { callback } = await reauth(s, browser, 'okta-bob')
    await s.tally.refused(callback, { status: 403, code: 'reauth_other_user' })
    const who = (await (await me(s.rig, browser)).json()) as { user: { email: string } }
    expect(who.user.email).toBe(s.email)
  })
})

describe('acr_values per connection', () => {
  const acr = 'urn:okta:loa:2fa:any'

  it('sends acr_values with every login and accepts a matching acr', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    const patched = await s.rig.admin(
      'PATCH',
      `/admin/api/sso-connections/${s.team.connectionId}`,
      {
        acrValues: ` ${acr}  urn:okta:loa:phr `,
      },
    )
    expect(await patched.json()).toMatchObject({ acrValues: `${acr} urn:okta:loa:phr` })
    const initiate = await s.rig.fetch(new Browser(), `/sso/initiate/${s.team.connectionId}`)
    const location = new URL(initiate.headers.get('location')!)
    expect(location.searchParams.get('acr_values')).toBe(`${acr} urn:okta:loa:phr`)
    s.rig.idp.behaviour.idToken = { claims: { acr } }
    await expectSignedIn(s)
  })

  it('refuses a wrong or missing acr, writing nothing but the refusal event', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    await s.rig.admin('PATCH', `/admin/api/sso-connections/${s.team.connectionId}`, {
      acrValues: acr,
    })
    for (const claims of [{ acr: 'urn:okta:loa:1fa:pwd' }, {}]) {
      s.rig.idp.behaviour.idToken = { claims }
      await expectRefusedLogin(s, { status: 403, code: 'acr_mismatch' })
    }
    expect(await teamEvents(s.team.teamId, `error_code = 'acr_mismatch'`)).toHaveLength(2)
  })

  it('refuses malformed acrValues with 400', async (ctx) => {
    const s = await scene({ ctx, area: 'fresh authentication' })
    const path = `/admin/api/sso-connections/${s.team.connectionId}`
    for (const acrValues of ['urn:ünicode', 'x'.repeat(513), 5]) {
      await s.tally.refused(await s.rig.admin('PATCH', path, { acrValues }), {
        status: 400,
        code: 'invalid_request',
      })
    }
    const [row] = await query<{ acr_values: string | null }>(
      'select acr_values from sso_connections where id = ?',
      s.team.connectionId,
    )
    expect(row!.acr_values).toBeNull()
  })
})
