// Self-test of the in-process OpenID Connect provider used by the worker's tests (test/idp/provider.ts).
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { TestIdp, type IdpClient } from './idp/provider'

const CLIENT: IdpClient = {
  client_id: 'edge-sso',
  client_secret: 'se cret+/:%é',
  redirect_uri: 'https://sso.example.com/auth/callback',
}
const USER = {
  sub: '00u1ada',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
  groups: ['admins'],
}

async function setup(options?: { issuer?: string }): Promise<TestIdp> {
  const idp = await TestIdp.create(options)
  idp.addClient(CLIENT)
  idp.addUser(USER)
  return idp
}

/** An authorization URL as a well-behaved client builds it; `overrides` replace (or, when undefined, drop) params. */
async function startLogin(idp: TestIdp, overrides: Record<string, string | undefined> = {}) {
  const verifier = oauth.generateRandomCodeVerifier()
  const params: Record<string, string | undefined> = {
    client_id: CLIENT.client_id,
    redirect_uri: CLIENT.redirect_uri,
    response_type: 'code',
    scope: 'openid email profile',
    state: 'st4te',
    nonce: 'n0nce',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...overrides,
  }
  const url = new URL(`${idp.issuer}/v1/authorize`)
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value)
  return { url: url.href, verifier }
}

async function login(idp: TestIdp): Promise<{ code: string; verifier: string }> {
  const { url, verifier } = await startLogin(idp)
  return { code: new URL(idp.authorize(url, USER.sub)).searchParams.get('code') ?? '', verifier }
}

const BASIC = { id: CLIENT.client_id, secret: CLIENT.client_secret }

