// Browser tests of the demo through the gateway: /app is examples/host-app, which checks Edge-SSO-Assertion.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { continueIfAsked, screenshots, signInAtStandin, withBrowser } from './browser.mjs'
import { e2eStack, testTimeoutMs } from './stack.mjs'

const stack = e2eStack({ hostApp: true })

describe('the example host app behind the gateway', { timeout: testTimeoutMs }, () => {
  it('tile login lands on the host app, which shows the member, team and role from the assertion', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.issuer}/dashboard`)
      await page.locator('#edge-sso-tile').click()
      await signInAtStandin(page, stack.issuer, 'ada@demo.example')
      assert.equal(await continueIfAsked(page, stack.publicUrl), true, 'a fresh browser is asked')
      await page.waitForURL(`${stack.publicUrl}/app`)
      assert.match(await page.title(), /Example host app/)
      assert.equal(await page.getByTestId('email').textContent(), 'ada@demo.example')
      assert.equal(await page.getByTestId('team').textContent(), stack.connection.teamId)
      assert.equal(await page.getByTestId('role').textContent(), 'member')
      assert.equal(await page.getByTestId('amr').textContent(), 'sso')
      await screenshots(page, 'host-app')
    })
  })

  it('a signed-out visit to /app/… signs in first and comes back to it; logout from the host app ends the session', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/app/reports?week=1`)
      await page.waitForURL(`${stack.publicUrl}/?return_to=%2Fapp%2Freports%3Fweek%3D1`)
      await page.fill('#sso-email', 'grace@demo.example')
      await page.getByRole('button', { name: 'Continue with SSO' }).click()
      await signInAtStandin(page, stack.issuer, 'grace@demo.example')
      await page.waitForURL(`${stack.publicUrl}/app/reports?week=1`)
      assert.equal(await page.getByTestId('email').textContent(), 'grace@demo.example')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL((url) => !url.pathname.startsWith('/app'))
      await page.goto(`${stack.publicUrl}/app`)
      await page.waitForURL(`${stack.publicUrl}/?return_to=%2Fapp`)
    })
  })
})
