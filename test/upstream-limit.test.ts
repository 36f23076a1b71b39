// Upstream bodies are read with a cap: an oversized or endless body is cut off, never read whole.
import { describe, expect, it } from 'vitest'
import { readJsonCapped, readTextCapped, ResponseTooLarge } from '../src/upstream'

/** A body that never ends, as a hostile or broken peer sends it; records how much was pulled and the cancel. */
function endlessBody(chunkBytes = 1024) {
  const seen = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulled += chunkBytes
      controller.enqueue(new TextEncoder().encode(' '.repeat(chunkBytes)))
    },
    cancel() {
      seen.cancelled = true
    },
  })
  return { stream, seen }
}

describe('readJsonCapped', () => {
  it('reads a body within the cap', async () => {
    const response = Response.json({ issuer: 'https://org.okta.test', keys: [1, 2, 3] })
    expect(await readJsonCapped(response, 1024)).toEqual({
      issuer: 'https://org.okta.test',
      keys: [1, 2, 3],
    })
  })

  it('accepts a body of exactly the cap', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(100) })
    expect(await readJsonCapped(new Response(body), body.length)).toEqual({ pad: 'x'.repeat(100) })
  })

  it('refuses a body one byte over the cap', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(100) })
    const error = await readJsonCapped(new Response(body), body.length - 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseTooLarge)
    expect((error as ResponseTooLarge).code).toBe('response_too_large')
  })

  it('cuts off an endless body once past the cap, and cancels the rest', async () => {
    const { stream, seen } = endlessBody()
    const error = await readJsonCapped(new Response(stream), 64 * 1024).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseTooLarge)
    expect(seen.cancelled).toBe(true)
    expect(seen.pulled).toBeLessThan(80 * 1024)
  })

  it('refuses a declared Content-Length over the cap before reading anything', async () => {
    const { stream, seen } = endlessBody()
    const response = new Response(stream, { headers: { 'content-length': '10000000' } })
    await expect(readJsonCapped(response, 1024)).rejects.toBeInstanceOf(ResponseTooLarge)
    expect(seen.cancelled).toBe(true)
  })

  it('does not trust a small Content-Length: the bytes are counted', async () => {
    const { stream } = endlessBody()
    const response = new Response(stream, { headers: { 'content-length': '10' } })
    await expect(readJsonCapped(response, 4096)).rejects.toBeInstanceOf(ResponseTooLarge)
  })

  it('throws the parser’s SyntaxError for a body that is not JSON', async () => {
    await expect(readJsonCapped(new Response('<html>'), 1024)).rejects.toBeInstanceOf(SyntaxError)
  })

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('"Zoë Ünal"')
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte))
        controller.close()
      },
    })
    expect(await readJsonCapped(new Response(stream), 1024)).toBe('Zoë Ünal')
  })
})

describe('readTextCapped', () => {
  it('reads an empty body as the empty string', async () => {
    expect(await readTextCapped(new Response(null), 10)).toBe('')
  })
})
