// A bounded, seeded fuzz of every public route: garbage never earns a 5xx, an internal message, a secret or a row.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { prng } from './prng'
import { adminToken, Browser, formPost, publicOrigin, showsInternals } from './harness'
import { query } from './rows'
import { expectSignedIn, pendingLogin, scene, type Scene } from './scene'

const area = 'Fuzz (every route)'
const seed = 0x5eed_2026
const requestsPerRoute = 16

type Rng = ReturnType<typeof prng>

const ascii = (r: Rng, length: number) =>
  Array.from({ length }, () => String.fromCharCode(32 + r.int(95))).join('')

/** Hostile values; none contains the markers the body check looks for, so a reflection is not a false alarm. */
function garbage(r: Rng, s: Scene): string {
  const makers: (() => string)[] = [
    () => '',
    () => ascii(r, 1 + r.int(40)),
    () => ascii(r, 5_000 + r.int(60_000)),
    () => 'é中文🙂\u202e\u0301\ufeff'.repeat(1 + r.int(50)),
    () => '\ud800\udfff\ud83d',
    () => '\u0000\r\n\t\u001b',
    () => "' or 1=1 --; drop table users; select * from sso_connections",
    () => '<script>alert(1)</script>"\'><img src=x onerror=alert(1)>',
    () =>
      r.pick([
        'javascript:alert(1)',
        '//evil.example',
        '/\\evil.example',
        'https://evil.example/',
        '%2F%2Fevil.example',
        '/..//evil.example',
      ]),
    () => r.pick(['../../etc/passwd', '%', '%%', '%zz', '%ED%A0%80', '%c0%af', '%00']),
    () =>
      r.pick(['true', 'false', 'null', '0', '-1', '1e309', 'NaN', '9007199254740993', '[]', '{}']),
    () =>
      r.pick([
        'ａｄｍｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ',
        'a@b',
        '@',
        'a@@b.c',
        `"x"@${s.team.domain}x`,
        `${ascii(r, 400)}@x.io`,
      ]),
    () =>
      r.pick([
        s.rig.idp.issuer,
        `${s.rig.idp.issuer}/`,
        `${s.rig.idp.issuer}/.well-known/openid-configuration`,
        s.team.connectionId,
        s.team.teamId,
      ]),
  ]
  return r.pick(makers)()
}

/** A JSON body that no schema accepts: broken, the wrong shape, or every field of the wrong type. */
function garbageJson(r: Rng, s: Scene, fields: readonly string[]): string {
  const wrongType = () =>
    r.pick<unknown>([
      null,
      0,
      -1,
      true,
      [],
      {},
      [garbage(r, s)],
      { $gt: '' },
      1e308,
      ''.padEnd(3000, 'x'),
    ])
  const object = () => Object.fromEntries(fields.map((f) => [f, wrongType()]))
  const deep = () => '['.repeat(5_000) + ']'.repeat(5_000)
  return r.pick([
    () => '{',
    () => '{"name": "x",}',
    () => garbage(r, s),
    () => 'null',
    () => '[]',
    () => JSON.stringify(object()),
    () =>
      JSON.stringify({ ...object(), __proto__: { admin: true }, constructor: { prototype: {} } }),
    () => JSON.stringify({ ...object(), unexpected: garbage(r, s) }),
    deep,
  ])()
}

interface Route {
  methods: readonly string[]
  path: string
  fields: readonly string[]
  body: 'query' | 'form' | 'json'
  /** Sent with the admin token (or a wrong one, or the token in the query). */
  admin?: boolean
  /** A support console page: sent with a valid console cookie most of the time. */
  console?: boolean
  /**
   * Values no schema accepts, for the fields that decide a write, so that "nothing written" stays a fair
   * claim while the rest of the request is garbage.
   */
  poison?: Record<string, (r: Rng) => string>
}

const notAnEmail = (r: Rng) => r.pick(['not-an-email', '', 'a@b', ascii(r, 400)])

