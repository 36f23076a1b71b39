// Discovery and JWKS caching: memory, then KV, then the IdP; stale discovery during outages; the key cache's limits.
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import { freshForMs, staleForMs } from '../src/oidc/document-cache'
import { createRuntime } from '../src/runtime'
import { Browser, expectRefusal } from './harness'
import { tileLogin } from './logins'
import { pendingLogin, scene } from './scene'

/** A scene after one login: discovery and JWKS cached, counters at zero. */
async function warmRig() {
  const s = await scene()
  s.rig.idp.addUser({ sub: 'u1', email: `u1@${s.team.domain}`, email_verified: true })
  expect((await tileLogin(s.rig, new Browser(), 'u1')).callback.status).toBe(303)
  s.rig.idp.resetCounts()
  s.rig.resetCounters()
  return s
}

describe('discovery and JWKS cache', () => {
  it('serves a second login from memory: no discovery or JWKS fetch, no KV read', async () => {
    const { rig } = await warmRig()
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('discovery') + rig.idp.count('jwks')).toBe(0)
    expect(rig.idp.count('token')).toBe(1)
    expect(rig.counters.kvReads).toBe(0)
  })

  it('lets a fresh isolate start from KV without asking the IdP', async () => {
    const { rig } = await warmRig()
    const isolate = createRuntime({ fetch: rig.runtime.fetch, now: rig.runtime.now })
    const app = createApp(isolate)
    const iss = encodeURIComponent(rig.idp.issuer)
    const initiate = await app.request(
      `https://sso.example.com/sso/initiate?iss=${iss}`,
      {},
      rig.testEnv,
    )
    expect(initiate.status).toBe(302)
    expect(rig.idp.count('discovery')).toBe(0)
    expect(rig.counters.kvReads).toBe(1)
  })

  it('refetches discovery after an hour, and serves the stale copy for up to a day while it is down', async () => {
    const { rig, advance } = await warmRig()
    advance(freshForMs + 1)
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('discovery')).toBe(1)
    advance(freshForMs + 1)
    rig.idp.behaviour.down = { discovery: true }
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    advance(staleForMs)
    const { callback } = await tileLogin(rig, new Browser(), 'u1')
    await expectRefusal(callback, { status: 502, code: 'idp_unreachable' })
  })

  it('trusts the keys for five minutes (oauth4webapi), then asks the IdP; no stale keys while it is down', async () => {
    const { rig, advance } = await warmRig()
    advance(4 * 60_000)
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('jwks')).toBe(0)
    advance(60_000)
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('jwks')).toBe(1)
    advance(5 * 60_000)
    rig.idp.behaviour.down = { jwks: true }
    const { callback } = await tileLogin(rig, new Browser(), 'u1')
    await expectRefusal(callback, { status: 502, code: 'idp_unreachable' })
  })

  it('refetches the JWKS on an unknown kid once the keys are a minute old, not before', async () => {
    const { rig, advance } = await warmRig()
    await rig.idp.rotateKeys()
    const early = await tileLogin(rig, new Browser(), 'u1')
    await expectRefusal(early.callback, { status: 403, code: 'token_invalid' })
    expect(rig.idp.count('jwks')).toBe(0)
    advance(60_000)
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('jwks')).toBe(1)
    await rig.idp.rotateKeys()
    const refused = await tileLogin(rig, new Browser(), 'u1')
    await expectRefusal(refused.callback, { status: 403, code: 'token_invalid' })
    expect(rig.idp.count('jwks')).toBe(1)
    advance(60_000)
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('jwks')).toBe(2)
  })

  it('keeps the refetched keys in KV, so a fresh isolate uses them without asking the IdP', async () => {
    const { rig, advance } = await warmRig()
    await rig.idp.rotateKeys()
    advance(60_000)
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('jwks')).toBe(1)
    rig.runtime.keyCaches.clear()
    rig.runtime.documents.clear()
    expect((await tileLogin(rig, new Browser(), 'u1')).callback.status).toBe(303)
    expect(rig.idp.count('jwks')).toBe(1)
  })

  it('shares one JWKS fetch among concurrent callbacks on a cold cache', async () => {
    const s = await scene()
    const { rig } = s
    const pending = []
    for (let i = 0; i < 5; i++) pending.push(await pendingLogin(s))
    const callbacks = await Promise.all(
      pending.map(({ browser, callbackUrl }) => rig.fetch(browser, callbackUrl)),
    )
    // Each token passed: each fresh browser is asked "Continue as …?".
    expect(callbacks.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(rig.idp.count('jwks')).toBe(1)
  })

  it('falls back to the IdP when KV is unavailable, and stays correct', async () => {
    const { rig } = await scene()
    rig.faults.kvDown = true
    expect((await tileLogin(rig, new Browser(), 'okta-ada')).callback.status).toBe(303)
  })
})
