// The support admin API: bearer auth, teams, user lookup, connections with the discovery check, events.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { fromBase64Url } from '../src/crypto/encoding'
import { adminToken, expectRefusal, publicOrigin, unique } from './harness'
import { query } from './rows'
import { scene } from './scene'

const json = (r: Response) => r.json() as Promise<any>

/** A scene whose team has no connection yet: support's starting point. */
const teamOnly = () => scene({ connect: false })

describe('admin authentication', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token-at-all-123' }],
    ['a token of another scheme', { authorization: `Basic ${adminToken}` }],
    ['the right token with a suffix', { authorization: `Bearer ${adminToken}x` }],
  ])('refuses %s with 401, a stable code and an event', async (_name, headers) => {
    const { rig } = await teamOnly()
    const response = await rig.app.request(
      `${publicOrigin}/admin/api/teams`,
      { headers },
      rig.testEnv,
    )
    const { referenceId } = await expectRefusal(response, {
      status: 401,
      code: 'admin_unauthorized',
    })
    expect(await query('select kind from events where reference_id = ?', referenceId)).toEqual([
      { kind: 'admin' },
    ])
  })

  it('refuses the right token in the query string, even beside a valid header', async () => {
    const { rig } = await teamOnly()
    const bare = await rig.app.request(
      `${publicOrigin}/admin/api/teams?access_token=${adminToken}`,
      {},
      rig.testEnv,
    )
    const both = await rig.app.request(
      `${publicOrigin}/admin/api/teams?token=${adminToken}`,
      { headers: { authorization: `Bearer ${adminToken}` } },
      rig.testEnv,
    )
    expect([bare.status, both.status]).toEqual([401, 401])
  })
})

describe('teams', () => {
  it('creates a team with its owner (creating the user), the owner’s domain and the default permission', async () => {
    const { rig } = await teamOnly()
    const domain = `${unique('corp')}.example`
    const ownerEmail = `boss@${domain}`
    const response = await rig.admin('POST', '/admin/api/teams', {
      name: 'Corp',
      ownerEmail: `Boss@${domain}`,
    })
    expect(response.status).toBe(201)
    const team = await json(response)
    expect(team).toMatchObject({
      name: 'Corp',
      ownerEmail,
      domains: [domain],
      defaultPermission: 'private',
      connection: null,
    })
    expect(team.members).toEqual([
      {
        id: expect.any(String),
        email: ownerEmail,
        name: null,
        active: true,
        role: 'owner',
        roleSource: 'owner',
      },
    ])
    expect(await json(await rig.admin('GET', `/admin/api/teams/${team.id}`))).toEqual(team)
    const list = await json(await rig.admin('GET', '/admin/api/teams'))
    expect(list.teams).toContainEqual(team)
    const [event] = await query<{ kind: string; outcome: string }>(
      'select * from events where team_id = ? and kind = ?',
      team.id,
      'admin',
    )
    expect(event).toMatchObject({ outcome: 'success' })
  })

  it('uses an existing user as owner, and refuses (409) an owner who already has a team, writing nothing', async () => {
    const { rig, team } = await scene({ connect: false, defaultPermission: 'public' })
    const { ownerEmail } = team
    expect(
      (await json(await rig.admin('GET', `/admin/api/teams/${team.teamId}`))).defaultPermission,
    ).toBe('public')
    const before = await query<{ n: number }>('select count(*) as n from teams')
    const again = await rig.admin('POST', '/admin/api/teams', { name: 'Second', ownerEmail })
    await expectRefusal(again, { status: 409, code: 'already_in_team' })
    expect(await query<{ n: number }>('select count(*) as n from teams')).toEqual(before)
  })

  it('refuses a domain another team holds (409 domain_taken) and writes no team or user', async () => {
    const {
      rig,
      team: { domain },
    } = await teamOnly()
    const other = `someone@${unique('other')}.example`
    const response = await rig.admin('POST', '/admin/api/teams', {
      name: 'Copycat',
      ownerEmail: other,
      domains: [domain],
    })
    await expectRefusal(response, { status: 409, code: 'domain_taken' })
    expect(await query('select * from users where email = ?', other)).toEqual([])
  })

  it('answers 400 with field names for invalid bodies and 404 for unknown teams', async () => {
    const { rig } = await teamOnly()
    const bad = await rig.admin('POST', '/admin/api/teams', {
      name: '',
      ownerEmail: 'not-an-email',
      defaultPermission: 'secret',
    })
    const { body } = await expectRefusal(bad, { status: 400, code: 'invalid_request' })
    expect(JSON.parse(body).error.message).toMatch(/name.*ownerEmail.*defaultPermission/)
    expect((await rig.admin('GET', '/admin/api/teams/nope')).status).toBe(404)
  })
})

