// Which paths are edge-sso's own (never forwarded): the first path segments its routes use.

/** "/admin/api/teams" → "admin"; "/" → "". */
const firstSegment = (path: string) => path.split('/')[1] ?? ''

/**
 * A test for "is this one of our routes", from the app's route table: a path is ours when its first
 * segment is one our routes start with (`/` itself included). `/app` is the built-in page only while no
 * host app is configured, so it is never ours to the gateway.
 */
export function ownPathTest(routes: readonly { path: string }[]): (path: string) => boolean {
  const segments = new Set(
    routes
      .map((route) => route.path)
      .filter((path) => path !== '*' && path !== '/*')
      .map(firstSegment),
  )
  segments.delete('app')
  return (path) => {
    const first = firstSegment(path)
    return path === '/' ? segments.has('') : first !== '' && segments.has(first)
  }
}

/** Whether `path` is one of the prefixes (a whole segment: `/app` covers `/app` and `/app/x`, not `/apple`). */
export const underPrefix = (path: string, prefixes: readonly string[]) =>
  prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
