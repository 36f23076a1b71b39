// Roles from the ID token: the connection's groups claim and the team's admin group set the role at each login; SCIM rules between logins.
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { Browser, me } from './harness'
import { tileLogin } from './logins'
import { query } from './rows'
import { groupSchema, oktaUser, patch, body, scimClient } from './scim-helpers'
import { type Scene, scene, sub } from './scene'

const adminGroup = 'Acme Admins'

const membership = (email: string) =>
  query<{ role: string; role_source: string | null }>(
    'select m.role, m.role_source from memberships m join users u on u.id = m.user_id where u.email = ?',
    email,
  )

/** The IdP's person (with these groups) signs in by the tile; their role as /api/me and the identity token say. */
async function signIn(s: Scene, claims: Record<string, unknown>, person = sub) {
  s.rig.idp.addUser({
    sub: person,
    email: person === sub ? s.email : s.team.ownerEmail,
    email_verified: true,
    name: 'Ada',
    ...claims,
  })
  const browser = new Browser()
  const { callback } = await tileLogin(s.rig, browser, person)
  expect(callback.status).toBe(303)
  const role = ((await (await me(s.rig, browser)).json()) as { role: string }).role
  const token = (await (await s.rig.fetch(browser, '/api/token')).json()) as { token: string }
  expect(decodeJwt(token.token).role).toBe(role)
  return { browser, role }
}

async function withAdminGroup(ctx: Parameters<typeof scene>[0]) {
  const s = await scene(ctx)
  expect(
    (await s.rig.admin('PATCH', `/admin/api/teams/${s.team.teamId}`, { adminGroup })).status,
  ).toBe(200)
  return s
}

describe('the groups claim at login', () => {
  it('makes an admin of a member in the admin group, and a member again when they leave it', async (ctx) => {
    const s = await withAdminGroup({ ctx, area: 'roles' })
    expect((await signIn(s, { groups: ['Staff', adminGroup] })).role).toBe('admin')
    expect(await membership(s.email)).toEqual([{ role: 'admin', role_source: 'sso' }])
    expect((await signIn(s, { groups: ['Staff'] })).role).toBe('member')
    expect(await membership(s.email)).toEqual([{ role: 'member', role_source: 'sso' }])
    // A token without the claim changes nothing.
    await signIn(s, { groups: [adminGroup] })
    expect((await signIn(s, { groups: undefined })).role).toBe('admin')
    s.tally.accepted()
  })

  it('reads the connection’s own groupsClaim, and nothing without an admin group', async (ctx) => {
    const s = await scene({ ctx, area: 'roles' })
    const patched = await s.rig.admin(
      'PATCH',
      `/admin/api/sso-connections/${s.team.connectionId}`,
      {
        groupsClaim: 'roles',
      },
    )
    expect(await patched.json()).toMatchObject({ groupsClaim: 'roles' })
    expect((await signIn(s, { roles: [adminGroup] })).role).toBe('member')
    expect(await membership(s.email)).toEqual([{ role: 'member', role_source: null }])
    await s.rig.admin('PATCH', `/admin/api/teams/${s.team.teamId}`, { adminGroup })
    expect((await signIn(s, { roles: [adminGroup], groups: [] })).role).toBe('admin')
  })

  it('never demotes the owner', async (ctx) => {
    const s = await withAdminGroup({ ctx, area: 'roles' })
    expect((await signIn(s, { groups: ['Staff'] }, 'okta-owner')).role).toBe('owner')
    expect(await membership(s.team.ownerEmail)).toEqual([{ role: 'owner', role_source: 'owner' }])
  })

  it('lets an admin the ID token made receive a recovery link', async (ctx) => {
    const s = await withAdminGroup({ ctx, area: 'roles' })
    await signIn(s, { groups: [adminGroup] })
    const minted = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/recovery-links`, {
      email: s.email,
    })
    expect(minted.status).toBe(201)
  })
})

describe('between logins', () => {
  it('SCIM stays authoritative: a change of the admin group’s members overrides the login’s role', async (ctx) => {
    const s = await withAdminGroup({ ctx, area: 'roles' })
    const scim = await scimClient(s.rig, s.team.connectionId)
    const ada = await body(await scim('POST', '/Users', oktaUser(s.email)))
    const { browser, role } = await signIn(s, { groups: [adminGroup] })
    expect(role).toBe('admin')
    const group = await body(
      await scim('POST', '/Groups', {
        schemas: [groupSchema],
        displayName: adminGroup,
        members: [{ value: ada.id }],
      }),
    )
    expect(await membership(s.email)).toEqual([{ role: 'member', role_source: 'scim' }])
    const removed = await scim(
      'PATCH',
      `/Groups/${group.id}`,
      patch({ op: 'remove', path: `members[value eq "${ada.id}"]` }),
    )
    expect(removed.status).toBeLessThan(300)
    s.advance(61_000)
    expect(((await (await me(s.rig, browser)).json()) as { role: string }).role).toBe('member')
    // The next login decides again.
    expect((await signIn(s, { groups: [adminGroup] })).role).toBe('admin')
  })

  it('support renaming the admin group hands login-set roles back', async (ctx) => {
    const s = await withAdminGroup({ ctx, area: 'roles' })
    await signIn(s, { groups: [adminGroup] })
    await s.rig.admin('PATCH', `/admin/api/teams/${s.team.teamId}`, { adminGroup: 'Other' })
    expect(await membership(s.email)).toEqual([{ role: 'member', role_source: 'support' }])
  })
})
