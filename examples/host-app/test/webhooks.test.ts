// The example host app's POST /webhooks: edge-sso's signed events verified, each kept once, shown on /app.
import { describe, expect, it } from 'vitest'
import { signedRequest } from '../../../src/webhooks/sign'
import { createHostApp } from '../src/index'

const secret = `whsec_${btoa('example-host-app-secret-01234567')}`
const env = {
  SSO_ISSUER: 'https://sso.example.com',
  SSO_AUDIENCE: 'https://app.example.com',
  WEBHOOK_SECRET: secret,
}

const event = (id: string, atMs = Date.now()) => ({
  id,
  type: 'sessions.revoked',
  atMs,
  data: { teamId: 'team-1', userId: 'user-1', via: 'scim', scope: 'all' },
})

/** A delivery as edge-sso sends it (its own signing code), signed with `key` at `sentAtMs`. */
function delivery(message: ReturnType<typeof event>, key = secret, sentAtMs = Date.now()) {
  const { body, headers } = signedRequest(key, message, sentAtMs)
  return { method: 'POST', headers, body }
}

const heard = async (app: ReturnType<typeof createHostApp>) =>
  ((await (await app.request('/webhooks', {}, env)).json()) as { events: { id: string }[] }).events

describe('the example host app’s webhook receiver', () => {
  it('accepts edge-sso’s signed event (204), keeps it once however often it comes, shows it on /app', async () => {
    const app = createHostApp()
    const first = await app.request('/webhooks', delivery(event('msg_1')), env)
    expect(first.status).toBe(204)
    // At least once: a retry of the same webhook-id is answered 2xx and not kept twice.
    const again = await app.request('/webhooks', delivery(event('msg_1')), env)
    expect(again.status).toBe(204)
    expect((await heard(app)).map((e) => e.id)).toEqual(['msg_1'])
    const page = await (await app.request('/app', {}, env)).text()
    expect(page).toMatch(/<code>sessions.revoked<\/code> via\s+scim/)
  })

  it('refuses a forged signature, another secret’s and a stale timestamp (400), keeping none', async () => {
    const app = createHostApp()
    const forged = delivery(event('msg_2'))
    forged.body = forged.body.replace('scim', 'support')
    const other = delivery(event('msg_3'), `whsec_${btoa('someone-else-s-secret-0123456789')}`)
    const stale = delivery(event('msg_4'), secret, Date.now() - 10 * 60_000)
    for (const request of [forged, other, stale])
      expect((await app.request('/webhooks', request, env)).status).toBe(400)
    expect(await heard(app)).toEqual([])
  })

  it('answers 404 when no WEBHOOK_SECRET is set', async () => {
    const app = createHostApp()
    const response = await app.request('/webhooks', delivery(event('msg_5')), {
      ...env,
      WEBHOOK_SECRET: undefined,
    })
    expect(response.status).toBe(404)
  })
})
