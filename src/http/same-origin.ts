// Return paths: a path on our own origin, or nothing (no open redirect).

/** Control characters and backslashes never belong in a return path. */
// eslint-disable-next-line no-control-regex -- the control characters are what it refuses
const unsafeCharacters = /[\\\u0000-\u001f]/

/**
 * A path on our own origin, or undefined. Accepts "/path" and absolute URLs on PUBLIC_URL; refuses
 * "//host", "/\host", "/..//host", other schemes and anything that resolves elsewhere.
 */
export function sameOriginPath(
  input: string | undefined,
  publicOrigin: string,
): string | undefined {
  if (!input || input.length > 2048 || unsafeCharacters.test(input)) return undefined
  if (!input.startsWith('/') && !input.startsWith(`${publicOrigin}/`) && input !== publicOrigin)
    return undefined
  if (input.startsWith('//')) return undefined
  let url: URL
  try {
    url = new URL(input, publicOrigin)
  } catch {
    return undefined
  }
  // Dot segments can normalise "/..//host" to "//host", which a browser reads as another origin.
  const path = `${url.pathname}${url.search}${url.hash}`
  return url.origin === publicOrigin && !path.startsWith('//') ? path : undefined
}
