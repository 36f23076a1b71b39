// Break-glass recovery in a real browser: support mints a link, the owner confirms it from the dev outbox and lands signed in.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { demoTeams } from '../scripts/demo.mjs'
import { adminApi } from '../scripts/dev-stack.mjs'
import { screenshots, withBrowser } from './browser.mjs'
import { e2eStack, testTimeoutMs } from './stack.mjs'

const stack = e2eStack()
const owner = demoTeams.sso.ownerEmail

/** The newest message to `to` in the dev outbox that `match` accepts, waiting for it a few seconds. */
async function mailTo(to, match) {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const response = await fetch(`${stack.publicUrl}/dev/outbox?to=${encodeURIComponent(to)}`)
    assert.equal(response.status, 200)
    const { messages } = await response.json()
    const found = messages.find(match)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`no such mail to ${to}`)
}

describe('break-glass recovery', { timeout: testTimeoutMs }, () => {
  it('support mints a link; the owner confirms it and lands signed in by recovery; the owner is told', async () => {
    const { body } = await adminApi(stack.publicUrl, 'GET', '/teams')
    const demo = body.teams.find((t) => t.ownerEmail === owner)
    const minted = await adminApi(stack.publicUrl, 'POST', `/teams/${demo.id}/recovery-links`, {
      email: owner,
    })
    assert.equal(minted.status, 201)
    assert.deepEqual(Object.keys(minted.body), ['expiresAt'])
    const pattern = new RegExp(`${stack.publicUrl}/recover/[\\w-]+`)
    const mail = await mailTo(owner, (m) => pattern.test(m.text))
    const link = pattern.exec(mail.text)[0]

    await withBrowser(async (page) => {
      await page.goto(link)
      assert.equal(await page.getByTestId('recovery-email').textContent(), owner)
      await screenshots(page, 'recovery-confirm')
      await page.getByRole('button', { name: `Sign in as ${owner}` }).click()
      await page.waitForURL(`${stack.publicUrl}/app`)
      const me = await page.request.get(`${stack.publicUrl}/api/me`).then((r) => r.json())
      assert.equal(me.user.email, owner)
      assert.equal(me.authMethod, 'recovery')

      const told = await mailTo(owner, (m) => m.subject.startsWith('A recovery link was used'))
      assert.match(told.text, /signed in to Demo Co with a recovery link/)

      // The link works once: the second visit is the one invalid-link page.
      await page.goto(link)
      assert.equal(await page.getByTestId('error-code').textContent(), 'recovery_link_invalid')
    })
  })
})
