// What the host app receives: the browser's request minus hop-by-hop headers and our cookies, plus the assertion.

/** The header that carries the identity token to the host app; a client never sets it. */
export const assertionHeader = 'edge-sso-assertion'

/** RFC 9110 §7.6.1 connection-specific headers, and the ones a proxy's client sends only to the proxy. */
const hopByHop = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]

/** Our cookies (`__Host-edge_sso_*`: session, login, console, switch) are ours alone. */
const ownCookie = /^\s*__Host-edge_sso_/

/** A copy without hop-by-hop headers, nor the ones the `Connection` header names. */
export function withoutHopByHop(headers: Headers): Headers {
  const copy = new Headers(headers)
  const named = (headers.get('connection') ?? '').split(',').map((h) => h.trim().toLowerCase())
  for (const name of [...hopByHop, ...named]) if (name) copy.delete(name)
  return copy
}

/** The `Cookie` header without our cookies; undefined when none of the browser's others remain. */
export function withoutOwnCookies(cookieHeader: string | null): string | undefined {
  const kept = (cookieHeader ?? '')
    .split(';')
    .filter((pair) => pair.trim() && !ownCookie.test(pair))
    .map((pair) => pair.trim())
  return kept.length ? kept.join('; ') : undefined
}

/**
 * The headers for the host app: hop-by-hop and our cookies removed, a client's `Edge-SSO-Assertion`
 * always removed, ours added for a signed-in person, and where the browser sent the request.
 */
export function hostRequestHeaders(incoming: Request, assertion: string | undefined): Headers {
  const headers = withoutHopByHop(incoming.headers)
  headers.delete(assertionHeader)
  const cookie = withoutOwnCookies(incoming.headers.get('cookie'))
  if (cookie) headers.set('cookie', cookie)
  else headers.delete('cookie')
  if (assertion) headers.set(assertionHeader, assertion)
  const url = new URL(incoming.url)
  headers.set('x-forwarded-host', url.host)
  headers.set('x-forwarded-proto', url.protocol.slice(0, -1))
  return headers
}
