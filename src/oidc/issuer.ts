// What support pastes as "issuer" becomes the issuer identifier: a metadata URL is reduced to its issuer.
const wellKnownSuffixes = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
]

/**
 * Reduces a pasted OpenID Provider Metadata URL to its issuer; returns undefined when the input is not a
 * usable issuer (not a URL, http without `allowHttp`, or carrying a query or fragment).
 * @see OpenID Connect Discovery 1.0 §4
 */
export function normalizeIssuer(input: string, allowHttp: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return undefined
  if (url.search || url.hash || url.username || url.password) return undefined
  let path = url.pathname
  for (const suffix of wellKnownSuffixes)
    if (path.endsWith(suffix)) path = path.slice(0, -suffix.length)
  path = path.replace(/\/+$/, '')
  return `${url.origin}${path}`
}
