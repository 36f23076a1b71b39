// The bench's "browser": manual redirects, the shared one-host cookie jar, and each request timed to its last byte.
import { CookieJar } from '../instrumentation/cookie-jar.ts'

let browsers = 0

export class Browser extends CookieJar {
  /**
   * Each simulated browser is its own client to the per-client rate limits: miniflare keeps a
   * `CF-Connecting-IP` it is given (Cloudflare's edge would set the real one).
   */
  ip = `10.${(++browsers >> 16) & 255}.${(browsers >> 8) & 255}.${browsers & 255}`

  /** Sends one request with the jar's cookies; returns the response, its body and the milliseconds it took. */
  async request(url, init = {}) {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('cookie', this.header())
    if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', this.ip)
    const started = performance.now()
    const response = await fetch(url, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    })
    const body = await response.text()
    const ms = performance.now() - started
    this.remember(response)
    return { response, body, ms, location: response.headers.get('location') }
  }
}

/** Fails the bench when a step does not answer as the flow expects. */
export function expectStatus(step, result, status) {
  if (result.response.status !== status)
    throw new Error(
      `${step}: expected ${status}, got ${result.response.status}: ${result.body.slice(0, 300)}`,
    )
  return result
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = (sorted.length - 1) / 2
  const median = (sorted[Math.floor(middle)] + sorted[Math.ceil(middle)]) / 2
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]
  return { n: sorted.length, median, p95 }
}
