// A real, in-process OpenID Connect provider (Okta org style) for tests inside workerd, with hostile-behaviour knobs.
// Why a third provider beside scripts/okta-standin.mjs and bench/idp.mjs: it runs inside workerd (no Node, no
// socket), is reached through the fetch the worker is given, and misbehaves on request; the other two are Node
// servers. Its RS256 keys and JWS come from ./jwt.ts (WebCrypto), over src/crypto/encoding.
import {
  generateSigningKey,
  randomToken,
  sha256Base64url,
  signJwt,
  type JoseObject,
  type PublicJwk,
  type SigningKey,
} from './jwt'

export interface IdpUser {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  [claim: string]: unknown
}

export interface IdpClient {
  client_id: string
  client_secret: string
  redirect_uri: string
  /** Defaults to client_secret_basic. */
  auth_method?: 'client_secret_basic' | 'client_secret_post'
}

export type IdpEndpoint = 'discovery' | 'jwks' | 'token' | 'userinfo'
export type IdpRequestKind = IdpEndpoint | 'other'

export interface IdpRequest {
  method: string
  url: string
  path: string
  kind: IdpRequestKind
}

export interface Behaviour {
  /** Discovery advertises this `issuer` instead of the real one. */
  discoveryIssuer?: string
  /** These endpoints fail like a network error. */
  down?: Partial<Record<IdpEndpoint, boolean>>
  /** `redirect`: 302 to a URL on the IdP that would answer with the (valid) token response if followed. */
  tokenResponse?: 'ok' | 'html500' | 'redirect' | { delayMs: number }
  /** RFC 9207 `iss` in authorization responses (value `issParamValue`, default the issuer). */
  sendIssParam?: boolean
  issParamValue?: string
  /** Claims/header are merged over the defaults; an `undefined` value deletes that member. */
  idToken?: {
    claims?: Record<string, unknown>
    header?: Record<string, unknown>
    /** `wrongKey`: a fresh key not in the JWKS, under the current kid. `none`: unsecured JWT. */
    sign?: 'valid' | 'wrongKey' | 'none'
    omitKid?: boolean
  }
  /** The ID token carries no email/email_verified/name; userinfo still does. */
  thinIdToken?: boolean
  userinfo?: { sub?: string }
  /** Unrelated RSA public keys listed in the JWKS ahead of the real ones. */
  extraJwksKeys?: number
  /** These endpoints follow their JSON with this many bytes of whitespace, streamed without a length. */
  oversized?: Partial<Record<IdpEndpoint, number>>
  /** The token endpoint redeems a code every time it is sent (a lax IdP), not once. */
  reusableCodes?: boolean
}

/** The endpoints an IdP serves besides discovery, as absolute URLs (a vendor's may be on other hosts). */
export type IdpEndpoints = Record<'authorize' | 'token' | 'userinfo' | 'jwks' | 'logout', string>

/**
 * A vendor's IdP as its documentation shows it: the issuer, where its endpoints live, the rest of its
 * discovery document, and the claims its ID token carries beside the standard ones (see ./vendors.ts).
 */
export interface VendorProfile {
  issuer: string
  endpoints: IdpEndpoints
  /** Discovery fields beyond `issuer` and the endpoints. */
  discovery: JoseObject
  /** The vendor's own ID-token claims for `user` (aud, iss, times and nonce are the provider's). */
  idTokenClaims: (user: IdpUser, clientId: string) => JoseObject
  /** The ID token carries no email/email_verified/name (they come from userinfo). */
  thinIdToken?: boolean
}

export interface TestIdpOptions {
  /** Default 'https://idp.example.test'; may carry a path ('https://x.okta.test/oauth2/default'). */
  issuer?: string
  /** A vendor's discovery document, endpoints and claim set (the issuer is the profile's). */
  profile?: VendorProfile
  /** Clock in epoch milliseconds (default Date.now), for code/token expiry and ID token times. */
  now?: () => number
}

interface AuthorizationGrant {
  clientId: string
  redirectUri: string
  sub: string
  nonce: string
  codeChallenge: string
  scope: string
  authTime: number
  expiresAt: number
}

