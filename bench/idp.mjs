// The bench's identity provider on loopback: Okta-org-shaped OIDC whose server-to-server endpoints answer IDP_RTT_MS after a request arrives.
// Why not the in-test provider (test/idp/provider.ts): both workers under `wrangler dev` must reach it over TCP, with a
// fixed delay and per-endpoint counters the bench reads. Why not the stand-in (scripts/okta-standin.mjs): its
// interaction pages need a person, and its own latency would blur the delay being measured.
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

/** The scenario's round trip to the IdP; `POST /__bench/delay?ms=` changes it between scenarios. */
let delayMs = Number(process.env.IDP_RTT_MS ?? 40)
/** [{ client_id, client_secret, redirect_uri }] */
const clients = new Map(JSON.parse(process.env.IDP_CLIENTS ?? '[]').map((c) => [c.client_id, c]))
const kid = 'bench-key-1'
const { privateKey, publicKey } = await generateKeyPair('RS256')
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }

const serverToServer = ['discovery', 'jwks', 'token', 'userinfo']
/** Requests per endpoint, the IdP's time on server-to-server ones (`tokenMs`…, delay included), new TCP connections. */
const counts = () => ({
  ...Object.fromEntries([...serverToServer, 'authorize', 'delayed', 'other'].map((k) => [k, 0])),
  ...Object.fromEntries(serverToServer.map((k) => [`${k}Ms`, 0])),
  connections: 0,
})
let received = counts()
const codes = new Map()
const accessTokens = new Map()

const random = () => randomBytes(24).toString('base64url')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const s256 = (verifier) => createHash('sha256').update(verifier).digest('base64url')
const subjectFor = (email) => `00u${createHash('sha256').update(email).digest('hex').slice(0, 17)}`

/** An answer: status, JSON body (or none), extra headers. */
const answer = (status, body, headers = {}) => ({ status, body, headers })
const oauthError = (status, error) => answer(status, { error })

function send(res, { status, body, headers }) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(body === undefined ? '' : JSON.stringify(body))
}

const discovery = (issuer) => ({
  issuer,
  authorization_endpoint: `${issuer}/oauth2/v1/authorize`,
  token_endpoint: `${issuer}/oauth2/v1/token`,
  userinfo_endpoint: `${issuer}/oauth2/v1/userinfo`,
  jwks_uri: `${issuer}/oauth2/v1/keys`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  scopes_supported: ['openid', 'email', 'profile'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  code_challenge_methods_supported: ['S256'],
  grant_types_supported: ['authorization_code'],
})

/** The browser page: signs in the user named by `bench_user` (or `login_hint`) at once, no delay. */
function authorize(url) {
  const q = url.searchParams
  const client = clients.get(q.get('client_id') ?? '')
  if (!client || client.redirect_uri !== q.get('redirect_uri'))
    return oauthError(400, 'invalid_client')
  if (
    q.get('response_type') !== 'code' ||
    q.get('code_challenge_method') !== 'S256' ||
    !q.get('code_challenge')
  )
    return oauthError(400, 'invalid_request')
  const email = q.get('bench_user') ?? q.get('login_hint') ?? 'someone@example.com'
  const code = random()
  codes.set(code, {
    clientId: client.client_id,
    redirectUri: client.redirect_uri,
    nonce: q.get('nonce'),
    challenge: q.get('code_challenge'),
    email,
  })
  const target = new URL(client.redirect_uri)
  target.searchParams.set('code', code)
  if (q.has('state')) target.searchParams.set('state', q.get('state'))
  return answer(302, undefined, { location: target.href })
}

/** client_secret_basic (form-urlencoded id and secret, RFC 6749 §2.3.1) or client_secret_post. */
function authenticateClient(req, form) {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
  const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '))
  let id = form.get('client_id')
  let secret = form.get('client_secret')
  if (basic) {
    const pair = Buffer.from(basic[1], 'base64').toString()
    const colon = pair.indexOf(':')
    id = decode(pair.slice(0, colon))
    secret = decode(pair.slice(colon + 1))
  }
  const client = clients.get(id ?? '')
  return client && client.client_secret === secret ? client : undefined
}

/** The code grant: client authentication, single-use code, redirect URI, PKCE S256; an RS256 ID token with the nonce. */
async function token(req, issuer, body) {
  if (req.method !== 'POST') return oauthError(405, 'invalid_request')
  const form = new URLSearchParams(body)
  const client = authenticateClient(req, form)
  if (!client) return oauthError(401, 'invalid_client')
  const grant = codes.get(form.get('code') ?? '')
  codes.delete(form.get('code') ?? '')
  if (form.get('grant_type') !== 'authorization_code' || !grant)
    return oauthError(400, 'invalid_grant')
  if (grant.clientId !== client.client_id || grant.redirectUri !== form.get('redirect_uri'))
    return oauthError(400, 'invalid_grant')
  if (s256(form.get('code_verifier') ?? '') !== grant.challenge)
    return oauthError(400, 'invalid_grant')
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    sub: subjectFor(grant.email),
    email: grant.email,
    email_verified: true,
    name: grant.email.split('@')[0],
    auth_time: now,
    ...(grant.nonce ? { nonce: grant.nonce } : {}),
  }
  const idToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(issuer)
    .setAudience(client.client_id)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey)
  const accessToken = random()
  accessTokens.set(accessToken, claims)
  return answer(200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'openid email profile',
    id_token: idToken,
  })
}

