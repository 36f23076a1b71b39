// Another tenant's connection on the same issuer cannot take an existing team's Okta tile.
import { describe, expect, it } from 'vitest'
import { Browser, me } from './harness'
import { query } from './rows'
import { tileLogin } from './logins'
import { addTeam, scene } from './scene'

describe('issuer shadowing', () => {
  it('a connection registered later with the victim’s issuer and bogus credentials leaves the victim’s bare tile working (the old code answered ambiguous_issuer)', async (ctx) => {
    const { rig, team: victim, tally } = await scene({ ctx, area: 'Issuer shadowing' })
    rig.idp.addUser({ sub: 'okta-vic', email: `vic@${victim.domain}`, email_verified: true })
    rig.idp.addUser({ sub: 'okta-val', email: `val@${victim.domain}`, email_verified: true })
    expect((await tileLogin(rig, new Browser(), 'okta-vic')).callback.status).toBe(303)

    const attacker = await addTeam(rig, { connect: false })
    const shadow = await rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail: attacker.ownerEmail,
      clientId: 'bogus-client',
      clientSecret: 'bogus-secret',
      issuer: rig.idp.issuer,
    })
    expect(shadow.status).toBe(201)
    const shadowId = ((await shadow.json()) as { id: string }).id

    const browser = new Browser()
    const { initiate, callback } = await tileLogin(rig, browser, 'okta-val')
    expect(new URL(initiate.headers.get('location')!).searchParams.get('client_id')).toBe(
      victim.clientId,
    )
    expect(callback.status).toBe(303)
    const body = (await (await me(rig, browser)).json()) as any
    expect([body.user.email, body.team.id]).toEqual([`val@${victim.domain}`, victim.teamId])
    const rows = await query<{ id: string; last_login_at: number | null }>(
      'select id, last_login_at from sso_connections where id in (?, ?)',
      victim.connectionId,
      shadowId,
    )
    const lastLogin = new Map(rows.map((r) => [r.id, r.last_login_at]))
    expect(lastLogin.get(victim.connectionId)).toEqual(expect.any(Number))
    expect(lastLogin.get(shadowId)).toBeNull()
    tally.accepted()
  })

  it('two teams on one issuer that have both signed in: the bare issuer shows the work-email form, each per-connection URI works', async (ctx) => {
    const { rig, team, tally } = await scene({ ctx, area: 'Issuer shadowing' })
    const teams = [team, await addTeam(rig)]
    for (const [i, team] of teams.entries()) {
      rig.idp.addUser({ sub: `okta-${i}`, email: `kim@${team.domain}`, email_verified: true })
      const path = `/sso/initiate/${team.connectionId}`
      expect((await tileLogin(rig, new Browser(), `okta-${i}`, path)).callback.status).toBe(303)
    }
    const { initiate } = await tileLogin(rig, new Browser(), 'okta-0')
    expect(initiate.status).toBe(200)
    expect(await initiate.text()).toContain('action="/sso/start"')
    tally.accepted()
  })
})