interface TokenSet {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
  id_token: string
}

const CODE_TTL_MS = 60_000
const TOKEN_TTL_S = 3600
const PROFILE_CLAIMS = ['email', 'email_verified', 'name']
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

const DISCOVERY_PATH = '/.well-known/openid-configuration'
const REDIRECTED_TOKEN_SUFFIX = '/redirected'

/** Okta's paths under the issuer, for an IdP without a vendor profile. */
const oktaEndpoints = (base: string): IdpEndpoints => ({
  authorize: `${base}/v1/authorize`,
  token: `${base}/v1/token`,
  userinfo: `${base}/v1/userinfo`,
  jwks: `${base}/v1/keys`,
  logout: `${base}/v1/logout`,
})

type Served = IdpEndpoint | 'redirectedToken'

/** An OAuth error response, thrown inside endpoint handlers. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description)
  }

  response(): Response {
    return json({ error: this.code, error_description: this.message }, this.status, this.headers)
  }
}

/**
 * One key set per issuer, as one real IdP has: instances standing in for a fixed issuer (Google's,
 * JumpCloud's) in several tests sign alike, so a key cache kept in KV between tests stays true.
 */
const keysByIssuer = new Map<string, SigningKey[]>()

export class TestIdp {
  readonly issuer: string
  /** Every server-to-server request received, in order (including ones failed by `behaviour.down`). */
  readonly requests: IdpRequest[] = []
  /** Bytes of `behaviour.oversized` padding the client actually pulled. */
  paddingServed = 0
  behaviour: Behaviour = {}

  readonly #base: string
  readonly #profile: VendorProfile | undefined
  readonly #endpoints: IdpEndpoints
  /** What each URL this IdP answers (origin and path) serves. */
  readonly #served: Map<string, Served>
  readonly #origins: Set<string>
  readonly #now: () => number
  readonly #clients = new Map<string, IdpClient>()
  readonly #users = new Map<string, IdpUser>()
  readonly #codes = new Map<string, AuthorizationGrant>()
  readonly #accessTokens = new Map<string, { sub: string; expiresAt: number }>()
  readonly #redirectedTokens = new Map<string, TokenSet>()
  /** Published signing keys, current one first. */
  #keys: SigningKey[] = []
  #extraKeys: PublicJwk[] = []
  #firstKey?: Promise<void>