function userinfo(req) {
  const claims = accessTokens.get(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '')
  if (!claims) return oauthError(401, 'invalid_token')
  return answer(200, {
    sub: claims.sub,
    email: claims.email,
    email_verified: true,
    name: claims.name,
  })
}

const kinds = new Map([
  ['/.well-known/openid-configuration', 'discovery'],
  ['/oauth2/v1/keys', 'jwks'],
  ['/oauth2/v1/token', 'token'],
  ['/oauth2/v1/userinfo', 'userinfo'],
  ['/oauth2/v1/authorize', 'authorize'],
  // the bench's reference round trip: delayed like the others, no work, not an OIDC endpoint
  ['/__bench/delayed', 'delayed'],
])

const cacheable = { 'cache-control': 'max-age=3600' }

async function handle(kind, req, url, body) {
  const issuer = `http://127.0.0.1:${server.address().port}`
  if (kind === 'discovery') return answer(200, discovery(issuer), cacheable)
  if (kind === 'jwks') return answer(200, jwks, cacheable)
  if (kind === 'token') return token(req, issuer, body)
  if (kind === 'userinfo') return userinfo(req)
  if (kind === 'authorize') return authorize(url)
  if (kind === 'delayed') return answer(200, {})
  return oauthError(404, 'not_found')
}

const server = createServer(async (req, res) => {
  const arrived = performance.now()
  const url = new URL(req.url, 'http://127.0.0.1')
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  if (url.pathname === '/__bench/counts') return send(res, answer(200, received))
  if (url.pathname === '/__bench/delay' && req.method === 'POST') {
    delayMs = Number(url.searchParams.get('ms') ?? delayMs)
    return send(res, answer(200, { delayMs }))
  }
  if (url.pathname === '/__bench/reset') {
    received = counts()
    return send(res, answer(204))
  }
  const kind = kinds.get(url.pathname) ?? 'other'
  const counted = received
  counted[kind]++
  const result = await handle(kind, req, url, Buffer.concat(chunks).toString())
  if (kind === 'authorize' || kind === 'other') return send(res, result)
  await sleep(delayMs - (performance.now() - arrived))
  if (serverToServer.includes(kind))
    res.on('finish', () => (counted[`${kind}Ms`] += performance.now() - arrived))
  send(res, result)
})
server.on('connection', () => received.connections++)

server.listen(Number(process.env.IDP_PORT ?? 0), '127.0.0.1', () => {
  console.log(`idp listening on ${server.address().port} (round trip ${delayMs} ms)`)
})