describe('user lookup', () => {
  it('finds a user case-insensitively with their team, and 404s an unknown email', async () => {
    const { rig, team: setup } = await teamOnly()
    const { ownerEmail } = setup
    const team = await json(await rig.admin('GET', `/admin/api/teams/${setup.teamId}`))
    const found = await json(
      await rig.admin(
        'GET',
        `/admin/api/users?email=${encodeURIComponent(ownerEmail.toUpperCase())}`,
      ),
    )
    expect(found).toEqual({
      user: {
        id: team.members[0].id,
        email: ownerEmail,
        name: null,
        teamId: team.id,
        active: true,
        role: 'owner',
        roleSource: 'owner',
        sessionPolicy: { sessionMaxAgeHours: 336, idleTimeoutMinutes: null },
      },
    })
    expect((await rig.admin('GET', '/admin/api/users?email=nobody%40nowhere.example')).status).toBe(
      404,
    )
  })
})

describe('SSO connections', () => {
  async function teamAndIdp(issuer?: string) {
    const { rig, team } = await scene({ issuer, connect: false })
    return { rig, team: { id: team.teamId }, ownerEmail: team.ownerEmail }
  }

  it('saves a connection after the discovery check, reducing a pasted metadata URL to its issuer', async () => {
    const { rig, team, ownerEmail } = await teamAndIdp()
    const secret = 'okta-secret-Zm9v-bar_baz'
    const response = await rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail,
      clientId: '0oa1example',
      clientSecret: secret,
      issuer: `${rig.idp.issuer}/.well-known/openid-configuration`,
    })
    expect(response.status).toBe(201)
    const text = await response.text()
    expect(text).not.toContain(secret)
    const connection = JSON.parse(text)
    expect(connection).toEqual({
      id: expect.any(String),
      teamId: team.id,
      issuer: rig.idp.issuer,
      clientId: '0oa1example',
      enabled: true,
      tokenEndpointAuthMethod: 'client_secret_basic',
      initiateLoginUri: `${publicOrigin}/sso/initiate/${connection.id}`,
      redirectUri: `${publicOrigin}/sso/callback`,
      scimEnabled: false,
      endIdpSession: false,
      status: 'active',
      testedAt: null,
      acrValues: null,
      groupsClaim: 'groups',
    })
    expect(rig.idp.count('discovery')).toBe(1)
    const [row] = await query<{ client_secret_sealed: string }>(
      'select client_secret_sealed from sso_connections where id = ?',
      connection.id,
    )
    expect(row!.client_secret_sealed).toMatch(/^v1\./)
    expect(row!.client_secret_sealed).not.toContain(secret)
    expect(
      await json(await rig.admin('GET', `/admin/api/sso-connections/${connection.id}`)),
    ).toEqual(connection)
    const shown = await json(await rig.admin('GET', `/admin/api/teams/${team.id}`))
    expect([shown.connection, shown.connections]).toEqual([connection, [connection]])
  })

  it('works with a custom authorization server issuer (path) such as /oauth2/default', async () => {
    const { rig, ownerEmail } = await teamAndIdp(
      `https://${unique('org')}.okta.test/oauth2/default`,
    )
    const response = await rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail,
      clientId: 'c',
      clientSecret: 's',
      issuer: `${rig.idp.issuer}/`,
    })
    expect(response.status).toBe(201)
    expect((await json(response)).issuer).toBe(rig.idp.issuer)
  })

  it('refuses a discovery document naming another issuer (400) and saves nothing', async () => {
    const { rig, team, ownerEmail } = await teamAndIdp()
    rig.idp.behaviour.discoveryIssuer = 'https://evil.example.test'
    const response = await rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail,
      clientId: 'c',
      clientSecret: 's',
      issuer: rig.idp.issuer,
    })
    const { referenceId } = await expectRefusal(response, { status: 400, code: 'issuer_mismatch' })
    expect(await query('select * from sso_connections where team_id = ?', team.id)).toEqual([])
    expect(await query('select team_id from events where reference_id = ?', referenceId)).toEqual([
      { team_id: team.id },
    ])
  })

  it('answers 502 when discovery is unreachable, 400 for an http or malformed issuer, 404 without a team; a second connection is 201 (second stage: several per team)', async () => {
    const { rig, ownerEmail } = await teamAndIdp()
    const base = { ownerEmail, clientId: 'c', clientSecret: 's' }
    rig.idp.behaviour.down = { discovery: true }
    const down = await rig.admin('POST', '/admin/api/sso-connections', {
      ...base,
      issuer: rig.idp.issuer,
    })
    await expectRefusal(down, { status: 502, code: 'discovery_unreachable' })
    rig.idp.behaviour.down = {}
    const http = await rig.admin('POST', '/admin/api/sso-connections', {
      ...base,
      issuer: 'http://insecure.example.test',
    })
    await expectRefusal(http, { status: 400, code: 'issuer_invalid' })
    const noTeam = await rig.admin('POST', '/admin/api/sso-connections', {
      ...base,
      ownerEmail: 'nobody@nowhere.example',
      issuer: rig.idp.issuer,
    })
    await expectRefusal(noTeam, { status: 404, code: 'team_not_found' })
    expect(
      (await rig.admin('POST', '/admin/api/sso-connections', { ...base, issuer: rig.idp.issuer }))
        .status,
    ).toBe(201)
    const second = await rig.admin('POST', '/admin/api/sso-connections', {
      ...base,
      issuer: rig.idp.issuer,
    })
    expect(second.status).toBe(201)
  })

  it('patches secret, client id, method and enabled; deletes; never discloses the secret in responses or events', async () => {
    const { rig, ownerEmail } = await teamAndIdp()
    const secrets = ['first-secret-value-1', 'rotated-secret-value-2']
    const created = await json(
      await rig.admin('POST', '/admin/api/sso-connections', {
        ownerEmail,
        clientId: 'c1',
        clientSecret: secrets[0],
        issuer: rig.idp.issuer,
      }),
    )
    const patched = await rig.admin('PATCH', `/admin/api/sso-connections/${created.id}`, {
      clientSecret: secrets[1],
      clientId: 'c2',
      enabled: false,
      tokenEndpointAuthMethod: 'client_secret_post',
    })
    expect(patched.status).toBe(200)
    const patchedText = await patched.text()
    expect(JSON.parse(patchedText)).toEqual({
      ...created,
      clientId: 'c2',
      enabled: false,
      tokenEndpointAuthMethod: 'client_secret_post',
    })
    const { unseal } = await import('../src/crypto/secret-box')
    const [row] = await query<{ client_secret_sealed: string }>(
      'select client_secret_sealed from sso_connections where id = ?',
      created.id,
    )
    const dataKey = fromBase64Url(env.DATA_KEY)
    expect(await unseal(dataKey, row!.client_secret_sealed, created.id)).toBe(secrets[1])
    expect(
      (await rig.admin('PATCH', `/admin/api/sso-connections/${created.id}`, { colour: 'blue' }))
        .status,
    ).toBe(400)
    expect((await rig.admin('PATCH', `/admin/api/sso-connections/${created.id}`, {})).status).toBe(
      400,
    )
    expect(
      (await rig.admin('PATCH', '/admin/api/sso-connections/missing', { enabled: true })).status,
    ).toBe(404)
    const events = await rig.admin('GET', `/admin/api/events?teamId=${created.teamId}`)
    const eventsText = await events.text()
    for (const secret of secrets) {
      expect(patchedText + eventsText).not.toContain(secret)
    }
    expect((await rig.admin('DELETE', `/admin/api/sso-connections/${created.id}`)).status).toBe(204)
    expect((await rig.admin('GET', `/admin/api/sso-connections/${created.id}`)).status).toBe(404)
    expect((await rig.admin('DELETE', `/admin/api/sso-connections/${created.id}`)).status).toBe(404)
  })
})

describe('events', () => {
  it('lists a team’s events newest first in the public shape, bounded by limit', async () => {
    const { rig, team: setup } = await teamOnly()
    const { ownerEmail } = setup
    const team = { id: setup.teamId }
    await rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail,
      clientId: 'c',
      clientSecret: 's',
      issuer: 'https://unreachable.example.test',
    })
    const { events } = await json(
      await rig.admin('GET', `/admin/api/events?teamId=${team.id}&limit=5`),
    )
    expect(events).toHaveLength(2)
    expect(events[0]).toEqual({
      id: expect.any(String),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      kind: 'admin',
      outcome: 'error',
      errorCode: 'discovery_unreachable',
      teamId: team.id,
      email: ownerEmail,
      referenceId: expect.any(String),
      count: 1,
    })
    expect(events[1]).toMatchObject({ kind: 'admin', outcome: 'success', errorCode: null })
    const limited = await json(
      await rig.admin('GET', `/admin/api/events?teamId=${team.id}&limit=1`),
    )
    expect(limited.events).toHaveLength(1)
    expect((await rig.admin('GET', '/admin/api/events?limit=100000')).status).toBe(400)
  })
})
