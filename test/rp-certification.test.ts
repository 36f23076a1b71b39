// OpenID Foundation RP certification (Basic and Config plans) against the worker, plus the hostile cases beyond it.
import { describe, expect, it } from 'vitest'
import { Browser, me, publicOrigin, type Rig } from './harness'
import { finishLogin } from './logins'
import { query } from './rows'
import {
  addTeam,
  expectRefusedLogin,
  expectSignedIn,
  initiatePath,
  pendingLogin,
  scene,
  type Scene,
  sub,
} from './scene'

const certification = 'RP certification (Basic, Config)'
const beyond = 'Hostile IdP beyond certification'

interface TokenRequest {
  authorization: string | null
  form: URLSearchParams
}

/** The IdP rotates its keys after the browser left for it and before it signs the ID token; the login must succeed. */
async function signInRotatingJustBeforeSigning(s: Scene): Promise<Browser> {
  const { browser, callbackUrl } = await pendingLogin(s)
  await s.rig.idp.rotateKeys()
  const { callback } = await finishLogin(s.rig, browser, callbackUrl)
  expect([callback.status, callback.headers.get('location')]).toEqual([303, `${publicOrigin}/app`])
  return browser
}

/** Records what the worker sends to the token endpoint, on its way to the IdP. */
function recordTokenRequests(rig: Rig): TokenRequest[] {
  const sent: TokenRequest[] = []
  const upstream = rig.runtime.fetch
  rig.runtime.fetch = async (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).pathname.endsWith('/v1/token')) {
      const body = new TextDecoder().decode(await request.clone().arrayBuffer())
      sent.push({
        authorization: request.headers.get('authorization'),
        form: new URLSearchParams(body),
      })
    }
    return upstream(request)
  }
  return sent
}

const tokenInvalid = { status: 403, code: 'token_invalid' }

type Expected = { status: number; code: string }

/** One test per hostile IdP behaviour: the scene's login must be refused with its code, writing nothing. */
function refusedLogins(area: string, cases: [string, (s: Scene) => void, Expected?][]) {
  for (const [name, hostile, expected = tokenInvalid] of cases) {
    it(`refuses ${name}`, async (ctx) => {
      const s = await scene({ ctx, area })
      hostile(s)
      await expectRefusedLogin(s, expected)
    })
  }
}
const now = () => Math.floor(Date.now() / 1000)

describe('RP certification, Basic plan: refused', () => {
  refusedLogins(certification, [
    [
      'oidcc-client-test-invalid-iss: an ID token from another issuer',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { iss: 'https://evil.okta.test' } }),
    ],
    [
      'oidcc-client-test-missing-sub: an ID token without sub',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { sub: undefined } }),
    ],
    [
      'oidcc-client-test-invalid-aud: an ID token for another client',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { aud: 'someone-else' } }),
    ],
    [
      'oidcc-client-test-missing-iat: an ID token without iat',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { iat: undefined } }),
    ],
    [
      'oidcc-client-test-idtoken-sig-none: an unsigned ID token (alg none)',
      (s) => (s.rig.idp.behaviour.idToken = { sign: 'none' }),
    ],
    [
      'oidcc-client-test-invalid-sig-rs256: an RS256 signature by a key not in the JWKS',
      (s) => (s.rig.idp.behaviour.idToken = { sign: 'wrongKey' }),
    ],
    [
      'oidcc-client-test-nonce-invalid: an ID token with another nonce',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { nonce: 'not-the-nonce-we-sent' } }),
    ],
    [
      'oidcc-client-test-userinfo-invalid-sub: userinfo whose sub differs from the ID token',
      (s) => {
        s.rig.idp.behaviour.thinIdToken = true
        s.rig.idp.behaviour.userinfo = { sub: 'okta-mallory' }
      },
    ],
  ])

  it('refuses oidcc-client-test-discovery-issuer-mismatch: the connection is not saved', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    const team = await addTeam(s.rig, { connect: false })
    s.rig.idp.behaviour.discoveryIssuer = 'https://impostor.okta.test'
    await s.tally.baseline()
    const response = await s.rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail: team.ownerEmail,
      clientId: 'c',
      clientSecret: 's3cret-value',
      issuer: s.rig.idp.issuer,
    })
    await s.tally.refused(response, { status: 400, code: 'issuer_mismatch' })
    expect(await query('select * from sso_connections where team_id = ?', team.teamId)).toEqual([])
  })
})

