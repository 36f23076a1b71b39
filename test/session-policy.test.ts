// Session policy per team: the longest session and the idle timeout, set by support or the owner, enforced at each recheck.
import { describe, expect, it } from 'vitest'
import { Browser, formPost, me } from './harness'
import { tileLogin } from './logins'
import { query } from './rows'
import { expectSignedIn, type Scene, scene } from './scene'

const minuteMs = 60 * 1000

const patchTeam = (s: Scene, body: unknown) =>
  s.rig.admin('PATCH', `/admin/api/teams/${s.team.teamId}`, body)

const policyRow = async (s: Scene) =>
  (
    await query<{ session_max_age_hours: number; idle_timeout_minutes: number | null }>(
      'select session_max_age_hours, idle_timeout_minutes from teams where id = ?',
      s.team.teamId,
    )
  )[0]

const liveSessions = (email: string) =>
  query<{ id: string }>(
    'select s.id from sessions s join users u on u.id = s.user_id where u.email = ? and s.revoked_at is null',
    email,
  )

/** The team's owner signed in through the team's IdP (their account linked by its verified domain). */
async function ownerSignedIn(s: Scene): Promise<Browser> {
  s.rig.idp.addUser({ sub: 'okta-owner', email: s.team.ownerEmail, email_verified: true })
  const owner = new Browser()
  const { callback } = await tileLogin(s.rig, owner, 'okta-owner')
  expect(callback.status).toBe(303)
  return owner
}

describe('the policy as data', () => {
  it('defaults to 336 hours and no idle timeout, and support sets both with PATCH', async (ctx) => {
    const s = await scene({ ctx, area: 'session policy' })
    const before = (await (
      await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}`)
    ).json()) as {
      sessionMaxAgeHours: number
      idleTimeoutMinutes: number | null
    }
    expect([before.sessionMaxAgeHours, before.idleTimeoutMinutes]).toEqual([336, null])
    const patched = await patchTeam(s, { sessionMaxAgeHours: 8, idleTimeoutMinutes: 30 })
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({ sessionMaxAgeHours: 8, idleTimeoutMinutes: 30 })
    expect(await policyRow(s)).toEqual({ session_max_age_hours: 8, idle_timeout_minutes: 30 })
    expect(await (await patchTeam(s, { idleTimeoutMinutes: null })).json()).toMatchObject({
      sessionMaxAgeHours: 8,
      idleTimeoutMinutes: null,
    })
    s.tally.accepted()
  })

  it('refuses out-of-range values with 400, changing nothing', async (ctx) => {
    const s = await scene({ ctx, area: 'session policy' })
    for (const body of [
      { sessionMaxAgeHours: 0 },
      { sessionMaxAgeHours: 337 },
      { sessionMaxAgeHours: 1.5 },
      { sessionMaxAgeHours: '8' },
      { idleTimeoutMinutes: 14 },
      { idleTimeoutMinutes: 1441 },
      {},
    ]) {
      await s.tally.refused(await patchTeam(s, body), { status: 400, code: 'invalid_request' })
    }
    expect(await policyRow(s)).toEqual({ session_max_age_hours: 336, idle_timeout_minutes: null })
  })

  it('lets the owner set it on /team, and refuses out-of-range values there too', async (ctx) => {
    const s = await scene({ ctx, area: 'session policy' })
    const owner = await ownerSignedIn(s)
    const page = await (await s.rig.fetch(owner, '/team')).text()
    expect(page).toContain('action="/team/session-policy"')
    const saved = await s.rig.fetch(
      owner,
      '/team/session-policy',
      formPost({ sessionMaxAgeHours: '12', idleTimeoutMinutes: '15' }),
    )
    expect([saved.status, saved.headers.get('location')]).toEqual([303, '/team'])
    expect(await policyRow(s)).toEqual({ session_max_age_hours: 12, idle_timeout_minutes: 15 })
    expect(await (await s.rig.fetch(owner, '/team')).text()).toContain(
      'Sessions end 12 hours after sign-in, or after 15 minutes unused.',
    )
    for (const fields of [
      { sessionMaxAgeHours: '400', idleTimeoutMinutes: '' },
      { sessionMaxAgeHours: '12', idleTimeoutMinutes: '5' },
    ]) {
      const refused = await s.rig.fetch(owner, '/team/session-policy', formPost(fields))
      await s.tally.refused(refused, { status: 400, code: 'invalid_request' })
    }
    expect(await policyRow(s)).toEqual({ session_max_age_hours: 12, idle_timeout_minutes: 15 })
    // A member who is not the owner cannot.
    const member = await expectSignedIn(s)
    const notOwner = await s.rig.fetch(
      member,
      '/team/session-policy',
      formPost({ sessionMaxAgeHours: '1', idleTimeoutMinutes: '' }),
    )
    await s.tally.refused(notOwner, { status: 403, code: 'owner_only' })
    expect(await policyRow(s)).toEqual({ session_max_age_hours: 12, idle_timeout_minutes: 15 })
  })
})

describe('enforced at every recheck (a stepped clock)', () => {
  it('ends a session sessionMaxAgeHours after its login, however active', async (ctx) => {
    const s = await scene({ ctx, area: 'session policy' })
    expect((await patchTeam(s, { sessionMaxAgeHours: 1 })).status).toBe(200)
    const browser = await expectSignedIn(s)
    for (let step = 0; step < 5; step++) {
      s.advance(11 * minuteMs)
      expect((await me(s.rig, browser)).status).toBe(200)
    }
    s.advance(6 * minuteMs)
    expect((await me(s.rig, browser)).status).toBe(401)
    expect(await liveSessions(s.email)).toEqual([])
  })

  it('ends a session unseen for idleTimeoutMinutes, and keeps one in use', async (ctx) => {
    const s = await scene({ ctx, area: 'session policy' })
    expect((await patchTeam(s, { idleTimeoutMinutes: 15 })).status).toBe(200)
    const busy = await expectSignedIn(s)
    for (let step = 0; step < 4; step++) {
      s.advance(14 * minuteMs)
      expect((await me(s.rig, busy)).status).toBe(200)
    }
    s.advance(16 * minuteMs)
    s.rig.resetCounters()
    expect((await me(s.rig, busy)).status).toBe(401)
    expect(await liveSessions(s.email)).toEqual([])
    s.tally.accepted()
  })

  it('keeps the recheck at one D1 read while the session lives', async (ctx) => {
    const s = await scene({ ctx, area: 'session policy' })
    expect((await patchTeam(s, { idleTimeoutMinutes: 15 })).status).toBe(200)
    const browser = await expectSignedIn(s)
    s.advance(5 * minuteMs)
    s.rig.resetCounters()
    expect((await me(s.rig, browser)).status).toBe(200)
    expect(s.rig.counters.d1).toBe(1)
    expect(s.rig.counters.d1AfterResponse).toBe(0)
  })
})
