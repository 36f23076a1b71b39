// "End all sessions" means all: a session issued before a revocation (a pending switch, a late write-behind) never lives.
import { describe, expect, it, type TestContext } from 'vitest'
import { loginWithHeldWriteBehind } from './d1-faults'
import { Browser, formPost, me, type Rig, unique } from './harness'
import { register } from './logins'
import { byEmail, logoutRequest, signedLogoutToken } from './logout-requests'
import { query } from './rows'
import { expectSignedIn, initiatePath, type Scene, scene } from './scene'
import { scimClient, patch } from './scim-helpers'

const area = 'Revocation watermark (R2)'

/** Okta's signed Universal Logout for `email`, as the rig's IdP sends it. */
async function universalLogout(rig: Rig, email: string) {
  return logoutRequest(rig, { token: await signedLogoutToken(rig), body: byEmail(email) })
}

const userId = async (email: string) =>
  (await query<{ id: string }>('select id from users where email = ?', email))[0]!.id

async function sessionsOf(email: string) {
  const [row] = await query<{ n: number }>(
    'select count(*) as n from sessions s join users u on u.id = s.user_id where u.email = ?',
    email,
  )
  return row!.n
}

async function liveSessions(email: string) {
  const [row] = await query<{ n: number }>(
    'select count(*) as n from sessions s join users u on u.id = s.user_id where u.email = ? and s.revoked_at is null',
    email,
  )
  return row!.n
}

/** Each way to end all of a user's sessions, as its caller sends it; each answers 2xx. */
const revocations = {
  'universal-logout': (s: Scene) => universalLogout(s.rig, s.email),
  'support-revoke': async (s: Scene) =>
    s.rig.admin('DELETE', `/admin/api/users/${await userId(s.email)}/sessions`),
  'support-remove': async (s: Scene) =>
    s.rig.admin('DELETE', `/admin/api/teams/${s.team.teamId}/members/${await userId(s.email)}`),
  'scim-deactivate': async (s: Scene) => {
    const scim = await scimClient(s.rig, s.team.connectionId)
    const id = await userId(s.email)
    return scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))
  },
  'scim-delete': async (s: Scene) => {
    const scim = await scimClient(s.rig, s.team.connectionId)
    return scim('DELETE', `/Users/${await userId(s.email)}`)
  },
} as const

/** A browser signed in as someone else (an account the attacker registered) holds Ada's tile login pending. */
async function pendingSwitch(ctx: TestContext) {
  const s = await scene({ ctx, area })
  const browser = new Browser()
  const other = `${unique('p')}@solo.example`
  await register(s.rig, browser, other)
  const initiate = await s.rig.fetch(browser, initiatePath(s), {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  const page = await s.rig.fetch(
    browser,
    s.rig.idp.authorize(initiate.headers.get('location')!, 'okta-ada'),
    { headers: { 'sec-fetch-site': 'cross-site' } },
  )
  expect(page.status).toBe(200) // "continue as ada?": the session waits in a signed cookie
  return { s, browser, other }
}

describe('a pending account switch minted before "end all sessions"', () => {
  it.for(Object.keys(revocations) as (keyof typeof revocations)[])(
    'is refused when confirmed after it (%s); before, POST /sso/switch stored it live for 14 days',
    async (how, ctx) => {
      const { s, browser, other } = await pendingSwitch(ctx)
      s.advance(4 * 60_000)
      const before = s.rig.runtime.now()
      const revoked = await revocations[how](s)
      expect(revoked.status, await revoked.clone().text()).toBeLessThan(300)
      const [watermark] = await query<{ at: number }>(
        'select sessions_valid_after_ms as at from users where email = ?',
        s.email,
      )
      expect(watermark!.at).toBeGreaterThanOrEqual(before)
      expect(watermark!.at).toBeLessThanOrEqual(s.rig.runtime.now())
      await s.tally.baseline()
      const confirmed = await s.rig.fetch(browser, '/sso/switch', formPost({}))
      await s.tally.refused(confirmed, { status: 400, code: 'login_expired' })
      expect(await liveSessions(s.email)).toBe(0)
      // The person stays who they were; no success event claims the switch.
      const who = (await (await me(s.rig, browser)).json()) as { user: { email: string } }
      expect(who.user.email).toBe(other)
      expect(
        await query(
          "select outcome from events where action = 'sso_switch' and email = ? and outcome = 'success'",
          s.email,
        ),
      ).toEqual([])
      expect(await liveSessions(other)).toBe(1)
    },
  )

  it('a switch confirmed before the revocation is ended by it, and one issued after it lives', async (ctx) => {
    const { s, browser } = await pendingSwitch(ctx)
    expect((await s.rig.fetch(browser, '/sso/switch', formPost({}))).status).toBe(303)
    s.tally.accepted()
    expect((await universalLogout(s.rig, s.email)).status).toBe(204)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
    const again = await expectSignedIn(s)
    s.advance(61_000)
    expect((await me(s.rig, again)).status).toBe(200)
  })
})

describe('a returning login whose session row is written behind the response', () => {
  it('is not stored when a Universal Logout lands before its write; before, the late write stored it live for 14 days', async (ctx) => {
    const s = await scene({ ctx, area })
    // Ada signed in (and out) in this browser before; she signs in through the tile again (no question),
    // and its session row is the callback's write-behind, held (as a slow D1 write would be) until Okta's
    // Universal Logout has run.
    const browser = await expectSignedIn(s)
    expect((await s.rig.fetch(browser, '/logout', formPost({}))).status).toBe(303)
    const { callback, land } = await loginWithHeldWriteBehind(s.rig, {
      browser,
      initiatePath: initiatePath(s),
      person: 'okta-ada',
    })
    expect(callback.status).toBe(302)
    expect((await universalLogout(s.rig, s.email)).status).toBe(204)
    expect(await liveSessions(s.email)).toBe(0)
    await land()
    // The real late write ran (its event is there) and stored no session.
    expect(
      await query(
        "select id from events where action = 'sso_callback' and outcome = 'success' and email = ?",
        s.email,
      ),
    ).toHaveLength(2)
    expect(await liveSessions(s.email)).toBe(0)
    expect(await sessionsOf(s.email)).toBe(1) // the first login's, ended
    expect(s.rig.runtime.writeBehindFailures).toBe(0)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
    s.tally.countRefused()
  })
})

describe('the recheck', () => {
  it('ends a live session row issued before the user’s watermark (the row alone used to decide)', async (ctx) => {
    const s = await scene({ ctx, area })
    const before = s.rig.runtime.now()
    const browser = await expectSignedIn(s)
    const [row] = await query<{ issued: number }>(
      'select s.issued_at_ms as issued from sessions s join users u on u.id = s.user_id where u.email = ?',
      s.email,
    )
    // Issued by the worker's clock, during the login.
    expect(row!.issued).toBeGreaterThanOrEqual(before)
    expect(row!.issued).toBeLessThanOrEqual(s.rig.runtime.now())
    // A watermark after the session's issue, its row left live (as a revocation that missed it would).
    await query(
      'update users set sessions_valid_after_ms = ? where email = ?',
      row!.issued + 1,
      s.email,
    )
    expect(await liveSessions(s.email)).toBe(1)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
    s.tally.countRefused()
  })
})
