// A form post with neither Origin nor Sec-Fetch-Site is refused; the admin 401 names its Bearer realm.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'

const url = 'https://sso.example.com'
const form = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams({ email: 'nobody@csrf.example', password: 'whatever-it-is' }),
})

describe('CSRF: deny by default', () => {
  it('refuses a form post that carries neither Origin nor Sec-Fetch-Site', async () => {
    const response = await createApp().request(`${url}/login/password`, form(), env)
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('csrf_refused')
  })

  it('still lets a post through with our Origin alone', async () => {
    const response = await createApp().request(`${url}/login/password`, form({ origin: url }), env)
    expect(response.status).toBe(401)
    expect(await response.text()).toContain('invalid_credentials')
  })
})

describe('admin API', () => {
  it('answers 401 with WWW-Authenticate: Bearer realm="edge-sso-admin"', async () => {
    const response = await createApp().request(`${url}/admin/api/teams`, {}, env)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="edge-sso-admin"')
    expect(await response.json()).toMatchObject({ error: { code: 'admin_unauthorized' } })
  })
})
