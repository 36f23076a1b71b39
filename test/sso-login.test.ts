// Tile and email login end to end against the in-test IdP: JIT members, sessions, events, refusals.
import { describe, expect, it } from 'vitest'
import { Browser, createRig, me, publicOrigin, query, setUpTeam, tileLogin } from './harness'

describe('Okta tile login (third-party initiated)', () => {
  it('creates a just-in-time member with the team default permission and signs them in', async () => {
    const rig = await createRig()
    const team = await setUpTeam(rig, { defaultPermission: 'public' })
    rig.idp.addUser({ sub: 'okta-1', email: `Ada@${team.domain.toUpperCase()}`, email_verified: true, name: 'Ada' })
    const browser = new Browser()
    const { initiate, callback } = await tileLogin(rig, browser, 'okta-1')
    const authorize = new URL(initiate.headers.get('location')!)
    expect(authorize.origin + authorize.pathname).toBe(`${rig.idp.issuer}/v1/authorize`)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(callback.status).toBe(302)
    expect(callback.headers.get('location')).toBe(`${publicOrigin}/app`)
    const users = await query<{ id: string; email: string; name: string }>('select * from users where email = ?', `ada@${team.domain}`)
    expect(users).toHaveLength(1)
    const [membership] = await query<{ team_id: string; permission: string; role: string }>('select * from memberships where user_id = ?', users[0]!.id)
    expect(membership).toMatchObject({ team_id: team.teamId, permission: 'public', role: 'member' })
    const body = await (await me(rig, browser)).json()
    expect(body).toEqual({ user: { id: users[0]!.id, email: `ada@${team.domain}`, name: 'Ada' }, team: { id: team.teamId, name: `Team ${team.domain}` }, authMethod: 'sso' })
    const events = await query<{ outcome: string; action: string }>('select * from events where team_id = ? and kind = ? order by at', team.teamId, 'login')
    expect(events.map((e) => [e.action, e.outcome])).toEqual([['sso_callback', 'success']])
  })
})
