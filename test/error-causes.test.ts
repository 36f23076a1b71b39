// A 5xx's reference id leads to its cause: the log line names it, the page shows only code and reference.
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../src/app'
import { createRuntime } from '../src/runtime'

const url = 'https://sso.example.com'

/** Every JSON line written to the console during the test. */
function captureLogs() {
  const lines: Record<string, unknown>[] = []
  const keep = (line: unknown) => {
    if (typeof line === 'string' && line.startsWith('{')) lines.push(JSON.parse(line))
  }
  vi.spyOn(console, 'log').mockImplementation(keep)
  vi.spyOn(console, 'error').mockImplementation(keep)
  return lines
}

const referenceIn = (html: string) => /data-testid="reference-id">([^<]+)</.exec(html)?.[1]

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a reference id leads to a cause', () => {
  it('names the missing SESSION_KEYS in the log, never on the page', async () => {
    const lines = captureLogs()
    const response = await createApp().request(`${url}/`, {}, { ...env, SESSION_KEYS: '' })
    expect(response.status).toBe(500)
    const html = await response.text()
    const referenceId = referenceIn(html)
    expect(html).toContain('internal_error')
    expect(html).not.toMatch(/SESSION_KEYS|ConfigError|at \w+ \(/)
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        code: 'internal_error',
        referenceId,
        cause: expect.objectContaining({ name: 'ConfigError', field: 'SESSION_KEYS' }),
      }),
    )
  })

  it('logs the name and message of an unknown error thrown in a route', async () => {
    const lines = captureLogs()
    const broken = createRuntime({
      now: () => {
        throw new TypeError('clock unavailable')
      },
    })
    const response = await createApp(broken).request(`${url}/app`, {}, env)
    expect(response.status).toBe(500)
    const html = await response.text()
    expect(html).not.toContain('clock unavailable')
    expect(lines).toContainEqual(
      expect.objectContaining({
        code: 'internal_error',
        referenceId: referenceIn(html),
        cause: { name: 'TypeError', message: 'clock unavailable' },
      }),
    )
  })

  it('logs why the event row of a refusal could not be written, under the same reference id', async () => {
    const lines = captureLogs()
    const failingDb = {
      prepare() {
        throw new Error('D1_ERROR: events table unavailable')
      },
    } as unknown as D1Database
    const response = await createApp().request(
      `${url}/login/password`,
      { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } },
      { ...env, DB: failingDb },
    )
    expect(response.status).toBe(403)
    const referenceId = referenceIn(await response.text())
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        event: 'event_write_failed',
        code: 'csrf_refused',
        referenceId,
        cause: expect.objectContaining({ message: expect.stringContaining('events table') }),
      }),
    )
  })

  it('logs D1’s own error for a failed query, never the statement’s parameters', async () => {
    const lines = captureLogs()
    const fail = () => {
      throw new Error('D1_ERROR: storage unavailable')
    }
    const statement = { bind: () => statement, raw: fail, all: fail, first: fail, run: fail }
    const failingDb = { prepare: () => statement } as unknown as D1Database
    const email = 'storage@logs.example'
    const response = await createApp().request(
      `${url}/login/password`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
        body: new URLSearchParams({ email, password: 'correct horse battery' }),
      },
      { ...env, DB: failingDb },
    )
    expect(response.status).toBe(503)
    const line = lines.find((l) => l.code === 'storage_unavailable')
    expect(line).toMatchObject({
      referenceId: referenceIn(await response.text()),
      cause: { name: 'Error', message: 'D1_ERROR: storage unavailable' },
    })
    expect(JSON.stringify(line)).not.toContain(email)
  })
})
