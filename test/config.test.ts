// Configuration: dev-only secrets exist only on loopback, and malformed secrets are refused.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import { readConfig } from '../src/env'
import { adminToken, expectRefusal, jsonPost, publicOrigin } from './harness'
import { scene } from './scene'

const bare = {
  ...env,
  PUBLIC_URL: 'http://localhost:8787',
  APP_URL: '',
  ADMIN_TOKEN: '',
  SESSION_KEYS: '',
  DATA_KEY: '',
} as Env

describe('readConfig', () => {
  it('fills dev-only secrets under wrangler dev (loopback PUBLIC_URL and request)', () => {
    const config = readConfig(bare, 'http://localhost:8787/')
    expect(config.adminToken).toBe('dev-only-admin-token-0123456789abcdef')
    expect(config.appUrl).toBe('http://localhost:8787/app')
    expect(config.sessionRecheckSeconds).toBe(60)
  })

  it('parses an env once per isolate: the same env object gives the same config; a new deploy (a new env) is read afresh', () => {
    const first = readConfig(bare, 'http://localhost:8787/')
    expect(readConfig(bare, 'http://localhost:8787/app')).toBe(first)
    expect(() => readConfig(bare, 'https://sso.example.com/'), 'a view off loopback').toThrow(
      /dev-only|invalid configuration/,
    )
    const rotated = readConfig({ ...bare, ADMIN_TOKEN: 'x'.repeat(32) }, 'http://localhost:8787/')
    expect(rotated).not.toBe(first)
    expect(rotated.adminToken).toBe('x'.repeat(32))
  })

  it('refuses dev-only or missing secrets anywhere else, even with a loopback PUBLIC_URL left in the config', () => {
    expect(() => readConfig(bare, 'https://edge-sso.example.workers.dev/')).toThrow(
      /ADMIN_TOKEN|invalid configuration/,
    )
    expect(() =>
      readConfig(
        {
          ...bare,
          PUBLIC_URL: 'https://sso.example.com',
          ADMIN_TOKEN: 'dev-only-admin-token-0123456789abcdef',
        },
        'https://sso.example.com/',
      ),
    ).toThrow(/dev-only/)
  })

  it('refuses short keys and malformed key lists', () => {
    expect(() =>
      readConfig({ ...env, SESSION_KEYS: 'k1:c2hvcnQ=' } as Env, 'https://sso.example.com/'),
    ).toThrow(/SESSION_KEYS/)
    expect(() =>
      readConfig({ ...env, DATA_KEY: 'c2hvcnQ=' } as Env, 'https://sso.example.com/'),
    ).toThrow(/DATA_KEY/)
  })

  it('serves a clean 500 page, not a stack, when the deployment is misconfigured', async () => {
    const response = await createApp().request('https://edge-sso.example.workers.dev/', {}, bare)
    expect(response.status).toBe(500)
    const html = await response.text()
    expect(html).toContain('internal_error')
    expect(html).not.toMatch(/dev-only|at \w+ \(|Error:/)
  })
})

describe('DEV_ALLOW_HTTP_ISSUERS', () => {
  const devHttp = { ...bare, DEV_ALLOW_HTTP_ISSUERS: '1' } as Env
  it('is honoured only while PUBLIC_URL and the request are on loopback', () => {
    expect(readConfig(devHttp, 'http://localhost:8787/').allowHttpIssuers).toBe(true)
    expect(readConfig(devHttp, 'http://127.0.0.1:8787/').allowHttpIssuers).toBe(true)
    const deployed = { ...env, DEV_ALLOW_HTTP_ISSUERS: '1' } as Env
    expect(readConfig(deployed, 'https://sso.example.com/').allowHttpIssuers).toBe(false)
    const loopbackUrlLeftIn = {
      ...env,
      PUBLIC_URL: 'http://localhost:8787',
      DEV_ALLOW_HTTP_ISSUERS: '1',
    } as Env
    expect(readConfig(loopbackUrlLeftIn, 'https://sso.example.com/').allowHttpIssuers).toBe(false)
  })

  it('http issuer on a deployed worker: refused by the admin API and by /sso/initiate even with the flag set (the old code honoured it on any host)', async () => {
    const { rig, team } = await scene()
    const deployedEnv = { ...rig.testEnv, DEV_ALLOW_HTTP_ISSUERS: '1' } as Env
    const app = createApp(rig.runtime)
    rig.resetCounters()
    const body = {
      ownerEmail: team.ownerEmail,
      clientId: 'c',
      clientSecret: 's',
      issuer: 'http://insecure.example.test',
    }
    const created = await app.request(
      `${publicOrigin}/admin/api/sso-connections`,
      jsonPost(body, { authorization: `Bearer ${adminToken}` }),
      deployedEnv,
    )
    await expectRefusal(created, { status: 400, code: 'issuer_invalid' })
    const initiate = await app.request(
      `${publicOrigin}/sso/initiate?iss=${encodeURIComponent(body.issuer)}`,
      {},
      deployedEnv,
    )
    await expectRefusal(initiate, { status: 404, code: 'unknown_issuer' })
    expect(rig.counters.upstream).toBe(0)
  })
})
