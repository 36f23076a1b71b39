// The gateway: other paths go to the host app untouched, with Edge-SSO-Assertion for the signed-in and nothing of ours.
import { env } from 'cloudflare:test'
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/env'
import { Browser, publicOrigin, type Rig } from './harness'
import { query } from './rows'
import { expectSignedIn, scene, type Scene } from './scene'

const area = 'Host identity'

interface Received {
  method: string
  url: string
  headers: Headers
  body: ArrayBuffer
}

/**
 * A host app behind the gateway (as the `APP` service binding, or at `APP_ORIGIN`): it records what it
 * receives and answers by path.
 */
function hostApp() {
  const received: Received[] = []
  let releaseStream: () => void = () => {}
  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    received.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.arrayBuffer(),
    })
    if (url.pathname === '/down') throw new TypeError('Network connection lost.')
    if (url.pathname === '/slow') return new Promise<Response>(() => {})
    if (url.pathname === '/app/redirect')
      return new Response(null, {
        status: 302,
        headers: [
          ['location', '/app/elsewhere'],
          ['set-cookie', 'host_pref=dark; Path=/'],
          ['set-cookie', 'host_cart=3; Path=/'],
          ['x-host', 'kept'],
        ],
      })
    if (url.pathname === '/app/stream') {
      const encoder = new TextEncoder()
      const released = new Promise<void>((resolve) => (releaseStream = resolve))
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('first chunk;'))
          await released
          controller.enqueue(encoder.encode('second chunk'))
          controller.close()
        },
      })
      return new Response(body, { status: 207, headers: { 'content-type': 'text/plain' } })
    }
    return new Response(`host ${request.method} ${url.pathname}`, {
      status: 203,
      headers: { 'x-host': 'kept', 'content-type': 'text/html', connection: 'close' },
    })
  }
  return { received, handle, release: () => releaseStream() }
}

/** The scene's worker with the host app bound as `APP`. */
function bindHost(rig: Rig) {
  const host = hostApp()
  rig.testEnv = { ...rig.testEnv, APP: { fetch: host.handle } as unknown as Fetcher } as Env
  return host
}

async function jwksOf(rig: Rig): Promise<JSONWebKeySet> {
  return (await rig.fetch(new Browser(), '/.well-known/jwks.json')).json()
}

async function signedIn(ctx: Parameters<typeof scene>[0]) {
  const s = await scene(ctx)
  const browser = await expectSignedIn(s)
  return { ...s, browser, host: bindHost(s.rig) }
}

const verify = async (s: Scene, token: string) =>
  (
    await jwtVerify(token, createLocalJWKSet(await jwksOf(s.rig)), {
      issuer: publicOrigin,
      audience: publicOrigin,
      algorithms: ['ES256'],
    })
  ).payload

