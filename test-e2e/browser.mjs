// Debian's headless Chromium through playwright-core (no browser download), one fresh profile per launch.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { chromium } from 'playwright-core'
import { artifacts } from './stack.mjs'

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

export const viewports = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
}

/** A browser with its own empty user-data-dir: no cookie or cache from any earlier run. */
export async function launchBrowser(viewport = viewports.desktop) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'edge-sso-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args,
    headless: true,
    viewport,
  })
  return {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    async close() {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Runs `body` with a fresh browser (no cookies from any other test) and closes it whatever happens; the
 * pages must render under their CSP (no violation reported in the console).
 */
export async function withBrowser(body) {
  const browser = await launchBrowser()
  const violations = []
  browser.page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
  })
  try {
    const result = await body(browser.page, browser.context)
    assert.deepEqual(violations, [])
    return result
  } finally {
    await browser.close()
  }
}

/** At the Okta stand-in's sign-in page, picks the demo user whose email is given. */
export async function signInAtStandin(page, issuer, email) {
  await page.waitForURL(`${issuer}/interaction/**`)
  await page.getByRole('button', { name: new RegExp(email.replace('.', '\\.')) }).click()
}

/**
 * Back from the stand-in on our origin: when a tile login asks "Continue as …?" (a browser that never chose
 * this user there), answers yes. Resolves whether it was asked.
 */
export async function continueIfAsked(page, publicUrl) {
  await page.waitForURL((url) => url.origin === publicUrl)
  if ((await page.getByTestId('confirm-email').count()) === 0) return false
  await page.getByRole('button', { name: /^Continue as / }).click()
  await page.waitForURL((url) => url.origin === publicUrl && url.pathname !== '/sso/callback')
  return true
}

/** Full-page screenshots at 1280 px and at a phone's 390 px, into artifacts/e2e/. */
export async function screenshots(page, name) {
  for (const [label, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport)
    await page.screenshot({ path: join(artifacts, `${name}-${label}.png`), fullPage: true })
  }
  await page.setViewportSize(viewports.desktop)
}

/** axe-core's check of the page as it stands: its serious and critical violations, named with their nodes. */
export async function seriousViolations(page) {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** The page passes axe-core with no serious or critical violation, then is screenshot at 1280 and 390 px. */
export async function checkPage(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `axe on ${name} (${page.url()})`)
  await page.setViewportSize(viewports.phone)
  assert.deepEqual(await seriousViolations(page), [], `axe on ${name} at 390 px`)
  await screenshots(page, name)
}
