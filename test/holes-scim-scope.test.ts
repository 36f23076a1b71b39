// Holes R4 and R7 of the review of d273349: a SCIM token kept authority over users who had left its team,
// and a path-less PATCH value's dotted key was walked once per dot.
import { describe, expect, it } from 'vitest'
import { Browser, formPost, me, type Rig } from './harness'
import { lastMailTo, linkIn } from './mailbox'
import { query } from './rows'
import { expectSignedIn, scene, type Scene } from './scene'
import {
  body,
  expectScimError,
  groupSchema,
  oktaUser,
  patch,
  scimClient,
  type Scim,
} from './scim-helpers'

const area = 'SCIM scope (R4, R7)'

const listOf = (email: string) =>
  `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`

/** The person sets a password through a mailed reset link and signs in with it. */
async function signInWithPassword(rig: Rig, email: string, password: string) {
  const browser = new Browser()
  await rig.fetch(browser, '/password/forgot', formPost({ email }))
  await rig.fetch(
    browser,
    linkIn(lastMailTo(rig, email), '/password/reset/'),
    formPost({ password }),
  )
  expect((await rig.fetch(browser, '/login/password', formPost({ email, password }))).status).toBe(
    303,
  )
  return browser
}

/** Every SCIM Users route for `id`: each must be 404 (counted as refusals) and change nothing. */
async function expectOutOfScope(s: Scene, scim: Scim, id: string, email: string) {
  const before = await query('select email, name from users where id = ?', id)
  const memberships = await query('select team_id, role from memberships where user_id = ?', id)
  const attempts: [string, string, unknown?][] = [
    ['GET', `/Users/${id}`],
    ['PUT', `/Users/${id}`, oktaUser(`mallory@${s.team.domain}`)],
    [
      'PATCH',
      `/Users/${id}`,
      patch({ op: 'replace', path: 'userName', value: `mallory@${s.team.domain}` }),
    ],
    // Okta's next sync: it must not silently put back a member support removed.
    ['PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: true } })],
    ['DELETE', `/Users/${id}`],
  ]
  for (const [method, path, payload] of attempts) {
    await expectScimError(await scim(method, path, payload), 404)
    s.tally.countRefused()
  }
  const list = await body(await scim('GET', listOf(email)))
  expect(list.totalResults).toBe(0)
  const all = await body(await scim('GET', '/Users?startIndex=1&count=200'))
  expect(all.Resources.map((r: { id: string }) => r.id)).not.toContain(id)
  expect(await query('select email, name from users where id = ?', id)).toEqual(before)
  expect(await query('select team_id, role from memberships where user_id = ?', id)).toEqual(
    memberships,
  )
}

async function liveSessions(userId: string) {
  const [row] = await query<{ n: number }>(
    'select count(*) as n from sessions where user_id = ? and revoked_at is null',
    userId,
  )
  return row!.n
}

describe('R4: a SCIM token acts only on its team’s members now', () => {
  it('a member Okta provisioned and support removed may join again through SSO, like anyone new (SCIM then sees them again)', async (ctx) => {
    const s = await scene({ ctx, area })
    const scimA = await scimClient(s.rig, s.team.connectionId)
    const ada = await body(await scimA('POST', '/Users', oktaUser(s.email, 'Ada', 'L')))
    await expectSignedIn(s)
    const removed = await s.rig.admin(
      'DELETE',
      `/admin/api/teams/${s.team.teamId}/members/${ada.id}`,
    )
    expect(removed.status).toBe(204)
    expect((await scimA('GET', `/Users/${ada.id}`)).status).toBe(404)
    await expectSignedIn(s)
    expect(await query('select team_id from memberships where user_id = ?', ada.id)).toEqual([
      { team_id: s.team.teamId },
    ])
    expect((await scimA('GET', `/Users/${ada.id}`)).status).toBe(200)
  })

  it('before, team A’s token rewrote the email of a member support removed (then team B’s owner) and a reset took team B over; now every Users route is 404', async (ctx) => {
    const s = await scene({ ctx, area })
    const { rig, team } = s
    const scimA = await scimClient(rig, team.connectionId)
    const xEmail = `x@${team.domain}`
    const x = await body(await scimA('POST', '/Users', oktaUser(xEmail, 'Xavier', 'X')))
    const group = await body(
      await scimA('POST', '/Groups', {
        schemas: [groupSchema],
        displayName: 'Engineering',
        members: [{ value: x.id }],
      }),
    )
    expect(group.members.map((m: { value: string }) => m.value)).toEqual([x.id])

    // Support removes X: in the same batch, A's SCIM row of X is deleted and X leaves A's groups.
    expect(
      (await rig.admin('DELETE', `/admin/api/teams/${team.teamId}/members/${x.id}`)).status,
    ).toBe(204)
    expect(await query('select status from scim_users where user_id = ?', x.id)).toEqual([])
    expect(await query('select group_id from scim_group_members where user_id = ?', x.id)).toEqual(
      [],
    )
    // Teamless now: A's token no longer reaches X (nor puts X back with active:true).
    await expectOutOfScope(s, scimA, x.id, xEmail)
    expect(await query('select 1 from memberships where user_id = ?', x.id)).toEqual([])

    // X sets a password and starts team B, as its owner.
    const xBrowser = await signInWithPassword(rig, xEmail, 'x’s own password')
    expect(
      (
        await rig.fetch(
          xBrowser,
          '/team',
          formPost({ name: 'Team B', defaultPermission: 'private' }),
        )
      ).status,
    ).toBe(303)
    const [b] = await query<{ team_id: string; role: string }>(
      'select team_id, role from memberships where user_id = ?',
      x.id,
    )
    expect(b!.role).toBe('owner')
    await expectOutOfScope(s, scimA, x.id, xEmail)
    const who = (await (await me(rig, xBrowser)).json()) as any
    expect([who.user.email, who.team.id, who.role]).toEqual([xEmail, b!.team_id, 'owner'])
    expect(await liveSessions(x.id)).toBe(1)
    // Nobody but X can reset X's password now: A's side has no address of X's to send the link to.
    expect(rig.mails.filter((m) => m.to === `mallory@${team.domain}`)).toEqual([])
  })

  it('before, A’s token listed and deleted (ending every session of) a user now owner of team B; now 404 and the session lives', async (ctx) => {
    const s = await scene({ ctx, area })
    const { rig, team } = s
    const scimA = await scimClient(rig, team.connectionId)
    const yEmail = `y@${team.domain}`
    const y = await body(await scimA('POST', '/Users', oktaUser(yEmail, 'Y', 'Y')))
    expect(
      (await rig.admin('DELETE', `/admin/api/teams/${team.teamId}/members/${y.id}`)).status,
    ).toBe(204)
    const teamB = await rig.admin('POST', '/admin/api/teams', {
      name: 'Team B',
      ownerEmail: yEmail,
      domains: [`b-${team.domain}`],
    })
    expect(teamB.status).toBe(201)
    const yBrowser = await signInWithPassword(rig, yEmail, 'y password 1')
    await expectOutOfScope(s, scimA, y.id, yEmail)
    expect(await liveSessions(y.id)).toBe(1)
    expect((await me(rig, yBrowser)).status).toBe(200)
  })

  it('a stale SCIM row (a user who left before this fix) grants nothing: 404, and the user drops out of the team’s group member lists', async (ctx) => {
    const s = await scene({ ctx, area })
    const { rig, team } = s
    const scimA = await scimClient(rig, team.connectionId)
    const zEmail = `z@${team.domain}`
    const z = await body(await scimA('POST', '/Users', oktaUser(zEmail, 'Z', 'Z')))
    const stays = await body(await scimA('POST', '/Users', oktaUser(`w@${team.domain}`, 'W', 'W')))
    const group = await body(
      await scimA('POST', '/Groups', {
        schemas: [groupSchema],
        displayName: 'Everyone',
        members: [{ value: z.id }, { value: stays.id }],
      }),
    )
    // As a removal before this fix left it: the membership gone, the SCIM row active, the group row kept.
    await query('delete from memberships where user_id = ?', z.id)
    expect(await query('select status from scim_users where user_id = ?', z.id)).toEqual([
      { status: 'active' },
    ])
    await expectOutOfScope(s, scimA, z.id, zEmail)
    const members = async () =>
      (await body(await scimA('GET', `/Groups/${group.id}`))).members.map(
        (m: { value: string }) => m.value,
      )
    expect(await members()).toEqual([stays.id])
    // Okta re-pushing the group with Z in it does not bring Z back either.
    const pushed = await scimA(
      'PATCH',
      `/Groups/${group.id}`,
      patch({ op: 'add', path: 'members', value: [{ value: z.id }] }),
    )
    expect(pushed.status).toBe(204)
    expect(await members()).toEqual([stays.id])
    expect(await query('select 1 from memberships where user_id = ?', z.id)).toEqual([])
  })

  it('a SCIM email change ends the reset links mailed to the old address', async (ctx) => {
    const s = await scene({ ctx, area })
    const { rig, team } = s
    const scimA = await scimClient(rig, team.connectionId)
    const oldEmail = `v@${team.domain}`
    const v = await body(await scimA('POST', '/Users', oktaUser(oldEmail, 'V', 'V')))
    // With the team's SSO off, a member may ask for a reset link.
    await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: false })
    await rig.fetch(new Browser(), '/password/forgot', formPost({ email: oldEmail }))
    const link = linkIn(lastMailTo(rig, oldEmail), '/password/reset/')
    const newEmail = `v.new@${team.domain}`
    const changed = await scimA(
      'PATCH',
      `/Users/${v.id}`,
      patch({ op: 'replace', path: 'emails[type eq "work"].value', value: newEmail }),
    )
    expect(changed.status).toBe(200)
    expect(await query('select email from users where id = ?', v.id)).toEqual([{ email: newEmail }])
    await s.tally.baseline()
    await s.tally.refused(
      await rig.fetch(new Browser(), link, formPost({ password: 'someone else’s password' })),
      { status: 400, code: 'link_invalid' },
    )
    expect(await query('select password_hash from users where id = ?', v.id)).toEqual([
      { password_hash: null },
    ])
    // A link asked for the new address works.
    const fresh = await signInWithPassword(rig, newEmail, 'v’s new password')
    expect((await me(rig, fresh)).status).toBe(200)
    s.tally.accepted()
  })
})

