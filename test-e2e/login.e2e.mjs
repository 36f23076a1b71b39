// Browser tests in headless Chromium against wrangler dev and the Okta stand-in: tile, email, refusal, logout,
// registration with its mailed link, password reset, admin.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { demoClient, devAdminToken } from '../scripts/demo.mjs'
import {
  continueIfAsked,
  screenshots,
  signInAtStandin as signInAtStandinAs,
  withBrowser,
} from './browser.mjs'
import { e2eStack, testTimeoutMs } from './stack.mjs'

const stack = e2eStack()

const signInAtStandin = (page, email) => signInAtStandinAs(page, stack.issuer, email)

async function signInToConsole(page) {
  await page.goto(`${stack.publicUrl}/admin`)
  await page.fill('#admin-token', devAdminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${stack.publicUrl}/admin`)
}

const demoTeamCard = (page) =>
  page.getByTestId('team').filter({ has: page.getByRole('heading', { name: 'Demo Co' }) })

describe('signing in through the Okta stand-in', { timeout: testTimeoutMs }, () => {
  it('tile login (third-party initiated) creates a just-in-time member and keeps the __Host- cookie on http://localhost', async () => {
    await withBrowser(async (page, context) => {
      await page.goto(`${stack.issuer}/dashboard`)
      const tile = page.locator('#edge-sso-tile')
      // Demo Co's tile, at its connection's own initiate login URI (as the setup page tells Okta admins).
      assert.equal(
        await tile.getAttribute('href'),
        `${stack.publicUrl}/sso/initiate/${stack.connection.id}?iss=${encodeURIComponent(stack.issuer)}`,
      )
      await tile.click()
      await signInAtStandin(page, 'ada@demo.example')
      // A fresh browser is asked before a tile login signs it in (login CSRF).
      await page.waitForURL(`${stack.publicUrl}/sso/callback**`)
      assert.equal(await page.getByTestId('confirm-email').textContent(), 'ada@demo.example')
      assert.equal(await page.getByTestId('confirm-team').textContent(), 'Demo Co')
      await screenshots(page, 'confirm-login')
      assert.equal(await continueIfAsked(page, stack.publicUrl), true)
      await page.waitForURL(`${stack.publicUrl}/app`)
      assert.equal(await page.getByTestId('user-email').textContent(), 'ada@demo.example')
      assert.equal(await page.getByTestId('team').textContent(), 'Team: Demo Co')
      const session = (await context.cookies(stack.publicUrl)).find(
        (c) => c.name === '__Host-edge_sso_session',
      )
      assert.ok(session, 'the session cookie is kept')
      const chosen = (await context.cookies(stack.publicUrl)).find(
        (c) => c.name === '__Host-edge_sso_chosen',
      )
      assert.ok(chosen, 'the browser remembers the choice')
      assert.deepEqual(
        [session.secure, session.httpOnly, session.sameSite, session.path],
        [true, true, 'Lax', '/'],
      )
      // The browser's own cookies (the pages run no script: their CSP allows no fetch).
      const me = await (await context.request.get(`${stack.publicUrl}/api/me`)).json()
      assert.deepEqual(
        [me.user.email, me.team.name, me.authMethod],
        ['ada@demo.example', 'Demo Co', 'sso'],
      )
      await screenshots(page, 'app-page')
    })
  })

  it('email login: "Continue with SSO" finds the team by domain and sends the email as login_hint', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/`)
      await screenshots(page, 'login-page')
      await page.fill('#sso-email', 'Grace@Demo.Example')
      await page.getByRole('button', { name: 'Continue with SSO' }).click()
      await page.waitForURL(`${stack.issuer}/interaction/**`)
      assert.match((await page.locator('button.hinted').textContent()) ?? '', /grace@demo\.example/)
      await screenshots(page, 'standin-sign-in')
      await signInAtStandin(page, 'grace@demo.example')
      await page.waitForURL(`${stack.publicUrl}/app`)
      assert.equal(await page.getByTestId('user-email').textContent(), 'grace@demo.example')
    })
  })

  it('refuses a member of another team with the error page, its code and reference id', async () => {
    await withBrowser(async (page, context) => {
      await page.goto(`${stack.issuer}/dashboard`)
      await page.locator('#edge-sso-tile').click()
      const callback = page.waitForResponse((r) =>
        r.url().startsWith(`${stack.publicUrl}/sso/callback`),
      )
      await signInAtStandin(page, 'alan@demo.example')
      assert.equal((await callback).status(), 403)
      assert.equal(await page.getByTestId('error-code').textContent(), 'member_of_another_team')
      assert.match(
        (await page.getByTestId('error-message').textContent()) ?? '',
        /already a member of another team/,
      )
      const referenceId = await page.getByTestId('reference-id').textContent()
      assert.match(referenceId ?? '', /^[\w-]{12}$/)
      assert.equal(
        (await context.cookies(stack.publicUrl)).find((c) => c.name === '__Host-edge_sso_session'),
        undefined,
      )
      await screenshots(page, 'error-page')
      await signInToConsole(page)
      const row = page.getByTestId('events').locator('tr', { hasText: referenceId })
      assert.match((await row.textContent()) ?? '', /member_of_another_team/)
    })
  })

  it('logout ends the session: back to the login page, /app and /api/me refuse', async () => {
    await withBrowser(async (page, context) => {
      await page.goto(`${stack.publicUrl}/`)
      await page.fill('#sso-email', 'ada@demo.example')
      await page.getByRole('button', { name: 'Continue with SSO' }).click()
      await signInAtStandin(page, 'ada@demo.example')
      await page.waitForURL(`${stack.publicUrl}/app`)
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(`${stack.publicUrl}/`)
      assert.equal(
        (await context.cookies(stack.publicUrl)).find((c) => c.name === '__Host-edge_sso_session'),
        undefined,
      )
      assert.equal((await context.request.get(`${stack.publicUrl}/api/me`)).status(), 401)
      await page.goto(`${stack.publicUrl}/app`)
      assert.equal(page.url(), `${stack.publicUrl}/`)
    })
  })
})