/** The public surface (DESIGN.md), as src/routes/* and src/app.tsx mount it, the support console's forms included. */
const routes: readonly Route[] = [
  { methods: ['GET'], path: '/', fields: ['return_to'], body: 'query' },
  {
    methods: ['POST'],
    path: '/login/password',
    fields: ['email', 'password'],
    body: 'form',
    poison: { email: notAnEmail, password: (r) => r.pick(['', 'short']) },
  },
  {
    methods: ['POST'],
    path: '/register',
    fields: ['email', 'password', 'name'],
    body: 'form',
    poison: { email: notAnEmail, password: (r) => r.pick(['', 'short']) },
  },
  { methods: ['POST'], path: '/logout', fields: [], body: 'form' },
  { methods: ['GET'], path: '/verify-email/:token', fields: [], body: 'query' },
  {
    methods: ['GET', 'POST'],
    path: '/password/forgot',
    fields: ['email'],
    body: 'form',
    poison: { email: notAnEmail },
  },
  {
    methods: ['GET', 'POST'],
    path: '/password/reset/:token',
    fields: ['password'],
    body: 'form',
  },
  { methods: ['GET'], path: '/app', fields: [], body: 'query' },
  {
    methods: ['GET', 'POST'],
    path: '/team',
    fields: ['name', 'defaultPermission'],
    body: 'form',
    poison: { defaultPermission: (r) => r.pick(['', 'PUBLIC', 'owner']) },
  },
  { methods: ['GET'], path: '/setup/:token', fields: ['done'], body: 'query' },
  {
    methods: ['POST'],
    path: '/setup/:token/connection',
    fields: ['clientId', 'clientSecret', 'issuer', 'tokenEndpointAuthMethod'],
    body: 'form',
  },
  { methods: ['POST'], path: '/setup/:token/domains', fields: ['domain'], body: 'form' },
  { methods: ['POST'], path: '/setup/:token/test', fields: ['connectionId'], body: 'form' },
  { methods: ['POST'], path: '/setup/:token/activate', fields: ['connectionId'], body: 'form' },
  { methods: ['GET'], path: '/settings/sso', fields: ['done'], body: 'query' },
  {
    methods: ['POST'],
    path: '/settings/sso/connection',
    fields: ['clientId', 'clientSecret', 'issuer'],
    body: 'form',
  },
  { methods: ['POST'], path: '/settings/sso/activate', fields: ['connectionId'], body: 'form' },
  { methods: ['GET', 'POST'], path: '/sso/start', fields: ['email', 'return_to'], body: 'form' },
  {
    methods: ['GET', 'POST'],
    path: '/sso/initiate',
    fields: ['iss', 'login_hint', 'target_link_uri'],
    body: 'form',
  },
  {
    methods: ['GET', 'POST'],
    path: '/sso/initiate/:connectionId',
    fields: ['iss', 'login_hint', 'target_link_uri'],
    body: 'form',
  },
  {
    methods: ['GET'],
    path: '/sso/callback',
    fields: ['code', 'state', 'iss', 'error', 'error_description'],
    body: 'query',
  },
  { methods: ['POST'], path: '/sso/switch', fields: [], body: 'form' },
  { methods: ['POST'], path: '/sso/switch/cancel', fields: [], body: 'form' },
  { methods: ['GET'], path: '/api/me', fields: [], body: 'query' },
  { methods: ['POST'], path: '/api/team', fields: ['name', 'defaultPermission'], body: 'json' },
  {
    methods: ['GET'],
    path: '/admin',
    fields: ['done', 'id', 'email', 'teams', 'events', 'team', 'members'],
    body: 'query',
    console: true,
  },
  { methods: ['POST'], path: '/admin/login', fields: ['token'], body: 'form' },
  { methods: ['POST'], path: '/admin/logout', fields: [], body: 'form', console: true },
  {
    methods: ['POST'],
    path: '/admin/teams',
    fields: ['name', 'ownerEmail', 'defaultPermission', 'domains'],
    body: 'form',
    console: true,
    poison: { ownerEmail: notAnEmail },
  },
  {
    methods: ['POST'],
    path: '/admin/connections',
    fields: ['ownerEmail', 'clientId', 'clientSecret', 'issuer', 'tokenEndpointAuthMethod'],
    body: 'form',
    console: true,
    poison: { ownerEmail: notAnEmail },
  },
  {
    methods: ['POST'],
    path: '/admin/connections/:id/rotate',
    fields: ['clientId', 'clientSecret'],
    body: 'form',
    console: true,
    poison: { clientSecret: () => '' },
  },
  {
    methods: ['POST'],
    path: '/admin/connections/:id/enabled',
    fields: ['enabled'],
    body: 'form',
    console: true,
    poison: { enabled: (r) => r.pick(['yes', '1', 'on', 'TRUE', '']) },
  },
  {
    methods: ['POST'],
    path: '/admin/connections/:id/delete',
    fields: ['confirm'],
    body: 'form',
    console: true,
    poison: { confirm: (r) => r.pick(['no', 'YES', '1', 'on', '']) },
  },
  {
    methods: ['POST'],
    path: '/admin/api/teams',
    fields: ['name', 'ownerEmail', 'defaultPermission', 'domains'],
    body: 'json',
    admin: true,
  },
  {
    methods: ['POST'],
    path: '/admin/api/teams/:id/domains',
    fields: ['domain', 'verified'],
    body: 'json',
    admin: true,
    poison: { domain: (r) => r.pick(['gmail.com', 'mailinator.com', '', 'not a domain']) },
  },
  {
    methods: ['POST'],
    path: '/admin/api/teams/:id/setup-links',
    fields: ['email'],
    body: 'json',
    admin: true,
    poison: { email: notAnEmail },
  },
  {
    methods: ['GET'],
    path: '/admin/api/teams/:id/setup-links',
    fields: [],
    body: 'query',
    admin: true,
  },
  {
    methods: ['DELETE'],
    path: '/admin/api/teams/:id/setup-links/:linkId',
    fields: [],
    body: 'json',
    admin: true,
  },
  {
    methods: ['POST'],
    path: '/admin/teams/:id/setup-links',
    fields: ['email'],
    body: 'form',
    console: true,
    poison: { email: (r) => r.pick(['not-an-email', 'a@b', 'x'.repeat(400)]) },
  },
  {
    methods: ['POST'],
    path: '/admin/api/teams/:id/domains/:domain/verify',
    fields: [],
    body: 'json',
    admin: true,
  },
  {
    methods: ['DELETE'],
    path: '/admin/api/teams/:id/domains/:domain',
    fields: [],
    body: 'json',
    admin: true,
  },
  {
    methods: ['GET'],
    path: '/admin/api/teams',
    fields: ['limit', 'cursor'],
    body: 'query',
    admin: true,
  },
  { methods: ['GET'], path: '/admin/api/teams/:id', fields: [], body: 'query', admin: true },
  { methods: ['GET'], path: '/admin/api/users', fields: ['email'], body: 'query', admin: true },
  {
    methods: ['POST'],
    path: '/admin/api/sso-connections',
    fields: ['ownerEmail', 'clientId', 'clientSecret', 'issuer', 'tokenEndpointAuthMethod'],
    body: 'json',
    admin: true,
  },
  {
    methods: ['GET', 'PATCH', 'DELETE'],
    path: '/admin/api/sso-connections/:id',
    fields: ['clientId', 'clientSecret', 'enabled', 'tokenEndpointAuthMethod'],
    body: 'json',
    admin: true,
  },
  {
    methods: ['GET'],
    path: '/admin/api/events',
    fields: ['teamId', 'limit', 'cursor'],
    body: 'query',
    admin: true,
  },
]

const allMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']

interface Fixtures {
  /** A browser that started a real login: its transaction cookie and state. */
  txCookie: string
  state: string
  sessionCookie: string
  /** A support console sign-in with the right token. */
  consoleCookie: string
}

function buildRequest(r: Rng, s: Scene, route: Route, fx: Fixtures): Request {
  const method = r.chance(0.8) ? r.pick(route.methods) : r.pick(allMethods)
  const segment = () =>
    r.pick([garbage(r, s).slice(0, 3000), '%2e%2e', '%zz', s.team.connectionId, s.team.teamId])
  let path = route.path.replace(/:\w+/, () =>
    method === 'DELETE' || method === 'PATCH'
      ? `x${ascii(r, 12).replace(/[^\w]/g, '')}`
      : segment(),
  )
  const params = new URLSearchParams()
  for (const field of route.fields) {
    if (r.chance(0.15)) continue
    const poison = route.poison?.[field]
    const value = () => (poison ? poison(r) : garbage(r, s))
    params.append(field, value())
    if (r.chance(0.2)) params.append(field, value())
  }
  if (route.path === '/sso/callback' && r.chance(0.5))
    params.set('state', r.chance(0.5) ? fx.state : `${fx.state}x`)
  if (r.chance(0.3)) params.append(ascii(r, 8), garbage(r, s))
  const headers = new Headers()
  if (route.admin) {
    const token = r.pick(['valid', 'valid', 'wrong', 'missing', 'query'])
    if (token === 'valid') headers.set('authorization', `Bearer ${adminToken}`)
    if (token === 'wrong')
      headers.set(
        'authorization',
        r.pick([
          `Bearer ${adminToken}x`,
          `Basic ${btoa(`admin:${adminToken}`)}`,
          'Bearer',
          `bearer  ${adminToken}`,
        ]),
      )
    if (token === 'query') path += `?access_token=${adminToken}`
  }
  const cookies = [
    r.chance(0.3) ? fx.sessionCookie : '',
    route.console && r.chance(0.7) ? fx.consoleCookie : '',
    route.path === '/sso/callback' && r.chance(0.6) ? fx.txCookie : '',
    r.chance(0.2)
      ? `__Host-edge_sso_session=${r.pick(['k1.', 'k2.e30.AAAA', '%zz', '"', ascii(r, 1 + r.int(200)).replace(/;/g, ''), 'x'.repeat(8_000)])}`
      : '',
  ].filter(Boolean)
  if (cookies.length && !(route.path === '/logout' && cookies.includes(fx.sessionCookie)))
    headers.set('cookie', cookies.join('; '))
  const site = r.pick(['same-origin', 'cross-site', 'none', undefined])
  if (site) headers.set('sec-fetch-site', site)
  if (r.chance(0.3)) headers.set('origin', r.pick([publicOrigin, 'https://evil.example', 'null']))
  const url = new URL(path, publicOrigin)
  let body: string | undefined
  if (method === 'GET' || method === 'HEAD') {
    for (const [name, value] of params) url.searchParams.append(name, value)
  } else {
    const contentType = r.pick([
      'application/x-www-form-urlencoded',
      'application/json',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/json; charset=utf-16',
      '',
    ])
    if (contentType) headers.set('content-type', contentType)
    body =
      route.body === 'json' || contentType.startsWith('application/json')
        ? garbageJson(r, s, route.fields)
        : params.toString()
    if (r.chance(0.1)) body = `${body}&${'x'.repeat(200_000)}`
  }
  return new Request(url, { method, headers, body, redirect: 'manual' })
}