  constructor(options: TestIdpOptions = {}) {
    this.#profile = options.profile
    this.issuer = options.profile?.issuer ?? options.issuer ?? 'https://idp.example.test'
    this.#base = this.issuer.replace(/\/$/, '')
    this.#endpoints = options.profile?.endpoints ?? oktaEndpoints(this.#base)
    const { token, userinfo, jwks } = this.#endpoints
    this.#served = new Map<string, Served>([
      [`${this.#base}${DISCOVERY_PATH}`, 'discovery'],
      [jwks, 'jwks'],
      [token, 'token'],
      [`${token}${REDIRECTED_TOKEN_SUFFIX}`, 'redirectedToken'],
      [userinfo, 'userinfo'],
    ])
    this.#origins = new Set(
      [this.#base, ...Object.values(this.#endpoints)].map((u) => new URL(u).origin),
    )
    this.#now = options.now ?? (() => Date.now())
  }

  static async create(options?: TestIdpOptions): Promise<TestIdp> {
    const idp = new TestIdp(options)
    await idp.#firstKeys()
    return idp
  }

  /** The issuer's keys so far (another instance standing in for the same IdP), else a new one. */
  async #firstKeys(): Promise<void> {
    const known = keysByIssuer.get(this.issuer)
    if (known) this.#keys = known
    else await this.rotateKeys()
  }

  addClient(client: IdpClient): void {
    this.#clients.set(client.client_id, client)
  }

  addUser(user: IdpUser): void {
    this.#users.set(user.sub, user)
  }

  /** Whether `url` is one of this IdP's endpoints (exactly), or only on one of its hosts. */
  serves(url: URL, how: 'exactly' | 'host'): boolean {
    return how === 'exactly'
      ? this.#served.has(`${url.origin}${url.pathname}`)
      : this.#origins.has(url.origin)
  }

  count(kind?: IdpRequestKind): number {
    return kind ? this.requests.filter((r) => r.kind === kind).length : this.requests.length
  }

  resetCounts(): void {
    this.requests.length = 0
  }

  /** Signs any claims with the current key (RS256, its kid), as the org signs Universal Logout requests. */
  async signToken(claims: JoseObject, header: JoseObject = {}): Promise<string> {
    const key = await this.#signingKey()
    return signJwt({ alg: 'RS256', kid: key.kid, ...header }, claims, key.privateKey)
  }

  /** Generates a new signing key; `keep: true` keeps the old public keys in the JWKS. */
  async rotateKeys(opts: { keep?: boolean } = {}): Promise<void> {
    const key = await generateSigningKey()
    this.#keys = opts.keep ? [key, ...this.#keys] : [key]
    keysByIssuer.set(this.issuer, this.#keys)
  }

  /** The upstream fetch: serves URLs on the issuer's origin, fails any other like a network error. */
  fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    return this.#send(request, init?.signal ?? request.signal)
  }

  /**
   * The browser step: validates the authorization request like a real AS and, as if `sub` signed in,
   * returns the redirect back to the client. An unknown client or unregistered redirect_uri throws
   * (a real AS shows an error page rather than redirecting).
   */
  authorize(authorizationUrl: string, sub: string, opts: { deny?: boolean } = {}): string {
    const url = new URL(authorizationUrl)
    if (`${url.origin}${url.pathname}` !== this.#endpoints.authorize) {
      throw new Error(`TestIdp: not this IdP's authorization endpoint: ${authorizationUrl}`)
    }
    const params = url.searchParams
    const client = this.#clients.get(params.get('client_id') ?? '')
    if (!client) throw new Error(`TestIdp: unknown client_id ${params.get('client_id')}`)
    if (params.get('redirect_uri') !== client.redirect_uri) {
      throw new Error(
        `TestIdp: redirect_uri ${params.get('redirect_uri')} is not registered for ${client.client_id}`,
      )
    }
    const user = this.#user(sub)

    const reply = (result: Record<string, string>): string => {
      const back = new URL(client.redirect_uri)
      for (const [name, value] of Object.entries(result)) back.searchParams.set(name, value)
      const state = params.get('state')
      if (state) back.searchParams.set('state', state)
      if (this.behaviour.sendIssParam)
        back.searchParams.set('iss', this.behaviour.issParamValue ?? this.issuer)
      return back.href
    }

    const problem = authorizationProblem(params)
    if (problem) return reply({ error: 'invalid_request', error_description: problem })
    if (opts.deny)
      return reply({ error: 'access_denied', error_description: 'The user denied the request' })

    const code = randomToken()
    const now = this.#now()
    this.#codes.set(code, {
      clientId: client.client_id,
      redirectUri: client.redirect_uri,
      sub: user.sub,
      nonce: params.get('nonce') ?? '',
      codeChallenge: params.get('code_challenge') ?? '',
      scope: params.get('scope') ?? '',
      authTime: Math.floor(now / 1000),
      expiresAt: now + CODE_TTL_MS,
    })
    return reply({ code })
  }

  async #send(request: Request, signal: AbortSignal): Promise<Response> {
    signal.throwIfAborted()
    const url = new URL(request.url)
    if (!this.serves(url, 'host')) throw new TypeError('fetch failed')
    const served = this.#served.get(`${url.origin}${url.pathname}`)
    const kind = served === 'redirectedToken' ? 'token' : (served ?? 'other')
    this.requests.push({ method: request.method, url: url.href, path: url.pathname, kind })
    if (kind !== 'other' && this.behaviour.down?.[kind]) throw new TypeError('fetch failed')

    const padding = kind === 'other' ? undefined : this.behaviour.oversized?.[kind]
    const answer = await this.#respond(served, request, url, signal)
    const response = padding ? this.#padded(answer, padding) : answer
    signal.throwIfAborted()
    const location = response.headers.get('location')
    if (location === null || request.redirect === 'manual') return response
    if (request.redirect === 'error') throw new TypeError('fetch failed')
    // Following a redirect, as fetch does by default; the only one served is a 302 after POST, re-issued as GET.
    return this.#send(new Request(new URL(location, url), { signal }), signal)
  }

  /** `response` with `bytes` of whitespace after its JSON, produced only as the client reads. */
  #padded(response: Response, bytes: number): Response {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024))
    const source = response.body?.getReader()
    let left = bytes
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const head = await source?.read()
        if (head && !head.done) return controller.enqueue(head.value)
        if (left <= 0) return controller.close()
        const piece = chunk.subarray(0, Math.min(left, chunk.byteLength))
        left -= piece.byteLength
        this.paddingServed += piece.byteLength
        controller.enqueue(piece)
      },
    })
    const headers = new Headers(response.headers)
    headers.delete('content-length')
    return new Response(body, { status: response.status, headers })
  }

  async #respond(
    served: Served | undefined,
    request: Request,
    url: URL,
    signal: AbortSignal,
  ): Promise<Response> {
    const allow = (...methods: string[]): boolean => methods.includes(request.method)
    switch (served) {
      case 'discovery':
        return allow('GET') ? json(this.#discovery()) : methodNotAllowed()
      case 'jwks':
        return allow('GET') ? json({ keys: await this.#jwks() }) : methodNotAllowed()
      case 'token':
        return allow('POST') ? this.#token(request, signal) : methodNotAllowed()
      case 'redirectedToken':
        return this.#redirectedToken(url)
      case 'userinfo':
        return allow('GET', 'POST') ? this.#userinfo(request) : methodNotAllowed()
      default:
        return json({ error: 'not_found' }, 404)
    }
  }

  #discovery(): JoseObject {
    const { authorize, token, userinfo, jwks, logout } = this.#endpoints
    const endpoints = {
      issuer: this.behaviour.discoveryIssuer ?? this.issuer,
      authorization_endpoint: authorize,
      token_endpoint: token,
      userinfo_endpoint: userinfo,
      jwks_uri: jwks,
      end_session_endpoint: logout,
    }
    if (this.#profile) return { ...this.#profile.discovery, ...endpoints }
    return {
      ...endpoints,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'iat',
        'exp',
        'nonce',
        'auth_time',
        'email',
        'email_verified',
        'name',
      ],
      ...(this.behaviour.sendIssParam
        ? { authorization_response_iss_parameter_supported: true }
        : {}),
    }
  }

  async #jwks(): Promise<PublicJwk[]> {
    await this.#signingKey()
    const extra = this.behaviour.extraJwksKeys ?? 0
    while (this.#extraKeys.length < extra) this.#extraKeys.push((await generateSigningKey()).jwk)
    return [...this.#extraKeys.slice(0, extra), ...this.#keys.map((k) => k.jwk)]
  }

  async #token(request: Request, signal: AbortSignal): Promise<Response> {
    const mode = this.behaviour.tokenResponse ?? 'ok'
    if (mode === 'html500') {
      const page = '<!doctype html><title>Error</title><h1>500 Internal Server Error</h1>'
      return new Response(page, {
        status: 500,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      })
    }
    if (typeof mode === 'object') await sleep(mode.delayMs, signal)
    try {
      const tokens = await this.#exchangeCode(request)
      if (mode !== 'redirect') return tokenResponse(tokens)
      const id = randomToken()
      this.#redirectedTokens.set(id, tokens)
      return new Response(null, {
        status: 302,
        headers: { location: `${this.#endpoints.token}${REDIRECTED_TOKEN_SUFFIX}?id=${id}` },
      })
    } catch (error) {
      if (error instanceof OAuthError) return error.response()
      throw error
    }
  }

  #redirectedToken(url: URL): Response {
    const id = url.searchParams.get('id') ?? ''
    const tokens = this.#redirectedTokens.get(id)
    this.#redirectedTokens.delete(id)
    return tokens ? tokenResponse(tokens) : json({ error: 'not_found' }, 404)
  }

  async #exchangeCode(request: Request): Promise<TokenSet> {
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '')) {
      throw new OAuthError(
        400,
        'invalid_request',
        'expected an application/x-www-form-urlencoded body',
      )
    }
    // Decoded by hand: workerd warns when .text() is called on a form-encoded body.
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()))
    const client = this.#authenticateClient(request.headers.get('authorization'), form)
    if (form.get('grant_type') !== 'authorization_code') {
      throw new OAuthError(400, 'unsupported_grant_type', 'only authorization_code is supported')
    }

    const code = form.get('code') ?? ''
    const grant = this.#codes.get(code)
    if (!this.behaviour.reusableCodes) this.#codes.delete(code)
    if (!grant || grant.clientId !== client.client_id || this.#now() > grant.expiresAt) {
      throw new OAuthError(
        400,
        'invalid_grant',
        'the authorization code is invalid, expired or already used',
      )
    }
    if (form.get('redirect_uri') !== grant.redirectUri) {
      throw new OAuthError(
        400,
        'invalid_grant',
        'redirect_uri does not match the authorization request',
      )
    }
    const verifier = form.get('code_verifier') ?? ''
    if (
      !CODE_VERIFIER.test(verifier) ||
      (await sha256Base64url(verifier)) !== grant.codeChallenge
    ) {
      throw new OAuthError(400, 'invalid_grant', 'PKCE verification failed')
    }

    const accessToken = randomToken()
    this.#accessTokens.set(accessToken, {
      sub: grant.sub,
      expiresAt: this.#now() + TOKEN_TTL_S * 1000,
    })
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_S,
      scope: grant.scope,
      id_token: await this.#idToken(grant),
    }
  }

  /** RFC 6749 §2.3.1: exactly one method, and the one the client is registered for. */
  #authenticateClient(authorization: string | null, form: URLSearchParams): IdpClient {
    const basic = authorization === null ? undefined : parseBasic(authorization)
    if (basic && form.has('client_secret')) {
      throw new OAuthError(400, 'invalid_request', 'more than one client authentication method')
    }
    if (basic && form.has('client_id') && form.get('client_id') !== basic.id) {
      throw new OAuthError(
        400,
        'invalid_request',
        'client_id does not match the Authorization header',
      )
    }
    const method = basic ? 'client_secret_basic' : 'client_secret_post'
    const client = this.#clients.get(basic?.id ?? form.get('client_id') ?? '')
    const secret = basic?.secret ?? form.get('client_secret')
    if (
      !client ||
      (client.auth_method ?? 'client_secret_basic') !== method ||
      secret !== client.client_secret
    ) {
      throw new OAuthError(401, 'invalid_client', 'client authentication failed', {
        'www-authenticate': 'Basic realm="idp"',
      })
    }
    return client
  }

  async #idToken(grant: AuthorizationGrant): Promise<string> {
    const knob = this.behaviour.idToken ?? {}
    const sign = knob.sign ?? 'valid'
    const key = await this.#signingKey()
    const user = this.#user(grant.sub)
    const profile: JoseObject = { ...user }
    if (this.behaviour.thinIdToken || this.#profile?.thinIdToken)
      for (const claim of PROFILE_CLAIMS) delete profile[claim]
    const now = Math.floor(this.#now() / 1000)
    const claims = merge(
      {
        ...profile,
        iss: this.issuer,
        sub: user.sub,
        aud: grant.clientId,
        iat: now,
        exp: now + TOKEN_TTL_S,
        nonce: grant.nonce,
        auth_time: grant.authTime,
        // The vendor's claims; it may also shape `aud` (JumpCloud sends an array).
        ...this.#profile?.idTokenClaims(user, grant.clientId),
      },
      knob.claims,
    )
    const header = merge(
      sign === 'none'
        ? { alg: 'none', typ: 'JWT' }
        : { alg: 'RS256', typ: 'JWT', ...(knob.omitKid ? {} : { kid: key.kid }) },
      knob.header,
    )
    if (sign === 'none') return signJwt(header, claims)
    const signer = sign === 'wrongKey' ? await generateSigningKey() : key
    return signJwt(header, claims, signer.privateKey)
  }

  #userinfo(request: Request): Response {
    const token = /^Bearer (\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
    const grant = token === undefined ? undefined : this.#accessTokens.get(token)
    if (!grant || this.#now() > grant.expiresAt) {
      return new OAuthError(401, 'invalid_token', 'the access token is invalid or expired', {
        'www-authenticate': 'Bearer error="invalid_token"',
      }).response()
    }
    const user = this.#user(grant.sub)
    return json({ ...user, sub: this.behaviour.userinfo?.sub ?? user.sub })
  }

  async #signingKey(): Promise<SigningKey> {
    if (this.#keys.length === 0) await (this.#firstKey ??= this.#firstKeys())
    const [current] = this.#keys
    if (!current) throw new Error('TestIdp: no signing key')
    return current
  }

  #user(sub: string): IdpUser {
    const user = this.#users.get(sub)
    if (!user) throw new Error(`TestIdp: unknown user ${sub}`)
    return user
  }
}