/** The newest mail to `to` in the dev outbox whose text has a link starting with `path`: that link. */
async function linkFromOutbox(to, path) {
  const deadline = Date.now() + 10_000
  const pattern = new RegExp(`${stack.publicUrl}${path}[\\w-]+`)
  while (Date.now() < deadline) {
    const response = await fetch(`${stack.publicUrl}/dev/outbox?to=${encodeURIComponent(to)}`)
    assert.equal(response.status, 200)
    const { messages } = await response.json()
    const link = messages.map((m) => pattern.exec(m.text)?.[0]).find(Boolean)
    if (link) return link
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`no ${path} link in the outbox of ${to}`)
}

describe('an account with a password', { timeout: testTimeoutMs }, () => {
  const email = `pat-${Date.now()}@solo-e2e.example`

  it('registers, reads the verification link from /dev/outbox and confirms the email', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/`)
      await page.getByText('Create an account').click()
      await page.fill('#reg-email', email)
      await page.fill('#reg-password', 'the first password')
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.waitForURL(`${stack.publicUrl}/app`)
      assert.ok(await page.getByTestId('email-unverified').isVisible())
      // With the browser's cookies, outside the page: its CSP (default-src 'none') refuses a page's fetch.
      const me = () => page.request.get(`${stack.publicUrl}/api/me`).then((r) => r.json())
      assert.equal((await me()).user.emailVerified, false)
      await page.goto(await linkFromOutbox(email, '/verify-email/'))
      assert.match((await page.getByTestId('email-verified').textContent()) ?? '', /confirmed/)
      assert.equal((await me()).user.emailVerified, true)
      await screenshots(page, 'email-verified')
    })
  })

  it('resets a forgotten password through the mailed link and signs in with the new one', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/`)
      await page.getByRole('link', { name: 'Forgot your password?' }).click()
      await page.fill('#forgot-email', email)
      await page.getByRole('button', { name: 'Send me a link' }).click()
      assert.ok(await page.getByTestId('forgot-sent').isVisible())
      await page.goto(await linkFromOutbox(email, '/password/reset/'))
      await page.fill('#reset-password', 'the second password')
      await page.getByRole('button', { name: 'Set password' }).click()
      assert.ok(await page.getByTestId('password-set').isVisible())
      await screenshots(page, 'password-set')
      await page.goto(`${stack.publicUrl}/`)
      await page.fill('#pw-email', email)
      await page.fill('#pw-password', 'the second password')
      await page.getByRole('button', { name: 'Sign in with password' }).click()
      await page.waitForURL(`${stack.publicUrl}/app`)
      assert.equal(await page.getByTestId('user-email').textContent(), email)
    })
  })
})

