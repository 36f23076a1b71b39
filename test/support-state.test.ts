// What support sees of a member: active (SCIM deactivation), the role and its source, and the team's session policy.
import { describe, expect, it } from 'vitest'
import { adminToken, Browser, formPost } from './harness'
import { tileLogin } from './logins'
import { body, oktaUser, patch, scimClient } from './scim-helpers'
import { scene, sub } from './scene'

interface MemberState {
  email: string
  active: boolean
  role: string
  roleSource: string | null
}

describe('support sees state', () => {
  it('shows active, role and source in /admin/api/users, the members list, the team and the console', async (ctx) => {
    const s = await scene({ ctx, area: 'support state' })
    const team = `/admin/api/teams/${s.team.teamId}`
    await s.rig.admin('PATCH', team, { adminGroup: 'Admins', idleTimeoutMinutes: 30 })
    s.rig.idp.addUser({ sub, email: s.email, email_verified: true, groups: ['Admins'] })
    const scim = await scimClient(s.rig, s.team.connectionId)
    const ada = await body(await scim('POST', '/Users', oktaUser(s.email)))
    await tileLogin(s.rig, new Browser(), sub)
    const beforeDeactivation = (await (
      await s.rig.admin('GET', `/admin/api/users?email=${encodeURIComponent(s.email)}`)
    ).json()) as { user: MemberState & { sessionPolicy: unknown } }
    expect(beforeDeactivation.user).toMatchObject({
      active: true,
      role: 'admin',
      roleSource: 'sso',
      sessionPolicy: { sessionMaxAgeHours: 336, idleTimeoutMinutes: 30 },
    })
    const deactivated = await scim(
      'PATCH',
      `/Users/${ada.id}`,
      patch({ op: 'replace', value: { active: false } }),
    )
    expect(deactivated.status).toBe(200)
    const lookup = (await (
      await s.rig.admin('GET', `/admin/api/users?email=${encodeURIComponent(s.email)}`)
    ).json()) as { user: MemberState }
    expect(lookup.user).toMatchObject({ active: false, role: 'admin', roleSource: 'sso' })
    const members = (await (await s.rig.admin('GET', `${team}/members`)).json()) as {
      members: MemberState[]
    }
    expect(
      members.members
        .map(({ email, active, role, roleSource }) => ({
          email,
          active,
          role,
          roleSource,
        }))
        // Both joined within the same second: listed by (joined, id).
        .sort((a, b) => (a.role < b.role ? 1 : -1)),
    ).toEqual([
      { email: s.team.ownerEmail, active: true, role: 'owner', roleSource: 'owner' },
      { email: s.email, active: false, role: 'admin', roleSource: 'sso' },
    ])
    const shape = (await (await s.rig.admin('GET', team)).json()) as {
      members: MemberState[]
      sessionMaxAgeHours: number
      idleTimeoutMinutes: number | null
    }
    expect(shape.members).toEqual(members.members)
    expect([shape.sessionMaxAgeHours, shape.idleTimeoutMinutes]).toEqual([336, 30])
    const support = new Browser()
    await s.rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    const card = await (await s.rig.fetch(support, `/admin?team=${s.team.teamId}`)).text()
    expect(card).toContain('data-testid="member-role">owner (from owner)<')
    expect(card).toContain('data-testid="member-role">admin (from sso)<')
    expect(card).toContain('<span class="tag" data-testid="deactivated">')
    expect(card).toContain('Sessions end 336 h after sign-in, or after 30 min unused')
    const looked = await (
      await s.rig.fetch(support, `/admin?email=${encodeURIComponent(s.email)}`)
    ).text()
    expect(looked).toMatch(/: admin \(from sso\)\.[^]*data-testid="deactivated"/)
    s.tally.accepted()
  })
})
