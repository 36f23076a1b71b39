// Holes R3 and R8 of the review of d273349: unsigned traffic spent a team's Universal Logout budget, and a
// draft or disabled connection still logged members out.
import { env } from 'cloudflare:test'
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, formPost, me, publicOrigin, type Rig } from './harness'
import { lastMailTo, linkIn } from './mailbox'
import { byEmail, logoutRequest, signedLogoutToken } from './logout-requests'
import { query } from './rows'
import { evilIdp, expectSignedIn, scene, type Scene } from './scene'
import { TestIdp } from './idp/provider'

const area = 'Universal Logout forgeries'
const bare = '/sso/universal-logout'

const b64url = (v: unknown) =>
  btoa(JSON.stringify(v)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')

/** No key, no signature: only the victim's issuer, which is public (it is in the tile URL). */
const junkFor = (issuer: string) => `${b64url({ alg: 'RS256' })}.${b64url({ iss: issuer })}.AAAA`

function logout(rig: Rig, token: string, email: string, path = bare, browser = new Browser()) {
  return logoutRequest(rig, { token, body: byEmail(email), path, browser })
}

const signedBy = (rig: Rig, idp: TestIdp, path = bare) => signedLogoutToken(rig, idp, path)

async function liveSessions(email: string) {
  const [row] = await query<{ n: number }>(
    'select count(*) as n from sessions s join users u on u.id = s.user_id where u.email = ? and s.revoked_at is null',
    email,
  )
  return row!.n
}

const successfulLogouts = async (email: string) =>
  (
    await query(
      "select 1 from events where action = 'universal_logout' and outcome = 'success' and email = ?",
      email,
    )
  ).length

describe('R3: unsigned requests cannot switch off a team’s Universal Logout', () => {
  it('before, 60 unsigned requests naming the issuer spent the connection’s limit and Okta’s logout was 429; now it ends the sessions (204)', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = await expectSignedIn(s)
    const junk = junkFor(s.rig.idp.issuer)
    const perConnection = `${bare}/${s.team.connectionId}`
    await s.tally.baseline()
    for (let i = 0; i < 70; i++)
      await s.tally.refused(await logout(s.rig, junk, s.email, i % 2 ? perConnection : bare), {
        status: 401,
        code: 'logout_token_invalid',
      })
    expect(await liveSessions(s.email)).toBe(1)

    const real = await logout(s.rig, await signedBy(s.rig, s.rig.idp), s.email)
    expect(real.status).toBe(204)
    expect(await liveSessions(s.email)).toBe(0)
    expect(await successfulLogouts(s.email)).toBe(1)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
    s.tally.accepted()
  })

  it('unverified requests count per client: one client’s 4th is 429, another client is still heard, and Okta’s signed request from that same address still works', async (ctx) => {
    const s = await scene({ ctx, area })
    await expectSignedIn(s)
    // The per-client limit (the anonymous routes' one) swapped for RL_TEST: 3 a minute.
    Object.assign(s.rig.testEnv, { RL_ANONYMOUS: env.RL_TEST })
    const attacker = new Browser()
    const junk = junkFor(s.rig.idp.issuer)
    await s.tally.baseline()
    for (let i = 1; i <= 3; i++)
      await s.tally.refused(await logout(s.rig, junk, s.email, bare, attacker), {
        status: 401,
        code: 'logout_token_invalid',
      })
    const limited = await logout(s.rig, junk, s.email, `${bare}/${s.team.connectionId}`, attacker)
    expect(limited.headers.get('retry-after')).toBe('10')
    await s.tally.refused(limited, { status: 429, code: 'rate_limited' })
    await s.tally.refused(await logout(s.rig, junk, s.email), {
      status: 401,
      code: 'logout_token_invalid',
    })
    expect(await liveSessions(s.email)).toBe(1)

    const real = await logout(s.rig, await signedBy(s.rig, s.rig.idp), s.email, bare, attacker)
    expect(real.status).toBe(204)
    expect(await liveSessions(s.email)).toBe(0)
    s.tally.accepted()
  })
})

/** The owner of a team with no SSO yet, signed in with a password. */
async function ownerWithPassword(s: Scene) {
  const { rig, team } = s
  const owner = new Browser()
  await rig.fetch(owner, '/password/forgot', formPost({ email: team.ownerEmail }))
  const reset = linkIn(lastMailTo(rig, team.ownerEmail), '/password/reset/')
  await rig.fetch(owner, reset, formPost({ password: 'owner password 1' }))
  await rig.fetch(
    owner,
    '/login/password',
    formPost({ email: team.ownerEmail, password: 'owner password 1' }),
  )
  expect((await me(rig, owner)).status).toBe(200)
  return owner
}

describe('R8: only an active, enabled connection logs anyone out', () => {
  it('before, a draft (never tested) ended the team owner’s sessions through its Universal Logout endpoint; now 404 and the sessions live', async (ctx: TestContext) => {
    const evil = await evilIdp()
    const s = await scene({ ctx, area, connect: false, idps: [evil] })
    const { rig, team } = s
    const owner = await ownerWithPassword(s)
    // A setup-link holder saves a draft pointing at their own IdP; no test, no activation.
    const minted = await rig.admin('POST', `/admin/api/teams/${team.teamId}/setup-links`)
    const link = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
    const values = { clientId: 'evil', clientSecret: 'evil-secret', issuer: evil.issuer }
    expect((await rig.fetch(new Browser(), `${link}/connection`, formPost(values))).status).toBe(
      303,
    )
    const [draft] = await query<{ id: string; status: string }>(
      'select id, status from sso_connections where team_id = ?',
      team.teamId,
    )
    expect(draft!.status).toBe('draft')

    const path = `${bare}/${draft!.id}`
    await s.tally.baseline()
    await s.tally.refused(
      await logout(rig, await signedBy(rig, evil, path), team.ownerEmail, path),
      {
        status: 404,
        code: 'unknown_connection',
      },
    )
    // The bare endpoint does not count the draft either: its issuer is no team's.
    await s.tally.refused(await logout(rig, await signedBy(rig, evil), team.ownerEmail), {
      status: 401,
      code: 'logout_token_invalid',
    })
    expect(await liveSessions(team.ownerEmail)).toBe(1)
    expect(await successfulLogouts(team.ownerEmail)).toBe(0)
    s.advance(61_000)
    expect((await me(rig, owner)).status).toBe(200)
  })

  it('before, a connection support disabled still logged members out; now 404 (401 on the bare endpoint), and once enabled again it does', async (ctx) => {
    const s = await scene({ ctx, area })
    const { rig, team } = s
    await expectSignedIn(s)
    const off = await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, {
      enabled: false,
    })
    expect(off.status).toBe(200)
    const path = `${bare}/${team.connectionId}`
    await s.tally.baseline()
    await s.tally.refused(await logout(rig, await signedBy(rig, rig.idp, path), s.email, path), {
      status: 404,
      code: 'unknown_connection',
    })
    await s.tally.refused(await logout(rig, await signedBy(rig, rig.idp), s.email), {
      status: 401,
      code: 'logout_token_invalid',
    })
    expect(await liveSessions(s.email)).toBe(1)
    expect(await successfulLogouts(s.email)).toBe(0)

    const on = await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, {
      enabled: true,
    })
    expect(on.status).toBe(200)
    expect((await logout(rig, await signedBy(rig, rig.idp, path), s.email, path)).status).toBe(204)
    expect(await liveSessions(s.email)).toBe(0)
    s.tally.accepted()
  })
})