/** Rows that garbage must never create or change. */
async function snapshot() {
  const tables = [
    'users',
    'teams',
    'team_domains',
    'memberships',
    'identities',
    'sso_connections',
    'sessions',
    'setup_links',
  ]
  const counts = await Promise.all(
    tables.map(
      async (t) =>
        [t, (await query<{ n: number }>(`select count(*) as n from ${t}`))[0]!.n] as const,
    ),
  )
  const connections = await query(
    'select id, client_id, client_secret_sealed, enabled, token_endpoint_auth_method, updated_at from sso_connections order by id',
  )
  const revoked = await query('select id from sessions where revoked_at is not null order by id')
  return { counts: Object.fromEntries(counts), connections, revoked }
}

/** Exactly the request built (no cookie jar, no default headers), straight into the app. */
async function send(s: Scene, request: Request): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await s.rig.app.fetch(request, s.rig.testEnv, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

describe('bounded fuzz of every route', () => {
  it(`${routes.length} routes × ${requestsPerRoute} seeded requests (seed ${seed.toString(16)}), console forms signed in: no 5xx, no internals, no secrets, nothing written`, async (ctx) => {
    const s = await scene({ ctx, area })
    const signedIn = await expectSignedIn(s)
    const tx = await pendingLogin(s)
    const support = new Browser()
    await s.rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    expect(support.cookies.has('__Host-edge_sso_admin')).toBe(true)
    const fx: Fixtures = {
      txCookie: tx.browser.header(),
      state: new URL(tx.initiate.headers.get('location')!).searchParams.get('state')!,
      sessionCookie: signedIn.header(),
      consoleCookie: support.header(),
    }
    const [sealed] = await query<{ client_secret_sealed: string }>(
      'select client_secret_sealed from sso_connections where id = ?',
      s.team.connectionId,
    )
    const secrets = [
      adminToken,
      env.DATA_KEY,
      ...env.SESSION_KEYS.split(',').map((k) => k.split(':')[1]!),
      s.team.clientSecret,
      sealed!.client_secret_sealed,
    ]
    const before = await snapshot()
    const r = prng(seed)
    for (const route of routes) {
      for (let i = 0; i < requestsPerRoute; i++) {
        const request = buildRequest(r, s, route, fx)
        const label = `${request.method} ${request.url.slice(0, 200)}`
        const response = s.tally.observe(await send(s, request))
        const body = await response.text()
        expect(response.status, label).toBeLessThan(500)
        expect(showsInternals(body), `${label}: ${body.slice(0, 500)}`).toBe(false)
        for (const secret of secrets)
          expect(body.includes(secret), `${label} leaks a secret`).toBe(false)
        s.tally.handled()
      }
    }
    expect(await snapshot()).toEqual(before)
  }, 60_000)
})
