// The identity token: its claims, the JWKS it verifies against, one signature per half life, none for a revoked session.
import { env } from 'cloudflare:test'
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/env'
import { Browser, expectRefusal, publicOrigin, type Rig } from './harness'
import { register } from './logins'
import { query } from './rows'
import { expectSignedIn, scene } from './scene'

const area = 'Host identity'

async function jwksOf(rig: Rig): Promise<JSONWebKeySet> {
  const response = await rig.fetch(new Browser(), '/.well-known/jwks.json')
  expect(response.status).toBe(200)
  return response.json()
}

async function tokenOf(rig: Rig, browser: Browser) {
  const response = await rig.fetch(browser, '/api/token')
  expect(response.status, await response.clone().text()).toBe(200)
  expect(response.headers.get('cache-control')).toBe('no-store')
  return (await response.json()) as { token: string; expiresAt: string }
}

/** Verified as a host app verifies it: ES256 against the published keys, issuer and audience checked. */
async function verified(rig: Rig, token: string) {
  const { payload, protectedHeader } = await jwtVerify(
    token,
    createLocalJWKSet(await jwksOf(rig)),
    {
      issuer: publicOrigin,
      audience: publicOrigin,
      algorithms: ['ES256'],
    },
  )
  return { payload, protectedHeader }
}

describe('GET /.well-known/jwks.json', () => {
  it('publishes every key of TOKEN_SIGNING_KEYS, public halves only, cacheable for five minutes', async () => {
    const { rig } = await scene()
    const response = await rig.fetch(new Browser(), '/.well-known/jwks.json')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] }
    expect(keys.map((k) => k.kid)).toEqual(['t2', 't1'])
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    }
  })
})

describe('GET /api/token', () => {
  it('gives an SSO member an ES256 token with the design’s claims, valid 60 s, that verifies against the JWKS', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = await expectSignedIn(s)
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    const [row] = await query<{ id: string; created_at: number }>(
      'select id from sessions where user_id = ? and revoked_at is null',
      user!.id,
    )
    const { token, expiresAt } = await tokenOf(s.rig, browser)
    const { payload, protectedHeader } = await verified(s.rig, token)
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: 't2' })
    expect(payload).toMatchObject({
      iss: publicOrigin,
      aud: publicOrigin,
      sub: user!.id,
      email: s.email,
      email_verified: true,
      name: 'Ada',
      team_id: s.team.teamId,
      role: 'member',
      amr: ['sso'],
      sid: row!.id,
    })
    expect(payload.exp! - payload.iat!).toBe(60)
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5)
    expect(Math.abs((payload.auth_time as number) - Date.now() / 1000)).toBeLessThan(5)
    expect(new Date(expiresAt).getTime()).toBe(payload.exp! * 1000)
    expect(token).not.toContain(browser.cookies.get('__Host-edge_sso_session'))
    s.tally.accepted()
  })

  it('gives a password user of no team amr ["pwd"], team_id and role null', async () => {
    const { rig, team } = await scene()
    const browser = new Browser()
    await register(rig, browser, `pat@solo.${team.domain}`)
    const { payload } = await verified(rig, (await tokenOf(rig, browser)).token)
    expect(payload).toMatchObject({
      email: `pat@solo.${team.domain}`,
      email_verified: true,
      team_id: null,
      role: null,
      amr: ['pwd'],
    })
  })

  it('answers 401 (no-store, no token) without a live session', async (ctx) => {
    const s = await scene({ ctx, area })
    const response = await s.rig.fetch(new Browser(), '/api/token')
    expect(response.headers.get('cache-control')).toBe('no-store')
    await expectRefusal(response, { status: 401, code: 'unauthorized' })
    s.tally.countRefused()
  })

  it('signs once per half life, not per request, and afresh after a recheck', async () => {
    const s = await scene()
    const browser = await expectSignedIn(s)
    const first = await tokenOf(s.rig, browser)
    expect((await tokenOf(s.rig, browser)).token, 'the same token within half its life').toBe(
      first.token,
    )
    s.advance(29_000)
    expect((await tokenOf(s.rig, browser)).token).toBe(first.token)
    s.advance(2_000)
    const second = await tokenOf(s.rig, browser)
    expect(second.token, 'a new token past half its life').not.toBe(first.token)
    s.advance(31_000)
    const rechecked = await tokenOf(s.rig, browser)
    expect(rechecked.token, 'a recheck signs afresh').not.toBe(second.token)
    const { payload } = await verified(s.rig, rechecked.token)
    expect(payload.sub).toBeTruthy()
  })

  it('gives a revoked session no new token once its recheck is due (the host’s access ends within recheck + token life)', async (ctx) => {
    const s = await scene({ ctx, area })
    const browser = await expectSignedIn(s)
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    const before = await tokenOf(s.rig, browser)
    const revoked = await s.rig.admin('DELETE', `/admin/api/users/${user!.id}/sessions`)
    expect(revoked.status).toBe(204)
    s.advance(61_000)
    const refused = await s.rig.fetch(browser, '/api/token')
    await expectRefusal(refused, { status: 401, code: 'unauthorized' })
    s.tally.countRefused()
    expect(refused.headers.getSetCookie().join()).toMatch(/__Host-edge_sso_session=;/)
    // The last token dies with its own expiry: 60 s after it was signed.
    await expect(verified(s.rig, before.token)).rejects.toThrow(/exp/)
  })

  it('never outlives the session: exp is at most the session’s expiry', async () => {
    const s = await scene()
    const browser = await expectSignedIn(s)
    const [row] = await query<{ expires_at: number }>(
      'select expires_at from sessions order by created_at desc limit 1',
    )
    s.advance((row!.expires_at - Date.now() / 1000 - 20) * 1000)
    // Past the recheck interval: the session is rechecked (still live) and a token is signed.
    const { token } = await tokenOf(s.rig, browser)
    const [, body] = token.split('.')
    const claims = JSON.parse(atob(body!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp: number
      iat: number
    }
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(21)
  })
})