describe('R7: a path-less PATCH value names at most attribute.subAttribute', () => {
  it('before, a 64 KB "a.a.a…" key recursed once per dot (≈2 s, then a 500); now 400 invalidPath at once, and one dot still works', async (ctx) => {
    const s = await scene({ ctx, area })
    const scim = await scimClient(s.rig, s.team.connectionId)
    const user = await body(await scim('POST', '/Users', oktaUser(`q@${s.team.domain}`)))
    const key = Array(20_000).fill('a').join('.')
    const started = performance.now()
    const deep = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', value: { [key]: 1 } }),
    )
    const ms = performance.now() - started
    await expectScimError(deep, 400, 'invalidPath')
    s.tally.countRefused()
    expect(ms).toBeLessThan(1000)
    await expectScimError(
      await scim(
        'PATCH',
        `/Users/${user.id}`,
        patch({ op: 'replace', value: { 'name.givenName.x': 'A' } }),
      ),
      400,
      'invalidPath',
    )
    s.tally.countRefused()
    expect(await query('select name from users where id = ?', user.id)).toEqual([
      { name: 'Ada Lovelace' },
    ])

    const one = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', value: { 'name.givenName': 'Grace' } }),
    )
    expect(one.status).toBe(200)
    expect((await body(one)).name.givenName).toBe('Grace')
    s.tally.accepted()
  })
})
