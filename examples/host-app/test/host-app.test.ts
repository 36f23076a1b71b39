// The example host app: it shows who an assertion proves, and refuses a forged, expired, foreign or unknown-key one.
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createHostApp } from '../src/index'

const issuer = 'https://sso.example.com'
const audience = 'https://app.example.com'
const env = { SSO_ISSUER: issuer, SSO_AUDIENCE: audience }

let ours: CryptoKeyPair
let forger: CryptoKeyPair
let jwks: { keys: JWK[] }

beforeAll(async () => {
  ours = await generateKeyPair('ES256')
  forger = await generateKeyPair('ES256')
  jwks = { keys: [{ ...(await exportJWK(ours.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }
})

const claims = {
  sub: 'user-1',
  email: 'ada@acme.example',
  email_verified: true,
  name: 'Ada',
  team_id: 'team-1',
  role: 'admin',
  amr: ['sso'],
  sid: 'session-row-1',
  auth_time: Math.floor(Date.now() / 1000) - 5,
}

/** An assertion as edge-sso signs it, with `change` applied (another key, kid, audience, times). */
function assertion(
  change: {
    key?: CryptoKey
    kid?: string
    aud?: string
    iss?: string
    iat?: number
    exp?: number
  } = {},
) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: change.kid ?? 'k1' })
    .setIssuer(change.iss ?? issuer)
    .setAudience(change.aud ?? audience)
    .setIssuedAt(change.iat ?? now)
    .setExpirationTime(change.exp ?? now + 60)
    .sign(change.key ?? ours.privateKey)
}

/** The example app, its JWKS served from memory, counting fetches of it. */
function hostApp() {
  const fetched: string[] = []
  const app = createHostApp({
    fetchJwks: async (url) => {
      fetched.push(String(url))
      return Response.json(jwks)
    },
  })
  const get = (path: string, token?: string) =>
    app.request(path, { headers: token ? { 'edge-sso-assertion': token } : {} }, env)
  return { get, fetched }
}

describe('examples/host-app', () => {
  it('shows who is signed in, their team and role, from a valid assertion; the JWKS fetched once', async () => {
    const { get, fetched } = hostApp()
    const response = await get('/app', await assertion())
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain('data-testid="email">ada@acme.example<')
    expect(page).toContain('data-testid="team">team-1<')
    expect(page).toContain('data-testid="role">admin<')
    await get('/app', await assertion())
    expect(fetched).toEqual([`${issuer}/.well-known/jwks.json`])
    const whoami = await (await get('/api/whoami', await assertion())).json()
    expect(whoami).toMatchObject({ sub: 'user-1', team_id: 'team-1', role: 'admin', iss: issuer })
  })

  it('shows nobody signed in without an assertion', async () => {
    const page = await (await hostApp().get('/app')).text()
    expect(page).toContain('data-testid="anonymous"')
  })

  const refused: [string, () => Promise<string>][] = [
    ['forged (signed by another key under our kid)', () => assertion({ key: forger.privateKey })],
    [
      'expired',
      () => {
        const past = Math.floor(Date.now() / 1000) - 600
        return assertion({ iat: past, exp: past + 60 })
      },
    ],
    ['for another audience', () => assertion({ aud: 'https://other-app.example.com' })],
    ['from another issuer', () => assertion({ iss: 'https://evil.example.com' })],
    ['signed under an unknown kid', () => assertion({ kid: 'k9', key: forger.privateKey })],
    [
      'unsigned (alg none)',
      async () => `${btoa('{"alg":"none","typ":"JWT"}')}.${btoa(JSON.stringify(claims))}.`,
    ],
    [
      'tampered (claims changed after signing)',
      async () => {
        const [header, , signature] = (await assertion()).split('.')
        const body = btoa(JSON.stringify({ ...claims, role: 'owner', iss: issuer, aud: audience }))
        return `${header}.${body.replace(/=+$/, '')}.${signature}`
      },
    ],
  ]
  for (const [what, make] of refused)
    it(`refuses an assertion ${what}: 401, nobody shown`, async () => {
      const response = await hostApp().get('/app', await make())
      expect(response.status).toBe(401)
      const page = await response.text()
      expect(page).toContain('data-testid="refused"')
      expect(page).not.toContain('ada@acme.example')
    })
})
