// Open redirects and CSRF: return paths never leave our origin; forged, replayed or foreign callbacks and admin tokens are refused.
import { describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../src/crypto/encoding'
import { sameOriginPath } from '../src/http/same-origin'
import { adminToken, Browser, formPost, jsonPost, me, publicOrigin, unique } from './harness'
import { finishLogin } from './logins'
import { query } from './rows'
import { expectSignedIn, initiatePath, pendingLogin, scene, type Scene, sub } from './scene'

const area = 'Open redirects and CSRF'
const appUrl = `${publicOrigin}/app`

/** Return paths that must never take the browser off our origin. */
const foreign = [
  'https://evil.example/',
  '//evil.example/x',
  '///evil.example/x',
  '/\\evil.example/x',
  '\\\\evil.example',
  '/..//evil.example',
  '/.//evil.example',
  '/%2e%2e//evil.example',
  '/./%2e//evil.example',
  `${publicOrigin}/..//evil.example`,
  `${publicOrigin}//evil.example`,
  '/\t/evil.example',
  '/\n/evil.example',
  ' //evil.example',
  'javascript:alert(document.cookie)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'https:evil.example',
  'https:/evil.example',
  '%2F%2Fevil.example',
  'https%3A%2F%2Fevil.example',
  `${publicOrigin}@evil.example/`,
  `${publicOrigin}.evil.example/`,
  `https://evil.example\\@${new URL(publicOrigin).host}/`,
  `http://${new URL(publicOrigin).host}/app`,
  `${publicOrigin}:8443/app`,
  'https://evil.example/\u2028',
  '//ｅｖｉｌ.example',
]

/** Same-origin paths that must be kept. */
const local = [
  ['/app?tab=team#members', '/app?tab=team#members'],
  [`${publicOrigin}/app/settings`, '/app/settings'],
  ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ['/\u3000/evil.example', '/%E3%80%80/evil.example'],
] as const

/** Where a browser following `location` ends up, and whether a browser could read it as another origin. */
function landsOnOurOrigin(location: string | null): boolean {
  if (!location) return false
  const target = new URL(location, publicOrigin)
  return target.origin === publicOrigin && !/^\s*[/\\]{2}/.test(location)
}

/** Where the browser is sent after the IdP, for a login started at `path` (tile) or by posting `fields` (email). */
async function landing(s: Scene, start: { path: string } | { fields: Record<string, string> }) {
  const browser = new Browser()
  const initiate =
    'path' in start
      ? await s.rig.fetch(browser, start.path, { headers: { 'sec-fetch-site': 'cross-site' } })
      : await s.rig.fetch(browser, '/sso/start', formPost(start.fields))
  expect(initiate.status).toBe(302)
  const { callback } = await finishLogin(
    s.rig,
    browser,
    s.rig.idp.authorize(initiate.headers.get('location')!, sub),
  )
  expect((await me(s.rig, browser)).status).toBe(200)
  return callback.headers.get('location')
}

const tileWithTarget = (s: Scene, target: string) =>
  landing(s, { path: `${initiatePath(s)}&target_link_uri=${encodeURIComponent(target)}` })

const emailWithReturnTo = (s: Scene, returnTo: string) =>
  landing(s, { fields: { email: s.email, return_to: returnTo } })

describe('open redirects', () => {
  it('regression: dot segments turned "/..//evil.example" into the protocol-relative "//evil.example"', () => {
    for (const input of [
      '/..//evil.example',
      '/.//evil.example',
      '/%2e%2e//evil.example',
      '/a/..//evil.example',
      `${publicOrigin}/..//evil.example`,
    ]) {
      expect(sameOriginPath(input, publicOrigin), input).toBeUndefined()
    }
    expect(sameOriginPath('/a/../app', publicOrigin)).toBe('/app')
  })

  const ways = [
    ['target_link_uri on the Okta tile', tileWithTarget],
    ['return_to on the email login', emailWithReturnTo],
  ] as const
  for (const [way, land] of ways) {
    it(`${way}: ${foreign.length} foreign variants all land on the app`, async (ctx) => {
      const s = await scene({ ctx, area })
      for (const target of foreign) {
        expect(await land(s, target), JSON.stringify(target)).toBe(appUrl)
        s.tally.accepted()
      }
    })
  }

  it('same-origin return paths are kept, and stay on our origin', async (ctx) => {
    const s = await scene({ ctx, area })
    for (const [input, path] of local) {
      for (const location of [await tileWithTarget(s, input), await emailWithReturnTo(s, input)]) {
        expect(location, input).toBe(path)
        expect(landsOnOurOrigin(location), input).toBe(true)
        s.tally.accepted()
      }
    }
  })

  it('the login page never carries a foreign return_to into its form', async (ctx) => {
    const s = await scene({ ctx, area })
    for (const returnTo of foreign) {
      const page = await s.rig.fetch(new Browser(), `/?return_to=${encodeURIComponent(returnTo)}`)
      expect(page.status).toBe(200)
      expect(
        /name="return_to" value="([^"]*)"/.exec(await page.text())?.[1],
        JSON.stringify(returnTo),
      ).toBeUndefined()
      s.tally.accepted()
    }
  })
})

