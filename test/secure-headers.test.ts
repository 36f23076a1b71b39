// Every response carries nosniff and a CSP that forbids framing and allows only the pages' own stylesheets and script.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import { Browser, createRig, publicOrigin, type Rig, unique } from './harness'

async function sha256Base64(text: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
}

/** The CSP's directives by name. */
const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name = '', ...values]) => [name, values]),
  )

/** Checks the headers, and that each inline stylesheet of an HTML page is one the CSP allows. */
async function expectSecured(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/)
  const csp = directives(response.headers.get('content-security-policy'))
  expect(csp.get('frame-ancestors')).toEqual(["'none'"])
  expect(csp.get('default-src')).toEqual(["'none'"])
  expect([...csp.values()].flat()).not.toContain("'unsafe-inline'")
  if (!response.headers.get('content-type')?.startsWith('text/html')) return
  const html = await response.text()
  const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)]
  expect(styles.length).toBeGreaterThan(0)
  for (const [, css = ''] of styles)
    expect(csp.get('style-src')).toContain(`'sha256-${await sha256Base64(css)}'`)
  for (const [, js = ''] of html.matchAll(/<script>([^<]*)<\/script>/g))
    expect(csp.get('script-src')).toContain(`'sha256-${await sha256Base64(js)}'`)
}

/** A setup page (the one page with a script: its copy buttons). */
async function setupLink(rig: Rig): Promise<string> {
  const team = await rig.admin('POST', '/admin/api/teams', {
    name: 'Headers',
    ownerEmail: `owner@${unique('headers')}.example`,
  })
  const { id } = (await team.json()) as { id: string }
  const link = await rig.admin('POST', `/admin/api/teams/${id}/setup-links`)
  return ((await link.json()) as { url: string }).url.slice(publicOrigin.length)
}

describe('security headers (the old code sent none outside /admin)', () => {
  it('on the login page, an error page, the console, and JSON routes', async () => {
    const rig = await createRig()
    const browser = new Browser()
    const responses = {
      login: await rig.fetch(browser, '/'),
      error: await rig.fetch(
        browser,
        `/sso/initiate?iss=${encodeURIComponent('https://no.okta.test')}`,
      ),
      console: await rig.fetch(browser, '/admin'),
      json: await rig.fetch(browser, '/api/me'),
      adminJson: await rig.admin('GET', '/admin/api/teams'),
      notFound: await rig.fetch(browser, '/no/such/page'),
      setup: await rig.fetch(browser, await setupLink(rig)),
    }
    expect(responses.error.status).toBe(404)
    expect(responses.json.status).toBe(401)
    expect(responses.adminJson.status).toBe(200)
    expect(await responses.setup.clone().text()).toContain('<script>')
    for (const [name, response] of Object.entries(responses)) {
      try {
        await expectSecured(response)
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`, { cause: error })
      }
    }
  })

  it('sends HSTS only over https', async () => {
    const devEnv = {
      ...env,
      PUBLIC_URL: 'http://localhost:8787',
      ADMIN_TOKEN: '',
      SESSION_KEYS: '',
      DATA_KEY: '',
    } as Env
    const response = await createApp().request('http://localhost:8787/', {}, devEnv)
    expect(response.status).toBe(200)
    expect(response.headers.get('strict-transport-security')).toBeNull()
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const https = await createApp().request(`${publicOrigin}/`, {}, env)
    expect(https.headers.get('strict-transport-security')).toMatch(/^max-age=/)
  })
})
