// Service binding RPC: a second Worker asks EdgeSso.identify(cookie) and gets the identity token, or null.
import { env } from 'cloudflare:test'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { Browser, publicOrigin } from './harness'
import { register } from './logins'
import { query } from './rows'
import { expectSignedIn, scene } from './scene'

const area = 'Host identity'

/** What the host Worker got back from `env.SSO.identify(cookie)`. */
async function identifyThroughHost(cookie: string | undefined) {
  const response = await env.HOST_RPC.fetch('https://host.example.com/', {
    headers: cookie ? { cookie } : {},
  })
  expect(response.status).toBe(200)
  return (await response.json()) as { token: string; claims: Record<string, unknown> } | null
}

describe('EdgeSso.identify over a service binding', () => {
  it('gives the signed-in browser’s identity token and its claims, verifiable against the JWKS', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = await expectSignedIn(s)
    const identity = await identifyThroughHost(browser.header())
    expect(identity).not.toBeNull()
    const jwks = await (await s.rig.fetch(new Browser(), '/.well-known/jwks.json')).json()
    const { payload } = await jwtVerify(identity!.token, createLocalJWKSet(jwks as never), {
      issuer: publicOrigin,
      audience: publicOrigin,
    })
    expect(identity!.claims).toEqual(payload)
    expect(identity!.claims).toMatchObject({
      email: s.email,
      team_id: s.team.teamId,
      role: 'member',
      amr: ['sso'],
    })
    s.tally.accepted()
  })

  it('answers null for no cookie and a forged cookie', async (ctx) => {
    const s = await scene({ ctx, area })
    expect(await identifyThroughHost(undefined)).toBeNull()
    expect(await identifyThroughHost('__Host-edge_sso_session=k2.forged.AAAA')).toBeNull()
    s.tally.countRefused()
    s.tally.countRefused()
  })

  it('answers null for a session support revoked, once its recheck is due', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = new Browser()
    const email = `pat@solo.${s.team.domain}`
    await register(s.rig, browser, email)
    const live = await identifyThroughHost(browser.header())
    expect(live?.claims).toMatchObject({ email, amr: ['pwd'], team_id: null })
    const [user] = await query<{ id: string }>('select id from users where email = ?', email)
    expect((await s.rig.admin('DELETE', `/admin/api/users/${user!.id}/sessions`)).status).toBe(204)
    s.advance(120_000)
    expect(await identifyThroughHost(browser.header())).toBeNull()
    s.tally.countRefused()
  })
})
