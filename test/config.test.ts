// Configuration: dev-only secrets exist only on loopback, and malformed secrets are refused.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import { readConfig } from '../src/env'

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
    expect(config.adminToken).toBe('dev-only-admin-token')
    expect(config.appUrl).toBe('http://localhost:8787/app')
    expect(config.sessionRecheckSeconds).toBe(60)
  })

  it('refuses dev-only or missing secrets anywhere else, even with a loopback PUBLIC_URL left in the config', () => {
    expect(() => readConfig(bare, 'https://edge-sso.example.workers.dev/')).toThrow(
      /ADMIN_TOKEN|invalid configuration/,
    )
    expect(() =>
      readConfig(
        { ...bare, PUBLIC_URL: 'https://sso.example.com', ADMIN_TOKEN: 'dev-only-admin-token' },
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