/** The name of the one transaction cookie a browser holds (each login's cookie is named by its state). */
const txCookie = (browser: Browser) =>
  [...browser.cookies.keys()].find((name) => name.startsWith('__Host-edge_sso_tx_')) ?? ''

describe('forged, replayed and foreign callbacks', () => {
  it('refuses a callback whose state was tampered with', async (ctx) => {
    const s = await scene({ ctx, area })
    const { browser, callbackUrl } = await pendingLogin(s)
    const url = new URL(callbackUrl)
    url.searchParams.set('state', `${url.searchParams.get('state')}x`)
    await s.tally.baseline()
    await s.tally.refused(await s.rig.fetch(browser, url.href), {
      status: 400,
      code: 'login_state_mismatch',
    })
    expect(s.rig.idp.count('token')).toBe(0)
  })

  it('refuses a tampered transaction cookie (return path rewritten, signature kept) and one signed by an unknown key', async (ctx) => {
    const s = await scene({ ctx, area })
    for (const forge of [
      (value: string) => {
        const [kid, payload, signature] = value.split('.')
        const tx = JSON.parse(new TextDecoder().decode(fromBase64Url(payload!))) as object
        const rewritten = JSON.stringify({ ...tx, returnTo: 'https://evil.example/' })
        return [kid, toBase64Url(new TextEncoder().encode(rewritten)), signature].join('.')
      },
      (value: string) => value.replace(/^[^.]+/, 'retired'),
      (value: string) => value.slice(0, -4),
    ]) {
      const { browser, callbackUrl } = await pendingLogin(s)
      const name = txCookie(browser)
      browser.cookies.set(
        name,
        encodeURIComponent(forge(decodeURIComponent(browser.cookies.get(name)!))),
      )
      await s.tally.baseline()
      const callback = await s.rig.fetch(browser, callbackUrl)
      await s.tally.refused(callback, { status: 400, code: 'login_expired' })
      expect(callback.headers.get('location')).toBeNull()
    }
    expect(s.rig.idp.count('token')).toBe(0)
  })

  it('refuses the replay of a used callback, with and without the old transaction cookie', async (ctx) => {
    const s = await scene({ ctx, area })
    const { browser, callbackUrl } = await pendingLogin(s)
    const name = txCookie(browser)
    const oldTx = browser.cookies.get(name)!
    expect((await s.rig.fetch(browser, callbackUrl)).status).toBe(200) // "Continue as …?"
    s.tally.accepted()
    await s.tally.baseline()
    await s.tally.refused(await s.rig.fetch(browser, callbackUrl), {
      status: 400,
      code: 'login_expired',
    })
    const attacker = new Browser()
    attacker.cookies.set(name, oldTx)
    await s.tally.refused(await s.rig.fetch(attacker, callbackUrl), {
      status: 400,
      code: 'code_rejected',
    })
    expect((await me(s.rig, attacker)).status).toBe(401)
  })

  it("refuses a callback that carries another browser's state (login CSRF), with or without a login in progress", async (ctx) => {
    const s = await scene({ ctx, area })
    const attacker = await pendingLogin(s)
    const victim = await pendingLogin(s)
    await s.tally.baseline()
    await s.tally.refused(await s.rig.fetch(victim.browser, attacker.callbackUrl), {
      status: 400,
      code: 'login_state_mismatch',
    })
    await s.tally.refused(await s.rig.fetch(new Browser(), attacker.callbackUrl), {
      status: 400,
      code: 'login_expired',
    })
    expect((await me(s.rig, victim.browser)).status).toBe(401)
    expect(s.rig.idp.count('token')).toBe(0)
  })

  it('refuses a transaction older than its ten minutes', async (ctx) => {
    const s = await scene({ ctx, area })
    const { browser, callbackUrl } = await pendingLogin(s)
    s.advance(601_000)
    await s.tally.baseline()
    await s.tally.refused(await s.rig.fetch(browser, callbackUrl), {
      status: 400,
      code: 'login_expired',
    })
  })
})