/**
 * A fetch over several IdPs: the one that serves the URL exactly (an Okta org and its custom server share a
 * host), else the one whose issuer the URL falls under (longest first), else the first on its host.
 */
export function routeFetch(...idps: TestIdp[]): typeof fetch {
  const longestFirst = [...idps].sort((a, b) => b.issuer.length - a.issuer.length)
  return async (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    )
    const idp =
      longestFirst.find((i) => i.serves(url, 'exactly')) ??
      longestFirst.find((i) => url.href.startsWith(`${i.issuer.replace(/\/$/, '')}/`)) ??
      longestFirst.find((i) => i.serves(url, 'host'))
    if (!idp) throw new TypeError('fetch failed')
    return idp.fetch(input, init)
  }
}

/** Why an authorization request is invalid, or undefined when it is acceptable. */
function authorizationProblem(params: URLSearchParams): string | undefined {
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) return `duplicate parameter ${name}`
  }
  if (params.get('response_type') !== 'code') return 'response_type must be code'
  if (!(params.get('scope') ?? '').split(' ').includes('openid')) return 'scope must contain openid'
  if (params.get('code_challenge_method') !== 'S256') return 'code_challenge_method must be S256'
  if (!CODE_CHALLENGE.test(params.get('code_challenge') ?? ''))
    return 'code_challenge is missing or malformed'
  if (!params.get('state')) return 'state is required'
  if (!params.get('nonce')) return 'nonce is required'
  return undefined
}

/** `Authorization: Basic` credentials, each part form-urlencoded (RFC 6749 §2.3.1). */
function parseBasic(header: string): { id: string; secret: string } {
  const invalid = new OAuthError(401, 'invalid_client', 'malformed Basic credentials', {
    'www-authenticate': 'Basic realm="idp"',
  })
  const encoded = /^Basic (\S+)$/i.exec(header)?.[1]
  if (encoded === undefined) throw invalid
  try {
    const decoded = atob(encoded)
    const colon = decoded.indexOf(':')
    if (colon < 0) throw invalid
    const formDecode = (s: string): string => decodeURIComponent(s.replaceAll('+', ' '))
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) }
  } catch {
    throw invalid
  }
}

/** `base` with `overrides` applied; an `undefined` override deletes the member. */
function merge(base: JoseObject, overrides: Record<string, unknown> = {}): JoseObject {
  const result = { ...base }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[name]
    else result[name] = value
  }
  return result
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function tokenResponse(tokens: TokenSet): Response {
  return json(tokens, 200, { 'cache-control': 'no-store', pragma: 'no-cache' })
}

function methodNotAllowed(): Response {
  return json({ error: 'invalid_request', error_description: 'method not allowed' }, 405)
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    signal.throwIfAborted()
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
