// Bounded reads of upstream responses (discovery, JWKS, token, userinfo, DNS over HTTPS): no body is read unbounded.
/** Thrown when a body is longer than the reader allows; the rest of the body is never read. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge'
  readonly code = 'response_too_large'
  constructor(readonly maxBytes: number) {
    super(`response body is larger than ${maxBytes} bytes`)
  }
}

/** Upstream bodies we accept at most: discovery documents, JWKS, token and userinfo responses are a few KB. */
export const maxUpstreamBytes = 256 * 1024

/**
 * The body's bytes, streamed and cut off past `maxBytes`: a declared `Content-Length` over the cap is
 * refused before reading, and a body that grows past it (chunked, or lying about its length) is cancelled
 * there.
 */
async function readBytesCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new ResponseTooLarge(maxBytes)
  }
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.byteLength
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ResponseTooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** The body as text after a capped read, decoded as UTF-8, as JSON must be (RFC 8259 §8.1). */
export async function readTextCapped(response: Response, maxBytes: number): Promise<string> {
  const bytes = await readBytesCapped(response, maxBytes)
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
}

/** Statuses whose response can carry no body (the Response constructor refuses one). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

/**
 * A fetch whose responses are read here with a cap and handed on buffered: a body over `maxBytes` makes
 * the fetch itself throw `ResponseTooLarge`, so no caller (oauth4webapi included) reads one unbounded.
 */
export function cappedFetch(inner: typeof fetch, maxBytes: number): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init)
    const bytes = await readBytesCapped(response, maxBytes)
    const headers = new Headers(response.headers)
    headers.delete('content-length')
    const { status, statusText } = response
    return new Response(nullBodyStatuses.has(status) ? null : bytes, {
      status,
      statusText,
      headers,
    })
  }
}

/** The body parsed as JSON after a capped read; throws `ResponseTooLarge` or the parser's `SyntaxError`. */
export async function readJsonCapped(response: Response, maxBytes: number): Promise<unknown> {
  return JSON.parse(await readTextCapped(response, maxBytes)) as unknown
}
