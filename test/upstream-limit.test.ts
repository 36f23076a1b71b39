// Upstream bodies are read with a cap: an oversized or endless body is cut off, never read whole.
import { describe, expect, it } from 'vitest'
import * as oauth from 'oauth4webapi'
import {
  capBody,
  cappedFetch,
  readJsonCapped,
  readTextCapped,
  ResponseTooLarge,
} from '../src/upstream'

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

describe('capBody and cappedFetch', () => {
  it('pass a body within the cap through unchanged, with status and headers', async () => {
    const response = capBody(
      Response.json({ ok: true }, { status: 201, headers: { 'x-id': '7' } }),
      1024,
    )
    expect(response.status).toBe(201)
    expect(response.headers.get('x-id')).toBe('7')
    expect(await response.json()).toEqual({ ok: true })
  })

  it('make response.json() fail on an endless body, and cancel it', async () => {
    const { stream, seen } = endlessBody()
    const error = await capBody(new Response(stream), 16 * 1024)
      .json()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseTooLarge)
    expect(seen.cancelled).toBe(true)
    expect(seen.pulled).toBeLessThan(32 * 1024)
  })

  it('bound what oauth4webapi reads itself: an oversized discovery document is refused', async () => {
    const issuer = new URL('https://org.okta.test')
    const document = { issuer: issuer.href, padding: 'x'.repeat(200_000) }
    const idp: typeof fetch = async () => Response.json(document)
    // Uncapped, the same document is accepted: the cap is what refuses it below.
    const plain = await oauth.discoveryRequest(issuer, { [oauth.customFetch]: idp })
    expect((await oauth.processDiscoveryResponse(issuer, plain)).issuer).toBe(issuer.href)
    const capped = await oauth.discoveryRequest(issuer, {
      [oauth.customFetch]: cappedFetch(idp, 64 * 1024),
    })
    const error = await oauth.processDiscoveryResponse(issuer, capped).catch((e: unknown) => e)
    const causes = [error, (error as Error).cause]
    expect(causes.some((e) => e instanceof ResponseTooLarge)).toBe(true)
  })
})
