// edge-sso in front of examples/host-app: the example verifies the gateway's assertion against edge-sso's JWKS.
import { describe, expect, it } from 'vitest'
import { createHostApp } from '../examples/host-app/src/index'
import { Browser, publicOrigin, type Rig } from './harness'
import { expectSignedIn, scene } from './scene'

const area = 'Host identity'

/** The example bound as the `APP` service binding; its JWKS fetched from edge-sso itself. */
function behindGateway(rig: Rig) {
  const host = createHostApp({
    fetchJwks: (url) => rig.fetch(new Browser(), new URL(String(url)).pathname),
  })
  const hostEnv = { SSO_ISSUER: publicOrigin, SSO_AUDIENCE: publicOrigin }
  const app = { fetch: (request: Request) => host.fetch(request, hostEnv) }
  rig.testEnv = { ...rig.testEnv, APP: app as unknown as Fetcher } as Env
}

describe('the example host app behind the gateway', () => {
  it('shows the signed-in member, their team and role at /app', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = await expectSignedIn(s)
    behindGateway(s.rig)
    const response = await s.rig.fetch(browser, '/app')
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain(`data-testid="email">${s.email}<`)
    expect(page).toContain(`data-testid="team">${s.team.teamId}<`)
    expect(page).toContain('data-testid="role">member<')
    expect(page).toContain('data-testid="amr">sso<')
    s.tally.accepted()
  })

  it('shows nobody for an anonymous browser that forges the header; sends it to sign in for /app', async (ctx) => {
    const s = await scene({ ctx, area })
    behindGateway(s.rig)
    const forged = { headers: { 'edge-sso-assertion': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } }
    const pricing = await s.rig.fetch(new Browser(), '/pricing', forged)
    expect(await pricing.text()).toContain('data-testid="anonymous"')
    const app = await s.rig.fetch(new Browser(), '/app', forged)
    expect([app.status, app.headers.get('location')]).toEqual([302, '/?return_to=%2Fapp'])
    s.tally.countRefused()
  })
})