describe('RP certification, Basic and Config plans: accepted', () => {
  it('oidcc-client-test: an RS256 ID token, keys from the discovery jwks_uri', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    await expectSignedIn(s)
    expect(s.rig.idp.requests.filter((r) => r.kind === 'jwks').map((r) => r.url)).toEqual([
      `${s.rig.idp.issuer}/v1/keys`,
    ])
  })

  it('oidcc-client-test-kid-absent-single-jwks: no kid, one key in the JWKS', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    s.rig.idp.behaviour.idToken = { omitKid: true }
    await expectSignedIn(s)
  })

  it('oidcc-client-test-client-secret-basic: the token request authenticates with client_secret_basic', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    const sent = recordTokenRequests(s.rig)
    await expectSignedIn(s)
    expect(sent).toHaveLength(1)
    const [{ authorization, form }] = sent as [TokenRequest]
    const basic = atob(authorization!.replace(/^Basic /, ''))
      .split(':')
      .map((part) => decodeURIComponent(part.replaceAll('+', ' ')))
    expect(basic).toEqual([s.team.clientId, s.team.clientSecret])
    expect([form.has('client_secret'), form.get('grant_type')]).toEqual([
      false,
      'authorization_code',
    ])
  })

  it('oidcc-client-test-signing-key-rotation: keys rotated between two logins, one JWKS refetch', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    await expectSignedIn(s)
    // oauth4webapi refetches for an unknown kid once its keys are a minute old.
    s.advance(60_000)
    await s.rig.idp.rotateKeys()
    await expectSignedIn(s)
    expect(s.rig.idp.count('jwks')).toBe(2)
  })

  it('oidcc-client-test-signing-key-rotation-just-before-signing: rotated after the browser left, refetched', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    await expectSignedIn(s)
    s.advance(60_000)
    await s.rig.idp.rotateKeys()
    await expectSignedIn(s)
    // A minute later (the refetch limit), the IdP rotates between the authorization and the token request.
    s.advance(61_000)
    const browser = await signInRotatingJustBeforeSigning(s)
    expect((await me(s.rig, browser)).status).toBe(200)
    s.tally.accepted()
    expect(s.rig.idp.count('jwks')).toBe(3)
  })

  it('a cold JWKS cache fetched after a rotation just before signing needs no refetch', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    await signInRotatingJustBeforeSigning(s)
    s.tally.accepted()
    expect(s.rig.idp.count('jwks')).toBe(1)
  })
})

describe('RP certification: refused, as allowed', () => {
  it('oidcc-client-test-kid-absent-multiple-jwks: no kid among several keys is refused (no key is guessed)', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    s.rig.idp.behaviour.idToken = { omitKid: true }
    s.rig.idp.behaviour.extraJwksKeys = 2
    await expectRefusedLogin(s, tokenInvalid)
  })

  it('a second unknown kid within a minute of the last refetch is refused without another JWKS fetch', async (ctx) => {
    const s = await scene({ ctx, area: certification })
    await expectSignedIn(s)
    s.advance(60_000)
    await s.rig.idp.rotateKeys()
    await expectSignedIn(s)
    await s.rig.idp.rotateKeys()
    await expectRefusedLogin(s, tokenInvalid)
    expect(s.rig.idp.count('jwks')).toBe(2)
  })
})

