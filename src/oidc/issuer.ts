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

/** An issuer as we compare it: without a trailing slash (`https://x/` and `https://x` are one issuer). */
export const comparableIssuer = (issuer: string) => issuer.replace(/\/+$/, '')

/** An Okta custom authorization server's path: `/oauth2/<id>` (`/oauth2/default` and named ones). */
const customServerPath = /^\/oauth2\/[^/]+$/

/**
 * The Okta org an issuer belongs to when it is a custom authorization server (`https://<org>/oauth2/<id>`):
 * its origin, which Okta's dashboard sends as `iss` and signs Universal Logout with; else undefined.
 */
export function customServerOrg(issuer: string): string | undefined {
  if (!URL.canParse(issuer)) return undefined
  const url = new URL(issuer)
  return customServerPath.test(url.pathname) ? url.origin : undefined
}

/** Whether `iss` (a tile's, a logout token's) names `issuer`: the issuer itself, or its custom server's org. */
export function issuerAccepts(issuer: string, iss: string): boolean {
  const named = comparableIssuer(iss)
  return named === comparableIssuer(issuer) || named === customServerOrg(issuer)
}

/**
 * Entra's multi-tenant aliases (`common`, `organizations`, `consumers`): their discovery names the issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`, a placeholder no token carries. A connection uses its
 * tenant's own issuer, validated exactly.
 */
export const isEntraAlias = (issuer: string) =>
  /^https:\/\/login\.microsoftonline\.com\/(common|organizations|consumers)\/v2\.0$/.test(issuer)

/** The issuers several customers' connections share: a team is told apart by its verified email domain. */
export const sharedIssuers: ReadonlySet<string> = new Set([
  'https://accounts.google.com',
  'https://oauth.id.jumpcloud.com',
])