describe('the support console', { timeout: testTimeoutMs }, () => {
  it('shows the just-in-time members of the demo team and its enabled connection', async () => {
    await withBrowser(async (page) => {
      await signInToConsole(page)
      const members = await demoTeamCard(page).getByTestId('members').textContent()
      for (const email of ['owner@demo.example', 'ada@demo.example', 'grace@demo.example'])
        assert.ok(members?.includes(email), `${email} is listed`)
      assert.equal(
        await demoTeamCard(page).getByTestId('connection-status').textContent(),
        'Enabled',
      )
      await screenshots(page, 'admin-page')
    })
  })

  it('refuses a wrong admin token with the error page', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/admin`)
      await page.fill('#admin-token', 'not-the-admin-token')
      const response = page.waitForResponse(`${stack.publicUrl}/admin/login`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      assert.equal((await response).status(), 401)
      assert.equal(await page.getByTestId('error-code').textContent(), 'admin_login_required')
    })
  })

  it('creates a team and its Okta connection from the guide’s four values, shows the discovery check, rotates, disables and deletes it', async () => {
    await withBrowser(async (page) => {
      await signInToConsole(page)
      await page.fill('#team-name', 'Acme E2E')
      await page.fill('#team-owner', 'boss@acme-e2e.example')
      await page.selectOption('#team-permission', 'private')
      await page.getByRole('button', { name: 'Create team' }).click()
      await page.waitForURL(/\/admin\?done=team_created/)
      assert.match(
        (await page.getByTestId('notice').textContent()) ?? '',
        /Team Acme E2E created; members join from acme-e2e\.example/,
      )

      const fillConnection = async (issuer) => {
        await page.fill('#conn-client-id', demoClient.clientId)
        await page.fill('#conn-client-secret', demoClient.clientSecret)
        await page.fill('#conn-issuer', issuer)
        await page.fill('#conn-owner', 'boss@acme-e2e.example')
        await page.getByRole('button', { name: 'Check and save' }).click()
      }
      const refused = page.waitForResponse(`${stack.publicUrl}/admin/connections`)
      await fillConnection(`${stack.issuer}/no-such-issuer`)
      assert.equal((await refused).status(), 502)
      assert.equal(await page.getByTestId('error-code').textContent(), 'discovery_unreachable')

      await page.goBack()
      await fillConnection(`${stack.issuer}/.well-known/openid-configuration`)
      await page.waitForURL(/\/admin\?done=connection_created/)
      const notice = (await page.getByTestId('notice').textContent()) ?? ''
      assert.match(
        notice,
        new RegExp(
          `Discovery check passed: ${stack.issuer}/\\.well-known/openid-configuration names the issuer ${stack.issuer} exactly`,
        ),
      )
      const card = page
        .getByTestId('team')
        .filter({ has: page.getByRole('heading', { name: 'Acme E2E' }) })
      assert.equal(await card.getByTestId('connection-status').textContent(), 'Enabled')
      await screenshots(page, 'admin-connection-created')

      await card.getByText('Rotate client secret').click()
      await card.getByLabel('New client secret').fill('a-rotated-secret')
      await card.getByRole('button', { name: 'Save new secret' }).click()
      await page.waitForURL(/\/admin\?done=connection_rotated/)

      await card.getByRole('button', { name: 'Disable SSO' }).click()
      await page.waitForURL(/\/admin\?done=connection_disabled/)
      assert.equal(await card.getByTestId('connection-status').textContent(), 'Disabled')

      await card.locator('summary', { hasText: 'Delete connection' }).first().click()
      await card.getByRole('checkbox').check()
      await card.getByRole('button', { name: 'Delete connection' }).click()
      await page.waitForURL(/\/admin\?done=connection_deleted/)
      assert.match((await card.textContent()) ?? '', /None: members sign in with a password/)
      const events = (await page.getByTestId('events').textContent()) ?? ''
      for (const action of [
        'console_connection_delete',
        'console_connection_enable',
        'console_connection_rotate',
        'console_connection_create',
        'console_team_create',
      ]) {
        assert.ok(events.includes(action), `${action} is in the events`)
      }
    })
  })
})
