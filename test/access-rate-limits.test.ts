// SCIM (300 per 10 s per token) and Universal Logout (60 verified a minute per connection) over the limit: 429 with Retry-After.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { Browser, expectRefusal, publicOrigin, type Rig, unique } from './harness'
import { query } from './rows'
import { addTeam, scene } from './scene'
import { errorSchema, scimClient } from './scim-helpers'

/** The product's binding swapped for RL_TEST (3 a minute, vitest.config.ts), so the 4th request is over. */
const limitedAtThree = (rig: Rig, binding: 'RL_SCIM' | 'RL_UNIVERSAL_LOGOUT') =>
  Object.assign(rig.testEnv, { [binding]: env.RL_TEST })

/** A Universal Logout request to the connection's endpoint: signed by the rig's Okta, or `token` as given. */
async function universalLogout(rig: Rig, connectionId: string, token?: string) {
  const path = `/sso/universal-logout/${connectionId}`
  const now = Math.floor(rig.runtime.now() / 1000)
  const signed = await rig.idp.signToken(
    {
      iss: rig.idp.issuer,
      aud: `${publicOrigin}${path}`,
      iat: now,
      exp: now + 300,
      jti: unique('j'),
    },
    { typ: 'global-token-revocation+jwt' },
  )
  return rig.fetch(new Browser(), path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token ?? signed}`,
      'content-type': 'application/json',
      'sec-fetch-site': 'cross-site',
    },
    body: JSON.stringify({ sub_id: { format: 'email', email: 'nobody@example.com' } }),
  })
}

describe('SCIM rate limit', () => {
  it('refuses a token’s 4th request in the window with 429 in the SCIM error schema, Retry-After and an event; another token goes on', async () => {
    const s = await scene()
    const startedAt = s.rig.runtime.now()
    limitedAtThree(s.rig, 'RL_SCIM')
    const scim = await scimClient(s.rig, s.team.connectionId)
    for (let i = 1; i <= 3; i++)
      expect((await scim('GET', '/Users')).status, `request ${i}`).toBe(200)
    const refused = await scim('GET', '/Users')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('10')
    expect(refused.headers.get('content-type')).toBe('application/scim+json')
    expect(await refused.json()).toMatchObject({ schemas: [errorSchema], status: '429' })
    // Counted before the token is looked up (no D1 read for a flood), so the event names no team.
    const events = await query<{ outcome: string }>(
      "select outcome from events where action = 'scim_get_users' and error_code = 'rate_limited' and at >= ?",
      startedAt,
    )
    expect(events).toEqual([{ outcome: 'refused' }])

    const other = await addTeam(s.rig)
    const otherScim = await scimClient(s.rig, other.connectionId)
    expect((await otherScim('GET', '/Users')).status).toBe(200)
  })
})

describe('Universal Logout rate limit', () => {
  it('refuses a connection’s 4th verified request in the minute with 429 rate_limited (JSON) and Retry-After; unsigned ones do not count; another connection goes on', async () => {
    const s = await scene()
    limitedAtThree(s.rig, 'RL_UNIVERSAL_LOGOUT')
    for (let i = 1; i <= 5; i++)
      expect((await universalLogout(s.rig, s.team.connectionId, 'not.a.jwt')).status).toBe(401)
    for (let i = 1; i <= 3; i++)
      expect((await universalLogout(s.rig, s.team.connectionId)).status, `request ${i}`).toBe(404)
    const refused = await universalLogout(s.rig, s.team.connectionId)
    expect(refused.headers.get('retry-after')).toBe('60')
    await expectRefusal(refused, { status: 429, code: 'rate_limited' })

    const other = await addTeam(s.rig)
    expect((await universalLogout(s.rig, other.connectionId)).status).toBe(404)
  })
})
