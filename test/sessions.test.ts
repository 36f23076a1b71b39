// Session cookies: attributes, tampering, key rotation, the recheck interval, logout and SSO-only enforcement.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../src/crypto/encoding'
import { Browser, expectRefusal, formPost, jsonPost, me } from './harness'
import { query } from './rows'
import { register, tileLogin } from './logins'
import { connectTeam, scene } from './scene'

/** A scene (for its rig and clock) and a registered password user, signed in, of no team. */
async function passwordSession() {
  const { rig, team, advance } = await scene()
  const browser = new Browser()
  const email = `pat@solo.${team.domain}`
  const response = await rig.fetch(
    browser,
    '/register',
    formPost({ email, password: 'long enough password' }),
  )
  expect(response.status).toBe(303)
  return { rig, browser, email, advance: (seconds: number) => advance(seconds * 1000) }
}

describe('session cookie', () => {
  it('is __Host-, HttpOnly, Secure, SameSite=Lax, Path=/ and names its key id', async () => {
    const { rig, email } = await passwordSession()
    const response = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email, password: 'long enough password' }),
    )
    const cookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('__Host-edge_sso_session='))!
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toMatch(/Domain=/i)
    expect(cookie).toMatch(/^__Host-edge_sso_session=k2\./)
  })

  it('refuses any tampered cookie: payload, signature, key id, or a cookie signed with an unknown key', async () => {
    const { rig, browser } = await passwordSession()
    const original = browser.cookies.get('__Host-edge_sso_session')!
    expect((await me(rig, browser)).status).toBe(200)
    const decoded = decodeURIComponent(original)
    const [kid, payload, signature] = decoded.split('.') as [string, string, string]
    const json = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)))
    const forged = toBase64Url(
      new TextEncoder().encode(JSON.stringify({ ...json, userId: 'someone-else' })),
    )
    const variants = [
      `${kid}.${forged}.${signature}`,
      `${kid}.${payload}.${signature.slice(0, -2)}AA`,
      `k1.${payload}.${signature}`,
      `zz.${payload}.${signature}`,
      `${kid}.${payload}`,
      'garbage',
    ]
    for (const value of variants) {
      const tampered = new Browser()
      tampered.cookies.set('__Host-edge_sso_session', encodeURIComponent(value))
      await expectRefusal(await me(rig, tampered), { status: 401, code: 'unauthorized' })
    }
  })

  it('keeps sessions signed with a retired key valid, and re-signs them with the current key at the recheck', async () => {
    const { rig, browser, advance } = await passwordSession()
    // A new key first: the worker signs with it and still verifies the retired one.
    const newKey = `k3:${btoa('a brand new session key, 32 bytes!')}`
    rig.testEnv = { ...rig.testEnv, SESSION_KEYS: `${newKey},${env.SESSION_KEYS}` }
    const ask = () => me(rig, browser)
    expect((await ask()).status).toBe(200)
    advance(301)
    const rechecked = await ask()
    expect(rechecked.status).toBe(200)
    expect(rechecked.headers.getSetCookie()[0]).toMatch(/^__Host-edge_sso_session=k3\./)
  })
})

describe('recheck interval', () => {
  it('reads D1 only once per interval, and ends a revoked session at the next recheck', async () => {
    const { rig, browser, email, advance } = await passwordSession()
    rig.resetCounters()
    expect((await me(rig, browser)).status).toBe(200)
    expect(rig.counters.d1).toBe(0)
    const stolen = new Browser()
    stolen.cookies.set('__Host-edge_sso_session', browser.cookies.get('__Host-edge_sso_session')!)
    const logout = await rig.fetch(browser, '/logout', formPost({}))
    expect(logout.status).toBe(303)
    expect(browser.cookies.has('__Host-edge_sso_session')).toBe(false)
    const [session] = await query<{ revoked_at: number | null }>(
      'select s.revoked_at from sessions s join users u on u.id = s.user_id where u.email = ?',
      email,
    )
    expect(session!.revoked_at).not.toBeNull()
    expect((await me(rig, stolen)).status).toBe(200)
    advance(301)
    rig.resetCounters()
    expect((await me(rig, stolen)).status).toBe(401)
    expect(rig.counters.d1).toBe(1)
  })
})

describe('SSO only', () => {
  it('refuses password login for members of an SSO team and ends their password sessions at the recheck', async () => {
    const { rig, team: scenery, advance } = await scene({ connect: false })
    const ownerEmail = `owner@sso.${scenery.domain}`
    const owner = new Browser()
    await register(rig, owner, ownerEmail, { password: 'owner password 1' })
    const created = await rig.fetch(
      owner,
      '/api/team',
      jsonPost({ name: 'Owner Co', defaultPermission: 'public' }),
    )
    expect(created.status).toBe(201)
    const team = ((await created.json()) as any).team
    expect(((await (await me(rig, owner)).json()) as any).team).toEqual({
      id: team.id,
      name: 'Owner Co',
    })

    await connectTeam(rig, { ownerEmail, clientId: 'co', clientSecret: 'co-secret' })

    const refused = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email: ownerEmail, password: 'owner password 1' }),
    )
    await expectRefusal(refused, { status: 403, code: 'sso_required' })
    expect((await me(rig, owner)).status).toBe(200)
    advance(301_000)
    expect((await me(rig, owner)).status).toBe(401)

    // Linking the owner's account by email needs the team's proven domain: the owner publishes its TXT record.
    const shape = (await (await rig.admin('GET', `/admin/api/teams/${team.id}`)).json()) as {
      pendingDomains: { domain: string; dnsName: string; dnsValue: string }[]
    }
    const [pending] = shape.pendingDomains
    rig.dns.set(pending!.dnsName, [pending!.dnsValue])
    const verify = `/admin/api/teams/${team.id}/domains/${pending!.domain}/verify`
    expect((await rig.admin('POST', verify)).status).toBe(200)
    rig.idp.addUser({ sub: 'okta-owner', email: ownerEmail, email_verified: true })
    const sso = new Browser()
    expect((await tileLogin(rig, sso, 'okta-owner')).callback.status).toBe(303)
    expect(((await (await me(rig, sso)).json()) as any).authMethod).toBe('sso')
  })
})
