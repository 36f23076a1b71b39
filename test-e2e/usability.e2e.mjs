// The people who use it every day, in Chromium: pages that say what happened, a setup that ends well, SCIM
// self-serve, the console, the demo; every page checked by axe-core (0 serious or critical) at 1280 and 390 px.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { adminApi } from '../scripts/dev-stack.mjs'
import { devAdminToken, setupClient } from '../scripts/demo.mjs'
import { checkPage, continueIfAsked, signInAtStandin, withBrowser } from './browser.mjs'
import { e2eStack, recheckSeconds } from './stack.mjs'

const testTimeoutMs = 180_000
const stack = e2eStack()
const owner = 'owner@demo.example'
const itAdmin = 'it@usability.example'

/** Clicks a per-user admin button on the stand-in's dashboard; resolves with its answer. */
async function standinAction(page, action, email) {
  await page.goto(`${stack.issuer}/dashboard`)
  await page.locator(`button[data-action="${action}"][data-email="${email}"]`).click()
  return page.locator('#result').textContent()
}

/** "Continue with SSO" on the sign-in page as `email`, through the stand-in. */
async function ssoSignIn(page, email) {
  await page.fill('#sso-email', email)
  await page.getByRole('button', { name: 'Continue with SSO' }).click()
  await signInAtStandin(page, stack.issuer, email)
}

async function signInToConsole(page) {
  await page.goto(`${stack.publicUrl}/admin`)
  await checkPage(page, 'ux-console-sign-in')
  await page.fill('#admin-token', devAdminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${stack.publicUrl}/admin`)
}

describe('pages that say what happened', { timeout: testTimeoutMs }, () => {
  it('a refused password keeps the email; /team returns after sign-in; a signed-in error page; a deactivated session is explained', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/`)
      await checkPage(page, 'ux-sign-in')
      await page.fill('#pw-email', 'nobody@nowhere.example')
      await page.fill('#pw-password', 'not a password')
      await page.getByRole('button', { name: 'Sign in with password' }).click()
      assert.equal(await page.inputValue('#pw-email'), 'nobody@nowhere.example')
      assert.equal(await page.inputValue('#pw-password'), '')
      assert.equal(await page.getByTestId('error-code').textContent(), 'invalid_credentials')
      await checkPage(page, 'ux-sign-in-refused')

      await page.goto(`${stack.publicUrl}/team`)
      await page.waitForURL(`${stack.publicUrl}/?return_to=%2Fteam`)
      await ssoSignIn(page, owner)
      await page.waitForURL(`${stack.publicUrl}/team`)
      await checkPage(page, 'ux-team')
      await page.goto(`${stack.publicUrl}/settings/sso`)
      assert.match((await page.getByTestId('live-state').textContent()) ?? '', /is on/)
      assert.equal(await page.getByTestId('next-steps').isVisible(), true)
      await checkPage(page, 'ux-settings-sso-live')
      const refused = await page.goto(`${stack.publicUrl}/setup/${'A'.repeat(43)}`)
      assert.equal(refused?.status(), 404)
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'That did not work')
      await checkPage(page, 'ux-error-signed-in')

      assert.match(await standinAction(page, 'deactivate', owner), /active:false → 200/)
      await page.goto(`${stack.issuer}/dashboard`)
      const state = page.locator(`[data-testid="state"][data-email="${owner}"]`)
      assert.equal(await state.textContent(), 'deactivated')
      await sleep((recheckSeconds + 1) * 1000)
      await page.goto(`${stack.publicUrl}/app`)
      await page.waitForURL(`${stack.publicUrl}/`)
      assert.match(
        (await page.getByTestId('session-ended').textContent()) ?? '',
        /deactivated your access/,
      )
      await checkPage(page, 'ux-session-ended')
      await standinAction(page, 'reactivate', owner)
    })
  })
})

