// The setup link in a real browser: a new customer's Okta admin, with nothing but the link, gets the team live on
// SSO against the Okta stand-in: a wrong secret caught by the test sign-in, the fix, the domain's DNS proof,
// activation; then a member signs in by SSO.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { adminApi } from '../scripts/dev-stack.mjs'
import { setupClient } from '../scripts/demo.mjs'
import { screenshots, signInAtStandin, withBrowser } from './browser.mjs'
import { e2eStack } from './stack.mjs'

const testTimeoutMs = 120_000
const itAdmin = 'it@setup.example'
const member = 'lin@setup.example'
const stack = e2eStack()
/** Setup Co's id, once support has made it. */
let teamId

/** Support's part, all of it: the team (its legacy domain attested), and a setup link mailed to IT. */
async function supportMintsLink() {
  const team = await adminApi(stack.publicUrl, 'POST', '/teams', {
    name: 'Setup Co',
    ownerEmail: 'owner@setup.example',
    domains: ['setup-legacy.example'],
  })
  assert.equal(team.status, 201)
  teamId = team.body.id
  const link = await adminApi(stack.publicUrl, 'POST', `/teams/${teamId}/setup-links`, {
    email: itAdmin,
  })
  assert.equal(link.status, 201)
  const outbox = await (
    await fetch(`${stack.publicUrl}/dev/outbox?to=${encodeURIComponent(itAdmin)}`)
  ).json()
  assert.ok(
    outbox.messages.some((m) => m.text.includes(link.body.url)),
    'the link is mailed',
  )
  return link.body.url
}

/** Step 2 of the setup page: the app's values, with `secret`. */
async function enterValues(page, secret) {
  await page.fill('#setup-client-id', setupClient.clientId)
  await page.fill('#setup-client-secret', secret)
  await page.fill('#setup-issuer', `${stack.issuer}/.well-known/openid-configuration`)
  await page.getByRole('button', { name: 'Check and save' }).click()
  await page.waitForURL(/\?done=saved/)
}

/** Step 5's test sign-in as the member; resolves on the result page. */
async function testSignIn(page) {
  await page.getByRole('button', { name: 'Test sign-in' }).first().click()
  await signInAtStandin(page, stack.issuer, member)
  await page.waitForURL(`${stack.publicUrl}/sso/callback**`)
  return page.getByTestId('test-result').getAttribute('data-outcome')
}

describe('setup without a support ticket', { timeout: testTimeoutMs }, () => {
  it('a customer’s Okta admin with only the link: wrong secret caught, fixed, domain proven, activated; a member signs in', async () => {
    const url = await supportMintsLink()
    await withBrowser(async (page) => {
      await page.goto(url)
      assert.equal(
        await page.getByTestId('redirect-uri').textContent(),
        `${stack.publicUrl}/sso/callback`,
      )
      assert.ok(await page.locator('button[data-copy="redirect-uri"]').isVisible(), 'copy button')
      await screenshots(page, 'setup-page')

      await enterValues(page, 'a-wrong-secret')
      const initiate = await page.getByTestId('initiate-uri').textContent()
      assert.match(initiate ?? '', new RegExp(`^${stack.publicUrl}/sso/initiate/[\\w-]+$`))
      assert.equal(await testSignIn(page), 'failed')
      assert.equal(await page.getByTestId('error-code').textContent(), 'code_rejected')
      assert.match((await page.getByTestId('test-hint').textContent()) ?? '', /Client Secret/)
      await screenshots(page, 'setup-test-failed')

      await page.getByTestId('back-to-setup').click()
      await enterValues(page, setupClient.clientSecret)
      assert.equal(await testSignIn(page), 'refused')
      assert.equal(await page.getByTestId('refusal-code').textContent(), 'domain_not_allowed')
      await page.getByTestId('back-to-setup').click()

      await page.getByText('Add a domain').click()
      await page.fill('#setup-domain', 'setup.example')
      await page.getByRole('button', { name: 'Add domain' }).click()
      const dnsName = await page.getByTestId('dns-name-0').textContent()
      const dnsValue = await page.getByTestId('dns-value-0').textContent()
      await screenshots(page, 'setup-domain')
      const setupPage = page.url().replace(/\?.*$/, '')
      await page.goto(`${stack.issuer}/dashboard`)
      await page.fill('#dns-name', dnsName ?? '')
      await page.fill('#dns-value', dnsValue ?? '')
      await page.locator('#dns-publish').click()
      await page.goto(setupPage)
      await page.getByRole('button', { name: 'Check now' }).click()
      await page.waitForURL(/\?done=domain_verified/)

      assert.equal(await testSignIn(page), 'passed')
      const claims = (await page.getByTestId('claims').textContent()) ?? ''
      for (const shown of ['00u-setup-lin', member, 'true', 'Lin Setup', stack.issuer])
        assert.ok(claims.includes(shown), `${shown} is shown`)
      await screenshots(page, 'setup-test-passed')
      const me = await page.request.get(`${stack.publicUrl}/api/me`)
      assert.equal(me.status(), 401, 'the test signed nobody in')

      await page.getByTestId('back-to-setup').click()
      await page.getByRole('button', { name: 'Turn single sign-on on' }).click()
      // A link sets SSO up once: activation answers the link's last page, and the link is retired.
      await page.getByTestId('link-retired').waitFor()
      assert.match((await page.getByTestId('notice').textContent()) ?? '', /Single sign-on is on/)
      assert.equal((await page.request.get(setupPage)).status(), 404, 'the link is retired')
      await screenshots(page, 'setup-activated')
    })

    const owner = await (
      await fetch(`${stack.publicUrl}/dev/outbox?to=${encodeURIComponent('owner@setup.example')}`)
    ).json()
    assert.ok(owner.messages.some((m) => m.subject === 'SSO is on for Setup Co'))

    await withBrowser(async (page) => {
      await page.goto(`${stack.publicUrl}/`)
      await page.fill('#sso-email', member)
      await page.getByRole('button', { name: 'Continue with SSO' }).click()
      await signInAtStandin(page, stack.issuer, member)
      await page.waitForURL(`${stack.publicUrl}/app`)
      assert.equal(await page.getByTestId('team').textContent(), 'Team: Setup Co')
    })
  })

  it('a revoked link is a 404 page that names no team', async () => {
    const minted = await adminApi(stack.publicUrl, 'POST', `/teams/${teamId}/setup-links`)
    const links = await adminApi(stack.publicUrl, 'GET', `/teams/${teamId}/setup-links`)
    const newest = links.body.setupLinks[0]
    const revoked = await adminApi(
      stack.publicUrl,
      'DELETE',
      `/teams/${teamId}/setup-links/${newest.id}`,
    )
    assert.equal(revoked.status, 204)
    await withBrowser(async (page) => {
      const response = await page.goto(minted.body.url)
      assert.equal(response?.status(), 404)
      assert.equal(await page.getByTestId('error-code').textContent(), 'setup_link_invalid')
      assert.ok(!((await page.content()) ?? '').includes('Setup Co'))
      await screenshots(page, 'setup-link-invalid')
    })
  })
})
