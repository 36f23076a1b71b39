// Offboarding in a real browser: the Okta stand-in deactivates a member over SCIM, or logs them out universally.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { continueIfAsked, signInAtStandin, withBrowser } from './browser.mjs'
import { e2eStack, recheckSeconds, testTimeoutMs } from './stack.mjs'

const stack = e2eStack()

/**
 * The Okta tile, the stand-in's sign-in as `email` and, the first time in this browser, "Continue as …?";
 * resolves where the login lands.
 */
async function tileLogin(page, email) {
  await page.goto(`${stack.issuer}/dashboard`)
  await page.locator('#edge-sso-tile').click()
  await signInAtStandin(page, stack.issuer, email)
  await continueIfAsked(page, stack.publicUrl)
}

/** Clicks a per-user admin button on the stand-in's dashboard and returns what our endpoint answered. */
async function standinAction(page, action, email) {
  await page.goto(`${stack.issuer}/dashboard`)
  await page.locator(`button[data-action="${action}"][data-email="${email}"]`).click()
  return page.locator('#result').textContent()
}

/** Past the recheck interval, /app no longer knows the session: it sends the browser to the login page. */
async function expectSentToLogin(page) {
  await sleep((recheckSeconds + 1) * 1000)
  await page.goto(`${stack.publicUrl}/app`)
  await page.waitForURL(`${stack.publicUrl}/`)
}

describe('offboarding from the Okta stand-in', { timeout: testTimeoutMs }, () => {
  it('SCIM deactivation ends Ada’s session at the next recheck and refuses her next SSO login (user_deactivated)', async () => {
    await withBrowser(async (page) => {
      await tileLogin(page, 'ada@demo.example')
      assert.equal(page.url(), `${stack.publicUrl}/app`)
      assert.equal(await page.getByTestId('user-email').textContent(), 'ada@demo.example')

      assert.match(
        await standinAction(page, 'deactivate', 'ada@demo.example'),
        /active:false → 200$/,
      )
      await expectSentToLogin(page)

      await tileLogin(page, 'ada@demo.example')
      assert.equal(await page.getByTestId('error-code').textContent(), 'user_deactivated')

      assert.match(
        await standinAction(page, 'reactivate', 'ada@demo.example'),
        /active:true → 200$/,
      )
      await tileLogin(page, 'ada@demo.example')
      assert.equal(page.url(), `${stack.publicUrl}/app`)
    })
  })

  it('Universal Logout (a JWT signed with the stand-in’s key) ends Grace’s session at the next recheck; she may sign in again', async () => {
    await withBrowser(async (page) => {
      await tileLogin(page, 'grace@demo.example')
      assert.equal(page.url(), `${stack.publicUrl}/app`)

      assert.match(
        await standinAction(page, 'universal-logout', 'grace@demo.example'),
        /grace@demo\.example → 204$/,
      )
      await expectSentToLogin(page)

      await tileLogin(page, 'grace@demo.example')
      assert.equal(page.url(), `${stack.publicUrl}/app`)
    })
  })
})
