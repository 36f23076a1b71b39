// The host app's side: the gateway against a direct request to the host app, /api/token, and the token's sign and verify cost.
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { Browser, expectStatus, summarize } from './browser.mjs'

/** The page both requests ask for: the example host app's /app, which verifies the assertion it is given. */
const page = '/app'

/**
 * A signed-in browser's view of the host app: through edge-sso's gateway (its cookie; edge-sso adds the
 * assertion), and directly (the same assertion, from /api/token, sent by hand), so the host does the same work.
 */
export function hostTargets(ours, hostOrigin, browser) {
  const token = async () => {
    const issued = expectStatus(
      '/api/token',
      await browser.request(`${ours.origin}/api/token`),
      200,
    )
    return JSON.parse(issued.body).token
  }
  return {
    token,
    gatewayUrl: `${ours.origin}${page}`,
    directUrl: `${hostOrigin}${page}`,
    tokenUrl: `${ours.origin}/api/token`,
  }
}

/**
 * Interleaved, paired: a gateway request (between rechecks), a direct request to the host app, edge-sso's floor
 * and `/api/token` (cached: the session's token reused within half its life), `n` times each.
 */
export async function timeGateway({ ours, host, browser }, n) {
  const assertion = await host.token()
  const direct = new Browser()
  const samples = { gateway: [], direct: [], floor: [], token: [] }
  for (let i = 0; i < n + 3; i++) {
    const gateway = expectStatus('gateway', await browser.request(host.gatewayUrl), 200)
    if (!gateway.body.includes('data-testid="email"')) throw new Error('gateway: nobody shown')
    const straight = expectStatus(
      'direct',
      await direct.request(host.directUrl, { headers: { 'edge-sso-assertion': assertion } }),
      200,
    )
    const floor = await direct.request(ours.floorUrl)
    const token = expectStatus('/api/token', await browser.request(host.tokenUrl), 200)
    if (i < 3) continue // warm-up
    samples.gateway.push(gateway.ms)
    samples.direct.push(straight.ms)
    samples.floor.push(floor.ms)
    samples.token.push(token.ms)
  }
  const over = (a, b) => summarize(samples[a].map((x, i) => x - samples[b][i]))
  return {
    gateway: summarize(samples.gateway),
    direct: summarize(samples.direct),
    tokenRoute: summarize(samples.token),
    gatewayOverDirect: over('gateway', 'direct'),
    tokenOverFloor: over('token', 'floor'),
  }
}

/** CPU milliseconds per call of `work`, `n` calls, on this process (Node's WebCrypto, as jose uses in workerd). */
async function cpuPerCall(n, work) {
  for (let i = 0; i < 50; i++) await work(i) // warm-up
  const before = process.cpuUsage()
  for (let i = 0; i < n; i++) await work(i)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000 / n
}

/**
 * The identity token's crypto alone, as the worker and a host app run it: ES256 signing with jose (what a
 * cache miss of /api/token or the gateway costs) and verification against a cached JWKS (what every host
 * request costs).
 */
export async function tokenCrypto(n = 2000) {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwks = createLocalJWKSet({
    keys: [{ ...(await exportJWK(publicKey)), kid: 'b1', alg: 'ES256' }],
  })
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    iss: 'https://sso.example.com',
    aud: 'https://app.example.com',
    sub: 'user',
    email: 'ada@example.com',
    email_verified: true,
    name: 'Ada',
    team_id: 'team',
    role: 'member',
    amr: ['sso'],
    sid: 'a'.repeat(64),
    auth_time: now,
    iat: now,
    exp: now + 60,
  }
  const sign = () =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'b1' }).sign(privateKey)
  const tokens = await Promise.all(Array.from({ length: 16 }, sign))
  const options = { issuer: claims.iss, audience: claims.aud, algorithms: ['ES256'] }
  return {
    signMs: await cpuPerCall(n, sign),
    verifyMs: await cpuPerCall(n, (i) => jwtVerify(tokens[i % tokens.length], jwks, options)),
  }
}
