// Hole R3 of the review of d273349: unsigned traffic spent a team's Universal Logout budget.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { Browser, me, publicOrigin, type Rig, unique } from './harness'
import { query } from './rows'
import { expectSignedIn, scene } from './scene'
import { TestIdp } from './idp/provider'

const area = 'Universal Logout forgeries'
const bare = '/sso/universal-logout'

const b64url = (v: unknown) =>
  btoa(JSON.stringify(v)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')

/** No key, no signature: only the victim's issuer, which is public (it is in the tile URL). */
const junkFor = (issuer: string) => `${b64url({ alg: 'RS256' })}.${b64url({ iss: issuer })}.AAAA`

function logout(rig: Rig, token: string, email: string, path = bare, browser = new Browser()) {
  return rig.fetch(browser, path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'sec-fetch-site': 'cross-site',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ sub_id: { format: 'email', email } }),
  })
}

/** `idp`'s signed logout token for the endpoint at `path`. */
function signedBy(rig: Rig, idp: TestIdp, path = bare) {
  const now = Math.floor(rig.runtime.now() / 1000)
  return idp.signToken(
    { iss: idp.issuer, aud: `${publicOrigin}${path}`, iat: now, exp: now + 300, jti: unique('j') },
    { typ: 'global-token-revocation+jwt' },
  )
}

async function liveSessions(email: string) {
  const [row] = await query<{ n: number }>(
    'select count(*) as n from sessions s join users u on u.id = s.user_id where u.email = ? and s.revoked_at is null',
    email,
  )
  return row!.n
}

const successfulLogouts = async (email: string) =>
  (
    await query(
      "select 1 from events where action = 'universal_logout' and outcome = 'success' and email = ?",
      email,
    )
  ).length

describe('R3: unsigned requests cannot switch off a team’s Universal Logout', () => {
  it('before, 60 unsigned requests naming the issuer spent the connection’s limit and Okta’s logout was 429; now it ends the sessions (204)', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = await expectSignedIn(s)
    const junk = junkFor(s.rig.idp.issuer)
    const perConnection = `${bare}/${s.team.connectionId}`
    await s.tally.baseline()
    for (let i = 0; i < 70; i++)
      await s.tally.refused(await logout(s.rig, junk, s.email, i % 2 ? perConnection : bare), {
        status: 401,
        code: 'logout_token_invalid',
      })
    expect(await liveSessions(s.email)).toBe(1)

    const real = await logout(s.rig, await signedBy(s.rig, s.rig.idp), s.email)
    expect(real.status).toBe(204)
    expect(await liveSessions(s.email)).toBe(0)
    expect(await successfulLogouts(s.email)).toBe(1)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
    s.tally.accepted()
  })

  it('unverified requests count per client: one client’s 4th is 429, another client is still heard, and Okta’s signed request from that same address still works', async (ctx) => {
    const s = await scene({ ctx, area })
    await expectSignedIn(s)
    // The per-client limit (the anonymous routes' one) swapped for RL_TEST: 3 a minute.
    Object.assign(s.rig.testEnv, { RL_ANONYMOUS: env.RL_TEST })
    const attacker = new Browser()
    const junk = junkFor(s.rig.idp.issuer)
    await s.tally.baseline()
    for (let i = 1; i <= 3; i++)
      await s.tally.refused(await logout(s.rig, junk, s.email, bare, attacker), {
        status: 401,
        code: 'logout_token_invalid',
      })
    const limited = await logout(s.rig, junk, s.email, `${bare}/${s.team.connectionId}`, attacker)
    expect(limited.headers.get('retry-after')).toBe('10')
    await s.tally.refused(limited, { status: 429, code: 'rate_limited' })
    await s.tally.refused(await logout(s.rig, junk, s.email), {
      status: 401,
      code: 'logout_token_invalid',
    })
    expect(await liveSessions(s.email)).toBe(1)

    const real = await logout(s.rig, await signedBy(s.rig, s.rig.idp), s.email, bare, attacker)
    expect(real.status).toBe(204)
    expect(await liveSessions(s.email)).toBe(0)
    s.tally.accepted()
  })
})