/** POSTs to the token endpoint; redirects are not followed unless `init.redirect` says so. */
function tokenRequest(
  idp: TestIdp,
  body: Record<string, string>,
  { basic, ...init }: { basic?: { id: string; secret: string } } & RequestInit = {},
): Promise<Response> {
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' })
  if (basic) {
    headers.set(
      'authorization',
      `Basic ${btoa(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`)}`,
    )
  }
  const url = `${idp.issuer}/v1/token`
  return idp.fetch(url, {
    method: 'POST',
    headers,
    body: new URLSearchParams(body),
    redirect: 'manual',
    ...init,
  })
}

/** A fresh login redeemed at the token endpoint by the (basic-auth) client. */
async function exchange(idp: TestIdp, init: RequestInit = {}): Promise<Response> {
  const { code, verifier } = await login(idp)
  const body = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CLIENT.redirect_uri,
    code_verifier: verifier,
  }
  return tokenRequest(idp, body, { basic: BASIC, ...init })
}

async function idTokenOf(response: Response): Promise<string> {
  return (await response.json<{ id_token: string }>()).id_token
}

async function verify(idp: TestIdp, idToken: string) {
  const jwks = await (await idp.fetch(`${idp.issuer}/v1/keys`)).json<JSONWebKeySet>()
  return jwtVerify(idToken, createLocalJWKSet(jwks), {
    issuer: idp.issuer,
    audience: CLIENT.client_id,
  })
}

describe('TestIdp', () => {
  it('serves an Okta-style discovery document, also for an issuer with a path', async () => {
    const idp = await setup({ issuer: 'https://acme.okta.test/oauth2/default' })
    const response = await idp.fetch(
      'https://acme.okta.test/oauth2/default/.well-known/openid-configuration',
    )
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toMatchObject({
      issuer: 'https://acme.okta.test/oauth2/default',
      authorization_endpoint: 'https://acme.okta.test/oauth2/default/v1/authorize',
      token_endpoint: 'https://acme.okta.test/oauth2/default/v1/token',
      userinfo_endpoint: 'https://acme.okta.test/oauth2/default/v1/userinfo',
      jwks_uri: 'https://acme.okta.test/oauth2/default/v1/keys',
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
    })
    expect(idp.requests).toEqual([
      {
        method: 'GET',
        url: 'https://acme.okta.test/oauth2/default/.well-known/openid-configuration',
        path: '/oauth2/default/.well-known/openid-configuration',
        kind: 'discovery',
      },
    ])
    await expect(idp.fetch('https://elsewhere.test/')).rejects.toThrow(
      new TypeError('fetch failed'),
    )
  })

  it('completes the code flow with oauth4webapi and signs an RS256 ID token that verifies against the JWKS', async () => {
    const idp = await setup()
    idp.behaviour.sendIssParam = true
    const options = { [oauth.customFetch]: idp.fetch }
    const as = await oauth.processDiscoveryResponse(
      new URL(idp.issuer),
      await oauth.discoveryRequest(new URL(idp.issuer), { ...options, algorithm: 'oidc' }),
    )
    const client = { client_id: CLIENT.client_id }
    const { url, verifier } = await startLogin(idp)
    const callback = oauth.validateAuthResponse(
      as,
      client,
      new URL(idp.authorize(url, USER.sub)),
      'st4te',
    )
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(CLIENT.client_secret),
      callback,
      CLIENT.redirect_uri,
      verifier,
      options,
    )
    expect(response.headers.get('cache-control')).toBe('no-store')
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: 'n0nce',
    })

    const { payload, protectedHeader } = await verify(idp, tokens.id_token ?? '')
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(payload).toMatchObject({ ...USER, nonce: 'n0nce', aud: CLIENT.client_id })
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600)

    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      USER.sub,
      await oauth.userInfoRequest(as, client, tokens.access_token, options),
    )
    expect(userinfo).toMatchObject(USER)
    expect(idp.requests.map((r) => r.kind)).toEqual(['discovery', 'token', 'jwks', 'userinfo'])
  })

  it('rejects a PKCE mismatch, a reused code and a wrong redirect_uri with invalid_grant', async () => {
    const idp = await setup()
    const auth = { basic: BASIC }
    const { code, verifier } = await login(idp)
    const body = { grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirect_uri }
    const wrong = await tokenRequest(
      idp,
      { ...body, code_verifier: oauth.generateRandomCodeVerifier() },
      auth,
    )
    expect([wrong.status, await wrong.json()]).toMatchObject([400, { error: 'invalid_grant' }])
    const reused = await tokenRequest(idp, { ...body, code_verifier: verifier }, auth)
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' })

    const second = await login(idp)
    const elsewhere = {
      ...body,
      code: second.code,
      code_verifier: second.verifier,
      redirect_uri: 'https://evil.test/cb',
    }
    expect(await (await tokenRequest(idp, elsewhere, auth)).json()).toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('authenticates clients only by their registered method', async () => {
    const idp = await setup()
    idp.addClient({ ...CLIENT, client_id: 'poster', auth_method: 'client_secret_post' })
    const grant = {
      grant_type: 'authorization_code',
      code: 'nope',
      redirect_uri: CLIENT.redirect_uri,
    }
    const post = (id: string, secret: string) =>
      tokenRequest(idp, { ...grant, client_id: id, client_secret: secret })
    const basic = (id: string, secret: string) =>
      tokenRequest(idp, grant, { basic: { id, secret } })

    // Authenticated clients get past client auth to the (invalid) code.
    expect((await basic('edge-sso', CLIENT.client_secret)).status).toBe(400)
    expect((await post('poster', CLIENT.client_secret)).status).toBe(400)
    for (const response of [
      await post('edge-sso', CLIENT.client_secret),
      await basic('poster', CLIENT.client_secret),
      await basic('edge-sso', 'wrong'),
      await post('stranger', 'x'),
    ]) {
      expect([response.status, await response.json()]).toMatchObject([
        401,
        { error: 'invalid_client' },
      ])
    }
  })

  it('validates the authorization request and reports failures to the client', async () => {
    const idp = await setup()
    const noNonce = new URL(
      idp.authorize((await startLogin(idp, { nonce: undefined })).url, USER.sub),
    )
    expect(Object.fromEntries(noNonce.searchParams)).toMatchObject({
      error: 'invalid_request',
      state: 'st4te',
    })
    const plain = new URL(
      idp.authorize((await startLogin(idp, { code_challenge_method: 'plain' })).url, USER.sub),
    )
    expect(plain.searchParams.get('error')).toBe('invalid_request')
    const denied = new URL(idp.authorize((await startLogin(idp)).url, USER.sub, { deny: true }))
    expect(denied.searchParams.get('error')).toBe('access_denied')
    const unregistered = (await startLogin(idp, { redirect_uri: 'https://evil.test/cb' })).url
    expect(() => idp.authorize(unregistered, USER.sub)).toThrow(/not registered/)
  })

  it('rotates keys, and lists unrelated keys ahead of its own on request', async () => {
    const idp = await setup()
    const kids = async () =>
      (await (await idp.fetch(`${idp.issuer}/v1/keys`)).json<JSONWebKeySet>()).keys.map(
        (k) => k.kid,
      )
    const [first] = await kids()
    await idp.rotateKeys()
    const [second] = await kids()
    expect(second).not.toBe(first)
    expect(await kids()).toEqual([second])
    expect(decodeProtectedHeader(await idTokenOf(await exchange(idp))).kid).toBe(second)
    idp.behaviour.extraJwksKeys = 2
    expect((await kids()).slice(2)).toEqual([second])
  })

  it('produces hostile ID tokens on request', async () => {
    const idp = await setup()
    idp.behaviour.idToken = { sign: 'wrongKey' }
    const forged = verify(idp, await idTokenOf(await exchange(idp)))
    await expect(forged).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })

    idp.behaviour.idToken = { sign: 'none' }
    const unsecured = await idTokenOf(await exchange(idp))
    expect(decodeProtectedHeader(unsecured)).toEqual({ alg: 'none', typ: 'JWT' })
    expect(unsecured.endsWith('.')).toBe(true)

    idp.behaviour.idToken = { claims: { sub: undefined, aud: 'someone-else' }, omitKid: true }
    idp.behaviour.thinIdToken = true
    const token = await idTokenOf(await exchange(idp))
    expect(decodeProtectedHeader(token).kid).toBeUndefined()
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ aud: 'someone-else', groups: ['admins'] })
    expect(Object.keys(claims)).not.toContain('sub')
    expect(Object.keys(claims)).not.toContain('email')
  })

  it('misbehaves at the transport level on request', async () => {
    const idp = await setup()
    idp.behaviour.down = { jwks: true }
    await expect(idp.fetch(`${idp.issuer}/v1/keys`)).rejects.toThrow('fetch failed')
    expect(idp.count('jwks')).toBe(1)

    idp.behaviour.tokenResponse = 'html500'
    const html = await exchange(idp)
    expect([html.status, html.headers.get('content-type')]).toEqual([
      500,
      'text/html; charset=utf-8',
    ])

    idp.behaviour.tokenResponse = 'redirect'
    idp.resetCounts()
    const manual = await exchange(idp)
    expect([manual.status, idp.count('token')]).toEqual([302, 1])
    const followed = await exchange(idp, { redirect: 'follow' })
    expect(await followed.json()).toHaveProperty('id_token')
    expect(idp.count('token')).toBe(3)

    idp.behaviour.tokenResponse = { delayMs: 10_000 }
    await expect(exchange(idp, { signal: AbortSignal.timeout(20) })).rejects.toMatchObject({
      name: 'TimeoutError',
    })
  })
})
