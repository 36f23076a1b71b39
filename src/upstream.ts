// Bounded reads of upstream responses (discovery, JWKS, token, userinfo, DNS over HTTPS): no body is read unbounded.
/** Thrown when a body is longer than the reader allows; the rest of the body is never read. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge'
  readonly code = 'response_too_large'
  constructor(readonly maxBytes: number) {
    super(`response body is larger than ${maxBytes} bytes`)
  }
}

/**
 * The body as text, streamed and cut off past `maxBytes`: a declared `Content-Length` over the cap is
 * refused before reading, and a body that grows past it (chunked, or lying about its length) is cancelled
 * there. Decoded as UTF-8, as JSON must be (RFC 8259 §8.1).
 */
export async function readTextCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new ResponseTooLarge(maxBytes)
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
  let text = ''
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.byteLength
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ResponseTooLarge(maxBytes)
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}

/** The body parsed as JSON after a capped read; throws `ResponseTooLarge` or the parser's `SyntaxError`. */
export async function readJsonCapped(response: Response, maxBytes: number): Promise<unknown> {
  return JSON.parse(await readTextCapped(response, maxBytes)) as unknown
}

/**
 * The same response with a body that errors (`ResponseTooLarge`) once past `maxBytes`, for readers we
 * do not control: oauth4webapi calls `response.json()` itself on discovery, token and userinfo answers.
 */
export function capBody(response: Response, maxBytes: number): Response {
  if (!response.body) return response
  const declared = Number(response.headers.get('content-length') ?? NaN)
  let length = 0
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      if (declared > maxBytes) controller.error(new ResponseTooLarge(maxBytes))
    },
    transform(chunk, controller) {
      length += chunk.byteLength
      if (length > maxBytes) controller.error(new ResponseTooLarge(maxBytes))
      else controller.enqueue(chunk)
    },
  })
  return new Response(response.body.pipeThrough(counter), response)
}

/** Upstream bodies we accept at most: discovery documents, JWKS, token and userinfo responses are a few KB. */
export const maxUpstreamBytes = 256 * 1024

/** `fetcher` with every response body capped at `maxBytes` (see `capBody`); for `Runtime.fetch`. */
export function cappedFetch(fetcher: typeof fetch, maxBytes: number): typeof fetch {
  return async (input, init) => capBody(await fetcher(input, init), maxBytes)
}