describe('cross-site form posts', () => {
  const crossSite: Record<string, string>[] = [
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': '', origin: 'https://evil.example' },
    { 'sec-fetch-site': '', origin: 'null' },
  ]

  it('refuses cross-site posts to email login, password login, registration, logout and team creation', async (ctx) => {
    const s = await scene({ ctx, area })
    const signedIn = await expectSignedIn(s)
    for (const site of crossSite) {
      // An empty Sec-Fetch-Site reads as none sent, so the Origin decides.
      const headers = site
      await s.tally.baseline()
      const requests: [Browser, string, RequestInit][] = [
        [new Browser(), '/sso/start', formPost({ email: s.email }, headers)],
        [
          new Browser(),
          '/login/password',
          formPost({ email: s.team.ownerEmail, password: 'whatever-it-is' }, headers),
        ],
        [
          new Browser(),
          '/register',
          formPost(
            { email: `eve@${unique('csrf')}.example`, password: 'correct horse battery' },
            headers,
          ),
        ],
        [signedIn, '/logout', formPost({}, headers)],
        [signedIn, '/api/team', jsonPost({ name: 'Evil', defaultPermission: 'public' }, headers)],
      ]
      for (const [browser, path, init] of requests) {
        await s.tally.refused(await s.rig.fetch(browser, path, init), {
          status: 403,
          code: 'csrf_refused',
        })
      }
      expect(
        (await me(s.rig, signedIn)).status,
        'a cross-site logout does not sign the user out',
      ).toBe(200)
    }
  })
})

describe('admin token', () => {
  const teamBody = () => ({ name: 'Sneaky', ownerEmail: `owner@${unique('admin')}.example` })
  const variants: [string, (path: string) => [string, Record<string, string>]][] = [
    ['missing', (path) => [path, {}]],
    ['wrong', (path) => [path, { authorization: `Bearer ${adminToken}x` }]],
    [
      'a prefix of the real one',
      (path) => [path, { authorization: `Bearer ${adminToken.slice(0, -1)}` }],
    ],
    [
      'not a Bearer token',
      (path) => [path, { authorization: `Basic ${btoa(`admin:${adminToken}`)}` }],
    ],
    ['in the query string', (path) => [`${path}?access_token=${adminToken}`, {}]],
    [
      'in the query string beside a valid header',
      (path) => [`${path}?token=${adminToken}`, { authorization: `Bearer ${adminToken}` }],
    ],
    ['in a cookie', (path) => [path, { cookie: `admin_token=${adminToken}` }]],
  ]

  it('refuses a missing, wrong or misplaced admin token on every admin route, writing nothing', async (ctx) => {
    const { rig, tally } = await scene({ ctx, area })
    const routes: [string, string, unknown?][] = [
      ['GET', '/admin/api/teams'],
      ['POST', '/admin/api/teams', teamBody()],
      ['GET', '/admin/api/users?email=owner%40example.com'],
      [
        'POST',
        '/admin/api/sso-connections',
        {
          ownerEmail: 'owner@example.com',
          clientId: 'c',
          clientSecret: 's',
          issuer: rig.idp.issuer,
        },
      ],
      ['GET', '/admin/api/sso-connections/any'],
      ['PATCH', '/admin/api/sso-connections/any', { enabled: false }],
      ['DELETE', '/admin/api/sso-connections/any'],
      ['GET', '/admin/api/events'],
    ]
    const teamsBefore = await query('select id from teams')
    await tally.baseline()
    for (const [name, variant] of variants) {
      for (const [method, route, body] of routes) {
        const [base, search] = route.split('?') as [string, string | undefined]
        const [path, headers] = variant(base)
        const url = search ? `${path}${path.includes('?') ? '&' : '?'}${search}` : path
        const response = await rig.fetch(new Browser(), url, {
          method,
          headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        const text = await response.clone().text()
        expect(text, `${name}: ${method} ${route}`).not.toContain(adminToken)
        await tally.refused(response, { status: 401, code: 'admin_unauthorized' })
      }
    }
    expect(await query('select id from teams')).toEqual(teamsBefore)
  })
})
