// Several connections per team: each its own initiate URI, all in the team shape, email login's deterministic pick.
import { describe, expect, it } from 'vitest'
import { Browser, formPost, me, unique } from './harness'
import { query } from './rows'
import { finishLogin, tileLogin } from './logins'
import { TestIdp } from './idp/provider'
import { connectTeam, scene, sub } from './scene'

/** The scene's team with a second connection to another Okta org (an acquisition's), Ada known to both. */
async function twoOrgs() {
  const other = await TestIdp.create({ issuer: `https://${unique('acquired')}.okta.test` })
  const s = await scene({ idps: [other] })
  const second = { ...s.team, clientId: unique('client'), clientSecret: unique('secret-') }
  const secondId = await connectTeam(s.rig, second, undefined, other)
  other.addUser({ sub, email: s.email, email_verified: true, name: 'Ada' })
  return { ...s, other, secondId, secondClientId: second.clientId }
}

const teamShape = async (s: Awaited<ReturnType<typeof twoOrgs>>) =>
  (await (await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}`)).json()) as {
    connection: { id: string }
    connections: { id: string; issuer: string; initiateLoginUri: string }[]
  }

describe('several connections per team', () => {
  it('lists both in the team shape, oldest first, and keeps "connection" the first', async () => {
    const s = await twoOrgs()
    // Both were made within one second: age the first, so "oldest" is not left to the random ids.
    await query(
      'update sso_connections set created_at = created_at - 100 where id = ?',
      s.team.connectionId,
    )
    const team = await teamShape(s)
    expect(team.connections.map((c) => [c.id, c.issuer])).toEqual([
      [s.team.connectionId, s.rig.idp.issuer],
      [s.secondId, s.other.issuer],
    ])
    expect(team.connection).toEqual(team.connections[0])
  })

  it('signs members in through either connection’s initiate login URI; one account never through both', async () => {
    const s = await twoOrgs()
    // Bea is known only to the acquired org; Ada signs in through the first connection.
    s.other.addUser({ sub: 'okta-bea', email: `bea@${s.team.domain}`, email_verified: true })
    const loginAt = async (id: string, idp: TestIdp, person: string) => {
      const browser = new Browser()
      const initiate = await s.rig.fetch(browser, `/sso/initiate/${id}`, {
        headers: { 'sec-fetch-site': 'cross-site' },
      })
      expect(initiate.status).toBe(302)
      const { callback } = await finishLogin(
        s.rig,
        browser,
        idp.authorize(initiate.headers.get('location')!, person),
      )
      return { browser, callback }
    }
    for (const [id, idp, person] of [
      [s.team.connectionId, s.rig.idp, sub],
      [s.secondId, s.other, 'okta-bea'],
    ] as const) {
      const { browser, callback } = await loginAt(id, idp, person)
      expect(callback.status).toBe(303)
      const body = (await (await me(s.rig, browser)).json()) as { team: { id: string } }
      expect(body.team.id).toBe(s.team.teamId)
    }
    // Ada already has an identity at the first connection: the second one's "Ada" is someone else.
    const { callback } = await loginAt(s.secondId, s.other, sub)
    expect(callback.status).toBe(403)
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    const links = await query<{ connection_id: string }>(
      'select connection_id from identities where user_id = ? order by connection_id',
      user!.id,
    )
    expect(links.map((l) => l.connection_id)).toEqual([s.team.connectionId])
  })

  it('email login picks the oldest enabled connection, whichever row the database returns first', async () => {
    const s = await twoOrgs()
    const start = () => s.rig.fetch(new Browser(), '/sso/start', formPost({ email: s.email }))
    const clientOf = (r: Response) =>
      new URL(r.headers.get('location')!).searchParams.get('client_id')
    // Make the second connection the older one: the pick follows age, not insertion order.
    await query('update sso_connections set created_at = created_at - 100 where id = ?', s.secondId)
    expect(clientOf(await start())).toBe(s.secondClientId)
    await s.rig.admin('PATCH', `/admin/api/sso-connections/${s.secondId}`, { enabled: false })
    expect(clientOf(await start())).toBe(s.team.clientId)
  })

  it('the bare issuer still finds the team’s tile when the other connection is on another issuer', async () => {
    const s = await twoOrgs()
    const { callback } = await tileLogin(s.rig, new Browser(), sub)
    expect(callback.status).toBe(303)
  })
})
