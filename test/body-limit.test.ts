// Request bodies over 64 KB are refused 413 payload_too_large before they are parsed: forms and JSON alike.
import { describe, expect, it } from 'vitest'
import { maxBodyBytes } from '../src/app'
import { Browser } from './harness'
import { query } from './rows'
import { scene } from './scene'

/** A form body of `totalBytes` that is produced as it is read; records how much was pulled. */
function streamedForm(totalBytes: number) {
  const seen = { pulled: 0 }
  const chunk = new TextEncoder().encode('a'.repeat(64 * 1024))
  const head = new TextEncoder().encode('email=ada%40acme.example&password=')
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head)
      seen.pulled += head.byteLength
    },
    pull(controller) {
      if (seen.pulled >= totalBytes) return controller.close()
      seen.pulled += chunk.byteLength
      controller.enqueue(chunk)
    },
  })
  return { body, seen }
}

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }
const countRows = async (table: string) =>
  (await query<{ n: number }>(`select count(*) as n from ${table}`))[0]?.n

describe('body limit', () => {
  for (const path of ['/login/password', '/register', '/sso/start']) {
    it(`a 40 MB form to ${path} is refused 413 after 64 KB, never parsed`, async (ctx) => {
      // Broke before: the whole 40 MB form was read and parsed (payload_too_large never produced).
      const s = await scene({ ctx, area: 'Body limit' })
      const { body, seen } = streamedForm(40 * 1024 * 1024)
      await s.tally.baseline()
      const answer = await s.rig.fetch(new Browser(), path, {
        method: 'POST',
        headers: formHeaders,
        body,
      })
      await s.tally.refused(answer, { status: 413, code: 'payload_too_large' })
      expect(seen.pulled).toBeLessThan(4 * maxBodyBytes)
    })
  }

  it('a declared Content-Length over 64 KB is refused before reading anything', async (ctx) => {
    const s = await scene({ ctx, area: 'Body limit' })
    const form = `email=ada%40acme.example&password=${'a'.repeat(maxBodyBytes)}`
    await s.tally.baseline()
    const answer = await s.rig.fetch(new Browser(), '/login/password', {
      method: 'POST',
      headers: { ...formHeaders, 'content-length': String(form.length) },
      body: form,
    })
    await s.tally.refused(answer, { status: 413, code: 'payload_too_large' })
  })

  it('a 65 KB JSON body to the admin API is refused 413 with the JSON error, no team created', async (ctx) => {
    const s = await scene({ ctx, area: 'Body limit' })
    const teamsBefore = await countRows('teams')
    await s.tally.baseline()
    const answer = await s.rig.admin('POST', '/admin/api/teams', {
      name: 'x'.repeat(65 * 1024),
      ownerEmail: `owner@${s.team.domain}`,
    })
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    await s.tally.refused(answer, { status: 413, code: 'payload_too_large' })
    expect(await countRows('teams')).toBe(teamsBefore)
  })

  it('a 65 KB JSON body to the app API is refused 413', async (ctx) => {
    const s = await scene({ ctx, area: 'Body limit' })
    await s.tally.baseline()
    const answer = await s.rig.fetch(new Browser(), '/api/team', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(65 * 1024) }),
    })
    await s.tally.refused(answer, { status: 413, code: 'payload_too_large' })
  })

  it('a body just under the limit is parsed as before', async (ctx) => {
    const s = await scene({ ctx, area: 'Body limit' })
    const form = `email=nobody%40${s.team.domain}&password=${'a'.repeat(1000)}`
    const answer = await s.rig.fetch(new Browser(), '/login/password', {
      method: 'POST',
      headers: formHeaders,
      body: form,
    })
    await s.tally.refused(answer, { status: 401, code: 'invalid_credentials' })
  })
})
