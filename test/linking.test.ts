// Linking rules: what an email may link, what linking or adoption ends, and what the IdP must prove.
import { describe, expect, it } from 'vitest'
import { Browser, formPost, me, unique } from './harness'
import { query } from './rows'
import { register, tileLogin } from './logins'
import { connectTeam, scene } from './scene'

const rowsOf = async (email: string) =>
  (
    await query<Record<string, number | string | null>>(
      `select u.password_hash as password,
        (select count(*) from sessions s where s.user_id = u.id and s.revoked_at is null) as liveSessions,
        (select count(*) from identities i where i.user_id = u.id) as identities,
        (select team_id from memberships m where m.user_id = u.id) as teamId
       from users u where u.email = ?`,
      email,
    )
  )[0]

const countRows = async () =>
  (
    await query<Record<string, number>>(
      'select (select count(*) from users) as users, (select count(*) from memberships) as memberships, (select count(*) from identities) as identities, (select count(*) from sessions) as sessions',
    )
  )[0]!

const passwordLogin = (
  s: { rig: Parameters<typeof register>[0] },
  email: string,
  password: string,
) => s.rig.fetch(new Browser(), '/login/password', formPost({ email, password }))

describe('pre-registration hijack', () => {
  it('support adopting a pre-registered owner account clears its password and ends its session, even after SSO is disabled', async (ctx) => {
    // Before: the attacker's team-less cookie became the owner's at the next recheck, and once support
    // disabled SSO the attacker's password worked again.
    const s = await scene({ ctx, area: 'Account linking', connect: false })
    const ownerEmail = `owner@new.${s.team.domain}`
    const attacker = new Browser()
    await register(s.rig, attacker, ownerEmail, { password: 'attacker password', verify: false })
    const created = await s.rig.admin('POST', '/admin/api/teams', { name: 'Real Co', ownerEmail })
    expect(created.status).toBe(201)
    expect(await rowsOf(ownerEmail)).toMatchObject({ password: null, liveSessions: 0 })
    const team = { ownerEmail, clientId: 'real', clientSecret: 'real-secret' }
    const connectionId = await connectTeam(s.rig, team)
    await s.rig.admin('PATCH', `/admin/api/sso-connections/${connectionId}`, { enabled: false })
    s.advance(301_000)
    expect((await me(s.rig, attacker)).status).toBe(401)
    await s.tally.baseline()
    await s.tally.refused(await passwordLogin(s, ownerEmail, 'attacker password'), {
      status: 401,
      code: 'invalid_credentials',
    })
  })

  it('SSO linking a pre-registered employee account by email clears its password and revokes its sessions in the login’s batch', async (ctx) => {
    // Before: the pre-registered password and session outlived the link, and came back when SSO was disabled.
    const s = await scene({ ctx, area: 'Account linking' })
    const path = `/admin/api/sso-connections/${s.team.connectionId}`
    await s.rig.admin('PATCH', path, { enabled: false })
    const attacker = new Browser()
    await register(s.rig, attacker, s.email, { password: 'attacker password' })
    await s.rig.admin('PATCH', path, { enabled: true })
    const employee = new Browser()
    expect((await tileLogin(s.rig, employee, 'okta-ada')).callback.status).toBe(303)
    expect(await rowsOf(s.email)).toMatchObject({
      password: null,
      liveSessions: 1,
      identities: 1,
      teamId: s.team.teamId,
    })
    await s.rig.admin('PATCH', path, { enabled: false })
    s.advance(301_000)
    expect((await me(s.rig, attacker)).status).toBe(401)
    await s.tally.baseline()
    await s.tally.refused(await passwordLogin(s, s.email, 'attacker password'), {
      status: 401,
      code: 'invalid_credentials',
    })
  })

  it('a team-less password session is not upgraded to the team its user lands in: it ends, and its row is revoked', async (ctx) => {
    // Before: the recheck let a team-less session "follow its user" into a team and only cleared cookies.
    const s = await scene({ ctx, area: 'Account linking', connect: false })
    const email = `pat@solo.${s.team.domain}`
    const browser = new Browser()
    await register(s.rig, browser, email)
    const other = new Browser()
    await passwordLogin(s, email, 'a good password').then((r) => other.remember(r))
    // A membership that arrives some other way than this session's own login (support, a race).
    await query(
      "insert into memberships (user_id, team_id, role, permission) select id, ?, 'member', 'private' from users where email = ?",
      s.team.teamId,
      email,
    )
    s.advance(301_000)
    expect((await me(s.rig, browser)).status).toBe(401)
    expect((await me(s.rig, other)).status).toBe(401)
    expect(await rowsOf(email)).toMatchObject({ liveSessions: 0 })
    s.tally.countRefused()
  })
})