describe('Hostile IdP beyond certification: refused', () => {
  refusedLogins(beyond, [
    [
      'several audiences without azp',
      (s) =>
        (s.rig.idp.behaviour.idToken = { claims: { aud: [s.team.clientId, 'another-client'] } }),
      tokenInvalid,
    ],
    [
      'an expired ID token',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { iat: now() - 7200, exp: now() - 3600 } }),
      tokenInvalid,
    ],
    [
      'an ID token not valid before an hour from now (nbf)',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { nbf: now() + 3600 } }),
      tokenInvalid,
    ],
    [
      'an ID token without nonce',
      (s) => (s.rig.idp.behaviour.idToken = { claims: { nonce: undefined } }),
      tokenInvalid,
    ],
    [
      'an ID token signed with HS256 under the client secret',
      (s) => (s.rig.idp.behaviour.idToken = { header: { alg: 'HS256' } }),
      tokenInvalid,
    ],
    [
      'an RFC 9207 iss response parameter naming another issuer (mix-up)',
      (s) => {
        s.rig.idp.behaviour.sendIssParam = true
        s.rig.idp.behaviour.issParamValue = 'https://evil.okta.test'
      },
      { status: 400, code: 'callback_invalid' },
    ],
    [
      'email_verified: false outside the team’s domains',
      (s) => s.rig.idp.addUser({ sub, email: 'ada@outside.example', email_verified: false }),
      { status: 403, code: 'email_unverified' },
    ],
    [
      'no email in the ID token or userinfo',
      (s) => {
        s.rig.idp.addUser({ sub, name: 'Ada' })
        s.rig.idp.behaviour.thinIdToken = true
      },
      { status: 403, code: 'email_missing' },
    ],
    [
      'an email outside the team domains',
      (s) => s.rig.idp.addUser({ sub, email: 'ada@elsewhere.example', email_verified: true }),
      { status: 403, code: 'domain_not_allowed' },
    ],
    [
      'a token endpoint that answers with a 500 HTML page (a clean 502 page)',
      (s) => (s.rig.idp.behaviour.tokenResponse = 'html500'),
      { status: 502, code: 'idp_response_invalid' },
    ],
    [
      'a token endpoint that is unreachable (a clean 502 page)',
      (s) => (s.rig.idp.behaviour.down = { token: true }),
      { status: 502, code: 'idp_unreachable' },
    ],
    [
      'userinfo unreachable when the ID token is thin',
      (s) => {
        s.rig.idp.behaviour.thinIdToken = true
        s.rig.idp.behaviour.down = { userinfo: true }
      },
      { status: 502, code: 'idp_unreachable' },
    ],
  ])

  it('refuses error=access_denied from the IdP', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    await s.tally.baseline()
    const browser = new Browser()
    const initiate = await s.rig.fetch(browser, initiatePath(s))
    const denied = s.rig.idp.authorize(initiate.headers.get('location')!, sub, { deny: true })
    await s.tally.refused(await s.rig.fetch(browser, denied), { status: 403, code: 'idp_denied' })
    expect(s.rig.idp.count('token')).toBe(0)
  })

  it('a slow token endpoint hits the bounded timeout and gets a clean 502 page', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    s.rig.runtime.upstreamTimeoutMs = 250
    s.rig.idp.behaviour.tokenResponse = { delayMs: 30_000 }
    const started = Date.now()
    await expectRefusedLogin(s, { status: 502, code: 'idp_unreachable' })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('does not follow a token endpoint redirect', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    s.rig.idp.behaviour.tokenResponse = 'redirect'
    await expectRefusedLogin(s, { status: 502, code: 'idp_response_invalid' })
    expect(s.rig.idp.requests.filter((r) => r.kind === 'token').map((r) => r.path)).toEqual([
      new URL(`${s.rig.idp.issuer}/v1/token`).pathname,
    ])
  })

  it('refuses a login when discovery now names another issuer and no cached copy exists', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    s.rig.idp.behaviour.discoveryIssuer = 'https://impostor.okta.test'
    await s.tally.baseline()
    const browser = new Browser()
    const initiate = await s.rig.fetch(browser, initiatePath(s))
    await s.tally.refused(initiate, { status: 502, code: 'idp_response_invalid' })
    expect(s.rig.idp.count('token')).toBe(0)
  })
})

describe('Hostile IdP beyond certification: outages survived from the cache', () => {
  it('discovery and JWKS down after warm-up: logins still succeed from memory, then from KV', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    await expectSignedIn(s)
    s.rig.idp.behaviour.down = { discovery: true, jwks: true }
    await expectSignedIn(s)
    s.rig.runtime.documents.clear()
    await expectSignedIn(s)
    expect(s.rig.counters.kvReads).toBeGreaterThan(0)
  })

  it('discovery down past the hour a copy stays fresh: the stale copy bridges the outage', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    await expectSignedIn(s)
    s.rig.idp.behaviour.down = { discovery: true }
    s.advance(2 * 60 * 60 * 1000)
    await expectSignedIn(s)
  })

  it('JWKS down past the five minutes keys are trusted: a clean 502 page, nothing written', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    await expectSignedIn(s)
    s.rig.idp.behaviour.down = { jwks: true }
    s.advance(5 * 60_000)
    await expectRefusedLogin(s, { status: 502, code: 'idp_unreachable' })
  })

  it('discovery down past the day a stale copy may serve: a clean 502 page, nothing written', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    await expectSignedIn(s)
    s.rig.idp.behaviour.down = { discovery: true, jwks: true }
    s.advance(25 * 60 * 60 * 1000)
    await s.tally.baseline()
    const initiate = await s.rig.fetch(new Browser(), initiatePath(s))
    await s.tally.refused(initiate, { status: 502, code: 'idp_unreachable' })
  })
})

describe('Hostile IdP beyond certification: accepted', () => {
  it('a thin ID token: the email comes from userinfo with the same sub', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    s.rig.idp.behaviour.thinIdToken = true
    await expectSignedIn(s)
    expect(s.rig.idp.count('userinfo')).toBe(1)
  })

  it('an RFC 9207 iss response parameter naming the issuer', async (ctx) => {
    const s = await scene({ ctx, area: beyond })
    s.rig.idp.behaviour.sendIssParam = true
    await expectSignedIn(s)
  })

  it('client_secret_post when the connection says so: the secret goes in the body only', async (ctx) => {
    const s = await scene({ ctx, area: beyond, authMethod: 'client_secret_post' })
    const sent = recordTokenRequests(s.rig)
    await expectSignedIn(s)
    const [{ authorization, form }] = sent as [TokenRequest]
    expect([authorization, form.get('client_id'), form.get('client_secret')]).toEqual([
      null,
      s.team.clientId,
      s.team.clientSecret,
    ])
  })
})
