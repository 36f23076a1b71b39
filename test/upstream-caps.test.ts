// An IdP that answers with a huge body is cut off at the cap and refused (502 idp_response_invalid), never read whole.
import { describe, expect, it } from 'vitest'
import type { IdpEndpoint } from './idp/provider'
import { Browser, me } from './harness'
import { initiatePath, scene, sub } from './scene'
import { finishLogin } from './logins'
import { maxUpstreamBytes } from '../src/upstream'

const fiftyMegabytes = 50 * 1024 * 1024

describe('upstream response caps', () => {
  it('a 50 MB discovery document is cut off at the cap: initiate answers 502 idp_response_invalid', async (ctx) => {
    // Broke before: oauth4webapi read the whole discovery body (no cap), so a hostile IdP held the worker.
    const s = await scene({ ctx, area: 'Upstream caps' })
    s.rig.idp.behaviour.oversized = { discovery: fiftyMegabytes }
    await s.tally.baseline()
    const initiate = await s.rig.fetch(new Browser(), initiatePath(s))
    await s.tally.refused(initiate, { status: 502, code: 'idp_response_invalid' })
    expect(s.rig.idp.paddingServed).toBeLessThan(2 * maxUpstreamBytes)
  })

  for (const endpoint of ['jwks', 'token', 'userinfo'] as const satisfies IdpEndpoint[]) {
    it(`a 50 MB ${endpoint} response is cut off at the cap: the callback answers 502, no session`, async (ctx) => {
      // Broke before: token and userinfo bodies were read whole by oauth4webapi, the JWKS by response.json().
      const s = await scene({ ctx, area: 'Upstream caps' })
      if (endpoint === 'userinfo') s.rig.idp.behaviour.thinIdToken = true
      const browser = new Browser()
      const initiate = await s.rig.fetch(browser, initiatePath(s), {
        headers: { 'sec-fetch-site': 'cross-site' },
      })
      const callbackUrl = s.rig.idp.authorize(initiate.headers.get('location') ?? '', sub)
      s.rig.idp.behaviour.oversized = { [endpoint]: fiftyMegabytes }
      await s.tally.baseline()
      const callback = await s.rig.fetch(browser, callbackUrl, {
        headers: { 'sec-fetch-site': 'cross-site' },
      })
      await s.tally.refused(callback, { status: 502, code: 'idp_response_invalid' })
      expect(s.rig.idp.count(endpoint)).toBeGreaterThan(0)
      expect(s.rig.idp.paddingServed).toBeLessThan(2 * maxUpstreamBytes)
      expect((await me(s.rig, browser)).status).toBe(401)
    })
  }

  it('a response within the cap is unchanged (padding of 1 KB still signs in)', async (ctx) => {
    const s = await scene({ ctx, area: 'Upstream caps' })
    s.rig.idp.behaviour.oversized = { discovery: 1024, jwks: 1024, token: 1024 }
    const browser = new Browser()
    const initiate = await s.rig.fetch(browser, initiatePath(s))
    const callbackUrl = s.rig.idp.authorize(initiate.headers.get('location') ?? '', sub)
    expect((await finishLogin(s.rig, browser, callbackUrl)).callback.status).toBe(303)
    expect((await me(s.rig, browser)).status).toBe(200)
  })
})