describe('email match never overrides an identity', () => {
  it('a second sub carrying a member’s email is refused identity_conflict, with no second identity row', async (ctx) => {
    // Before: the email matched, the second sub signed in as the member and got its own identity row.
    const s = await scene({ ctx, area: 'Account linking' })
    expect((await tileLogin(s.rig, new Browser(), 'okta-ada')).callback.status).toBe(303)
    s.rig.idp.addUser({ sub: 'okta-ada-2', email: s.email, email_verified: true })
    const before = await countRows()
    await s.tally.baseline()
    const browser = new Browser()
    const { callback } = await tileLogin(s.rig, browser, 'okta-ada-2')
    await s.tally.refused(callback, { status: 403, code: 'identity_conflict' })
    expect(await countRows()).toEqual(before)
    expect((await me(s.rig, browser)).status).toBe(401)
  })

  it('a Unicode lookalike email ("\\u212Aelvin") is refused email_invalid, never matched to kelvin@', async (ctx) => {
    // Before: the IdP's email was lower-cased with Unicode rules, so "\u212A" became "k" and matched.
    const s = await scene({ ctx, area: 'Account linking' })
    const kelvin = `kelvin@${s.team.domain}`
    s.rig.idp.addUser({ sub: 'okta-kelvin', email: kelvin, email_verified: true })
    expect((await tileLogin(s.rig, new Browser(), 'okta-kelvin')).callback.status).toBe(303)
    s.rig.idp.addUser({
      sub: 'okta-lookalike',
      email: `\u212Aelvin@${s.team.domain}`,
      email_verified: true,
    })
    const before = await countRows()
    await s.tally.baseline()
    const { callback } = await tileLogin(s.rig, new Browser(), 'okta-lookalike')
    await s.tally.refused(callback, { status: 403, code: 'email_invalid' })
    expect(await countRows()).toEqual(before)
  })
})

describe('email_verified through /userinfo', () => {
  it('absent email_verified in the ID token and false at /userinfo (outside the team’s domains) is refused, writing nothing', async (ctx) => {
    // Before: /userinfo was asked only when the email was missing, so an absent email_verified passed.
    const s = await scene({ ctx, area: 'Account linking' })
    const outside = `ada@${unique('outside')}.example`
    s.rig.idp.addUser({ sub: 'okta-ada', email: outside, email_verified: false, name: 'Ada' })
    s.rig.idp.behaviour.idToken = { claims: { email_verified: undefined } }
    const before = await countRows()
    await s.tally.baseline()
    const { callback } = await tileLogin(s.rig, new Browser(), 'okta-ada')
    await s.tally.refused(callback, { status: 403, code: 'email_unverified' })
    expect(s.rig.idp.count('userinfo')).toBe(1)
    expect(await countRows()).toEqual(before)
  })

  it('asks /userinfo when email_verified is absent and signs in when it says true; a token that carries it costs no fetch', async (ctx) => {
    const s = await scene({ ctx, area: 'Account linking' })
    s.rig.idp.behaviour.idToken = { claims: { email_verified: undefined } }
    expect((await tileLogin(s.rig, new Browser(), 'okta-ada')).callback.status).toBe(303)
    expect(s.rig.idp.count('userinfo')).toBe(1)
    s.rig.idp.behaviour.idToken = undefined
    s.rig.idp.resetCounts()
    expect((await tileLogin(s.rig, new Browser(), 'okta-ada')).callback.status).toBe(303)
    expect(s.rig.idp.count('userinfo')).toBe(0)
    s.tally.accepted()
  })
})