describe('gateway to the host app', () => {
  it('forwards a signed-in person’s request with a verifiable Edge-SSO-Assertion, and none of our cookies', async (ctx) => {
    const s = await signedIn({ ctx, area })
    s.browser.cookies.set('host_pref', 'dark')
    const response = await s.rig.fetch(s.browser, '/app/projects?page=2', {
      headers: { 'edge-sso-assertion': 'forged.by.client', 'x-request-id': 'r1' },
    })
    expect([response.status, await response.text()]).toEqual([203, 'host GET /app/projects'])
    const [got] = s.host.received
    expect(got!.url).toBe(`${publicOrigin}/app/projects?page=2`)
    const payload = await verify(s, got!.headers.get('edge-sso-assertion')!)
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    expect(payload).toMatchObject({
      sub: user!.id,
      email: s.email,
      team_id: s.team.teamId,
      role: 'member',
    })
    expect(got!.headers.get('cookie')).toBe('host_pref=dark')
    expect(got!.headers.get('x-request-id')).toBe('r1')
    expect(got!.headers.get('x-forwarded-host')).toBe('sso.example.com')
    s.tally.accepted()
  })

  it('strips a client-sent assertion from an anonymous request and forwards it without one', async (ctx) => {
    const s = await scene({ ctx, area })
    const host = bindHost(s.rig)
    const browser = new Browser()
    browser.cookies.set('__Host-edge_sso_session', 'k2.forged.AAAA')
    const response = await s.rig.fetch(browser, '/pricing', {
      headers: { 'Edge-SSO-Assertion': 'eyJhbGciOiJub25lIn0.e30.' },
    })
    expect(response.status).toBe(203)
    const [got] = host.received
    expect(got!.headers.has('edge-sso-assertion')).toBe(false)
    expect(got!.headers.has('cookie')).toBe(false)
    s.tally.countRefused()
  })

  it('sends a signed-out request under PROTECTED_PATHS to sign in (302 /?return_to=), never to the host app', async (ctx) => {
    const s = await scene({ ctx, area })
    const host = bindHost(s.rig)
    const browser = new Browser()
    for (const path of ['/app', '/app/reports?q=a b']) {
      const response = await s.rig.fetch(browser, path)
      expect(response.status).toBe(302)
      const location = new URL(response.headers.get('location')!, publicOrigin)
      expect([location.pathname, location.searchParams.get('return_to')]).toEqual([
        '/',
        new URL(path, publicOrigin).pathname + new URL(path, publicOrigin).search,
      ])
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
      s.tally.countRefused()
    }
    expect((await s.rig.fetch(browser, '/apple')).status, '/apple is not under /app').toBe(203)
    expect(host.received.map((r) => new URL(r.url).pathname)).toEqual(['/apple'])
    const login = await s.rig.fetch(browser, '/?return_to=%2Fapp%2Freports')
    expect(await login.text()).toContain('value="/app/reports"')
  })

  it('honours PROTECTED_PATHS as a comma-separated list', async () => {
    const s = await scene()
    const host = bindHost(s.rig)
    s.rig.testEnv = { ...s.rig.testEnv, PROTECTED_PATHS: '/dashboard, /billing/' }
    expect((await s.rig.fetch(new Browser(), '/billing/invoices')).status).toBe(302)
    expect((await s.rig.fetch(new Browser(), '/dashboard')).status).toBe(302)
    expect((await s.rig.fetch(new Browser(), '/app')).status).toBe(203)
    expect(host.received).toHaveLength(1)
  })

  it('keeps edge-sso’s own routes: the login page, /api, /sso, /admin, the JWKS are never forwarded', async () => {
    const s = await signedIn({})
    const paths = ['/', '/api/me', '/api/token', '/.well-known/jwks.json', '/admin', '/sso/start']
    for (const path of paths) await s.rig.fetch(s.browser, path)
    expect(s.host.received).toEqual([])
    const page = await s.rig.fetch(s.browser, '/')
    expect([page.status, page.headers.get('location')]).toEqual([302, `${publicOrigin}/app`])
  })

  it('passes methods, status, headers, Set-Cookie and redirects through untouched, adding none of our headers', async () => {
    const s = await signedIn({})
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await s.rig.fetch(s.browser, '/app/items/1', { method, body: method })
      expect(await response.text()).toBe(`host ${method} /app/items/1`)
    }
    expect(s.host.received.map((r) => new TextDecoder().decode(r.body))).toEqual([
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
    ])
    const redirect = await s.rig.fetch(s.browser, '/app/redirect')
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/app/elsewhere'])
    expect(redirect.headers.getSetCookie()).toEqual([
      'host_pref=dark; Path=/',
      'host_cart=3; Path=/',
    ])
    expect(redirect.headers.get('x-host')).toBe('kept')
    expect(redirect.headers.has('content-security-policy')).toBe(false)
    expect(redirect.headers.has('x-frame-options')).toBe(false)
  })

  it('drops hop-by-hop headers both ways, and the ones Connection names', async () => {
    const s = await signedIn({})
    const response = await s.rig.fetch(s.browser, '/app', {
      headers: {
        connection: 'x-secret-hop',
        'x-secret-hop': 'gone',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        te: 'trailers',
      },
    })
    expect(response.headers.has('connection')).toBe(false)
    const [got] = s.host.received
    for (const name of ['connection', 'x-secret-hop', 'keep-alive', 'proxy-authorization', 'te'])
      expect(got!.headers.has(name), name).toBe(false)
  })

  it('hands on our re-signed session cookie beside the host app’s own cookies at a recheck', async () => {
    const s = await signedIn({})
    s.advance(61_000)
    const response = await s.rig.fetch(s.browser, '/app/redirect')
    const cookies = response.headers.getSetCookie()
    expect(cookies).toContain('host_pref=dark; Path=/')
    expect(cookies.some((c) => c.startsWith('__Host-edge_sso_session=k2.'))).toBe(true)
  })

  it('ends a revoked session at its recheck: the cookie cleared, no assertion, sent to sign in', async (ctx) => {
    const s = await signedIn({ ctx, area })
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    expect((await s.rig.admin('DELETE', `/admin/api/users/${user!.id}/sessions`)).status).toBe(204)
    s.advance(61_000)
    const response = await s.rig.fetch(s.browser, '/app')
    expect(response.status).toBe(302)
    expect(response.headers.getSetCookie().join()).toMatch(/__Host-edge_sso_session=;/)
    await s.rig.fetch(s.browser, '/pricing')
    expect(s.host.received.map((r) => r.headers.has('edge-sso-assertion'))).toEqual([false])
    s.tally.countRefused()
  })

  it('signs the assertion once per half life, not per request', async () => {
    const s = await signedIn({})
    await s.rig.fetch(s.browser, '/app')
    await s.rig.fetch(s.browser, '/app')
    const [first, second] = s.host.received.map((r) => r.headers.get('edge-sso-assertion'))
    expect(first).toBe(second)
  })

  it('streams a large upload to the host app and a streamed answer back, past our 64 KB body limit', async () => {
    const s = await signedIn({})
    const size = 5 * 1024 * 1024
    const upload = new Uint8Array(size).map((_, i) => i % 251)
    const uploaded = await s.rig.fetch(s.browser, '/app/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: upload,
    })
    expect(uploaded.status).toBe(203)
    const got = new Uint8Array(s.host.received[0]!.body)
    expect(got.length).toBe(size)
    expect(got.every((byte, i) => byte === i % 251)).toBe(true)

    const streamed = await s.rig.fetch(s.browser, '/app/stream')
    expect(streamed.status).toBe(207)
    const reader = streamed.body!.getReader()
    const decoder = new TextDecoder()
    // The first chunk arrives while the host app is still holding back the second.
    expect(decoder.decode((await reader.read()).value)).toBe('first chunk;')
    s.host.release()
    let rest = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += decoder.decode(chunk.value)
    expect(rest).toBe('second chunk')
  })

  it('answers 502 app_unreachable when the host app is down, and does not retry the POST', async (ctx) => {
    const s = await signedIn({ ctx, area })
    const response = await s.rig.fetch(s.browser, '/down', { method: 'POST', body: 'once' })
    await s.tally.refused(response, { status: 502, code: 'app_unreachable' })
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(s.host.received).toHaveLength(1)
  })

  it('answers 504 app_timeout when the host app does not answer in time, sent once', async (ctx) => {
    const s = await signedIn({ ctx, area })
    s.rig.runtime.upstreamTimeoutMs = 50
    const response = await s.rig.fetch(s.browser, '/slow', { method: 'POST', body: 'once' })
    await s.tally.refused(response, { status: 504, code: 'app_timeout' })
    expect(s.host.received).toHaveLength(1)
  })

  it('reaches APP_ORIGIN over the network: the same path and query at the host app’s origin', async () => {
    const s = await scene()
    const host = hostApp()
    s.rig.runtime.hostFetch = (input, init) => host.handle(new Request(input, init))
    s.rig.testEnv = { ...s.rig.testEnv, APP_ORIGIN: 'https://app.internal.example/ignored' }
    const response = await s.rig.fetch(new Browser(), '/pricing?plan=team')
    expect(response.status).toBe(203)
    expect(host.received.map((r) => r.url)).toEqual([
      'https://app.internal.example/pricing?plan=team',
    ])
    expect(host.received[0]!.headers.get('x-forwarded-host')).toBe('sso.example.com')
  })

  it('refuses an APP_ORIGIN that is edge-sso itself (the gateway would forward to itself)', () => {
    expect(() =>
      readConfig({ ...env, APP_ORIGIN: `${publicOrigin}/` } as Env, `${publicOrigin}/`),
    ).toThrow(/APP_ORIGIN/)
  })

  it('without APP_ORIGIN or APP, /app stays the built-in page and other paths are 404', async () => {
    const s = await scene()
    const browser = await expectSignedIn(s)
    const page = await s.rig.fetch(browser, '/app')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-testid="user-email"')
    expect((await s.rig.fetch(browser, '/pricing')).status).toBe(404)
  })
})