describe('a setup that ends well', { timeout: testTimeoutMs }, () => {
  it('the disabled button says why, step 3 creates the SCIM token, the last page shows the live settings; the stand-in gets a second tile and Demo Co’s still works', async () => {
    const team = await adminApi(stack.publicUrl, 'POST', '/teams', {
      name: 'Usability Co',
      ownerEmail: 'owner@usability.example',
      domains: ['usability-legacy.example'],
    })
    assert.equal(team.status, 201)
    const link = await adminApi(stack.publicUrl, 'POST', `/teams/${team.body.id}/setup-links`, {
      email: itAdmin,
    })
    await withBrowser(async (page) => {
      await page.goto(link.body.url)
      await checkPage(page, 'ux-setup-page')
      await page.fill('#setup-client-id', setupClient.clientId)
      await page.fill('#setup-client-secret', 'wrong')
      await page.fill('#setup-issuer', 'http://not-an-issuer.invalid')
      await page.getByRole('button', { name: 'Check and save' }).click()
      assert.equal(await page.inputValue('#setup-client-id'), setupClient.clientId)
      assert.equal(await page.inputValue('#setup-client-secret'), '')
      assert.equal(await page.getByTestId('form-error').isVisible(), true)
      await checkPage(page, 'ux-setup-refused')

      await page.fill('#setup-client-secret', setupClient.clientSecret)
      await page.fill('#setup-issuer', stack.issuer)
      await page.getByRole('button', { name: 'Check and save' }).click()
      await page.waitForURL(/\?done=saved/)
      const activate = page.getByRole('button', { name: 'Turn single sign-on on' })
      assert.equal(await activate.isDisabled(), true)
      assert.match((await page.getByTestId('activate-why').textContent()) ?? '', /test sign-in/)
      const look = await activate.evaluate(
        (b) => b.ownerDocument.defaultView?.getComputedStyle(b).cursor,
      )
      assert.equal(look, 'not-allowed')
      await checkPage(page, 'ux-setup-saved')

      await page.getByRole('button', { name: 'Create the SCIM API token' }).click()
      const token = (await page.getByTestId('scim-token').textContent()) ?? ''
      assert.match(token, /^[\w-]{20,}$/)
      assert.equal(await page.getByText('Unique identifier field for users').isVisible(), true)
      await checkPage(page, 'ux-scim-token')
      await page.getByRole('link', { name: 'Back to single sign-on' }).click()
      assert.match((await page.getByTestId('scim-state').first().textContent()) ?? '', /is set/)

      await page.getByRole('button', { name: 'Test sign-in' }).first().click()
      await signInAtStandin(page, stack.issuer, 'lin@setup.example')
      await page.waitForURL(`${stack.publicUrl}/sso/callback**`)
      await checkPage(page, 'ux-test-result')
      await page.getByTestId('back-to-setup').click()
      await page.getByText('Add a domain').click()
      await page.fill('#setup-domain', 'setup.example')
      await page.getByRole('button', { name: 'Add domain' }).click()
      const dnsName = await page.getByTestId('dns-name-0').textContent()
      const dnsValue = await page.getByTestId('dns-value-0').textContent()
      const setupPage = page.url().replace(/\?.*$/, '')
      await page.goto(`${stack.issuer}/dashboard`)
      await page.fill('#dns-name', dnsName ?? '')
      await page.fill('#dns-value', dnsValue ?? '')
      await page.locator('#dns-publish').click()
      await page.goto(setupPage)
      await page.getByRole('button', { name: 'Check now: setup.example' }).click()
      await page.waitForURL(/\?done=domain_verified/)
      await page.getByRole('button', { name: 'Test sign-in' }).first().click()
      await signInAtStandin(page, stack.issuer, 'lin@setup.example')
      await page.waitForURL(`${stack.publicUrl}/sso/callback**`)
      await page.getByTestId('back-to-setup').click()
      await page.getByRole('button', { name: 'Turn single sign-on on' }).click()
      await page.getByTestId('link-retired').waitFor()
      const live = page.getByTestId('live-connection')
      for (const label of [
        'Initiate login URI',
        'SCIM connector base URL',
        'Universal Logout endpoint',
      ])
        assert.equal(await live.getByText(label, { exact: true }).isVisible(), true, label)
      assert.match((await page.getByTestId('scim-state').textContent()) ?? '', /stays in force/)
      await checkPage(page, 'ux-setup-done')

      await page.goto(`${stack.issuer}/dashboard`)
      assert.equal(await page.locator('a.tile').count(), 2)
      await page.locator('#edge-sso-tile').click()
      await signInAtStandin(page, stack.issuer, 'ada@demo.example')
      await page.waitForURL((url) => url.origin === stack.publicUrl)
      if ((await page.getByTestId('confirm-email').count()) > 0)
        await checkPage(page, 'ux-confirm-login')
      await continueIfAsked(page, stack.publicUrl)
      assert.equal(await page.getByTestId('team').textContent(), 'Team: Demo Co')
      await checkPage(page, 'ux-app')
    })
  })
})

describe('the console and the outbox', { timeout: testTimeoutMs }, () => {
  it('finds a team, asks before Remove naming the consequence; the outbox is a page with clickable links', async () => {
    await withBrowser(async (page) => {
      await signInToConsole(page)
      await checkPage(page, 'ux-console')
      await page.fill('#team-search', 'usability')
      await page.getByRole('button', { name: 'Find' }).click()
      assert.equal(await page.getByTestId('team').count(), 1)
      await page.getByTestId('team-page-link').click()
      await page.waitForURL(/\/admin\?team=/)
      await page.locator('summary', { hasText: 'Remove setup.example' }).click()
      assert.match(
        (await page.getByTestId('consequence').first().textContent()) ?? '',
        /stops just-in-time joins|no longer join/,
      )
      await checkPage(page, 'ux-console-team')
      await page.goto(`${stack.publicUrl}/dev/outbox`)
      await checkPage(page, 'ux-outbox-form')
      await page.fill('#outbox-to', itAdmin)
      await page.getByRole('button', { name: 'Show mail' }).click()
      const mailed = page.locator('[data-testid="outbox-message"] a').first()
      assert.match((await mailed.getAttribute('href')) ?? '', /\/setup\//)
      await checkPage(page, 'ux-outbox')
      await page.goto(`${stack.publicUrl}/password/forgot`)
      await checkPage(page, 'ux-password-forgot')
    })
  })
})