describe('TOKEN_SIGNING_KEYS, TOKEN_AUDIENCE, TOKEN_TTL_SECONDS', () => {
  const bare = {
    ...env,
    PUBLIC_URL: 'http://localhost:8787',
    APP_URL: '',
    ADMIN_TOKEN: '',
    SESSION_KEYS: '',
    DATA_KEY: '',
    TOKEN_SIGNING_KEYS: '',
  } as Env

  it('has a dev-only default under wrangler dev, refused anywhere else', () => {
    const dev = readConfig(bare, 'http://localhost:8787/')
    expect(dev.tokenSigningKeys.map((k) => k.kid)).toEqual(['dev'])
    const devKey = `${dev.tokenSigningKeys[0]!.kid}:${btoa(String.fromCharCode(...dev.tokenSigningKeys[0]!.pkcs8))}`
    expect(() =>
      readConfig({ ...env, TOKEN_SIGNING_KEYS: devKey } as Env, 'https://sso.example.com/'),
    ).toThrow(/TOKEN_SIGNING_KEYS: a dev-only value/)
    expect(() =>
      readConfig({ ...env, TOKEN_SIGNING_KEYS: '' } as Env, 'https://sso.example.com/'),
    ).toThrow(/TOKEN_SIGNING_KEYS/)
  })

  it('refuses malformed key lists, repeated key ids and a lifetime outside 10–300 s', () => {
    for (const TOKEN_SIGNING_KEYS of [
      't1',
      't1:c2hvcnQ=',
      `${env.TOKEN_SIGNING_KEYS},t2:${btoa('x'.repeat(80))}`,
    ])
      expect(() =>
        readConfig({ ...env, TOKEN_SIGNING_KEYS } as Env, 'https://sso.example.com/'),
      ).toThrow(/TOKEN_SIGNING_KEYS/)
    for (const TOKEN_TTL_SECONDS of ['9', '301', '1.5'])
      expect(() =>
        readConfig({ ...env, TOKEN_TTL_SECONDS } as Env, 'https://sso.example.com/'),
      ).toThrow(/TOKEN_TTL_SECONDS/)
  })

  it('defaults the audience to the origin of APP_URL and the lifetime to 60 s; both can be set', () => {
    const config = readConfig(
      { ...env, APP_URL: 'https://app.example.com/dashboard' } as Env,
      'https://sso.example.com/',
    )
    expect([config.tokenAudience, config.tokenTtlSeconds]).toEqual(['https://app.example.com', 60])
    const set = readConfig(
      { ...env, TOKEN_AUDIENCE: 'urn:acme:app', TOKEN_TTL_SECONDS: '300' } as Env,
      'https://sso.example.com/',
    )
    expect([set.tokenAudience, set.tokenTtlSeconds]).toEqual(['urn:acme:app', 300])
  })

  it('a key not usable for ES256 is a clean 500, never a stack', async () => {
    const { rig } = await scene()
    rig.testEnv = { ...rig.testEnv, TOKEN_SIGNING_KEYS: `bad:${btoa('x'.repeat(100))}` }
    const response = await rig.fetch(new Browser(), '/.well-known/jwks.json')
    await expectRefusal(response, { status: 500, code: 'internal_error' })
  })

  it('rotates: a new first key signs, the retired one stays published, so tokens signed before still verify', async () => {
    const s = await scene()
    const browser = await expectSignedIn(s)
    const old = await tokenOf(s.rig, browser)
    const [, t1] = env.TOKEN_SIGNING_KEYS.split(',')
    s.rig.testEnv = {
      ...s.rig.testEnv,
      TOKEN_SIGNING_KEYS: `${t1},${env.TOKEN_SIGNING_KEYS.split(',')[0]}`,
    }
    const fresh = await tokenOf(s.rig, browser)
    expect(decodeProtectedHeader(fresh.token).kid).toBe('t1')
    expect(decodeProtectedHeader(old.token).kid).toBe('t2')
    expect((await verified(s.rig, old.token)).payload.sub).toBe(
      (await verified(s.rig, fresh.token)).payload.sub,
    )
  })
})
