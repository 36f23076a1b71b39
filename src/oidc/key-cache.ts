// An issuer's signing keys, cached the way oauth4webapi and jose document it: an exported { jwks, uat } per issuer, in the isolate and in KV.
import type { UpstreamOptions } from './discovery'

/**
 * Whose cache: oauth4webapi's (ID tokens; `uat` in seconds) or jose's (Universal Logout tokens; `uat`
 * in milliseconds). The two never share an object, so neither misreads the other's timestamp.
 */
export type KeyCacheOwner = 'id-token' | 'logout'

/** What the libraries read and write: empty, or `{ jwks, uat }` (oauth4webapi's `JWKSCacheInput`). */
export type KeyCache = Record<string, unknown>

/** KV keeps a copy for an hour; each library decides for itself whether its copy is still fresh. */
const kvTtlSeconds = 60 * 60

const isExported = (v: unknown): v is KeyCache =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { uat?: unknown }).uat === 'number' &&
  Array.isArray((v as { jwks?: { keys?: unknown } }).jwks?.keys)

/** KV trouble is a cache miss: the library asks the IdP. */
async function readKv(kv: KVNamespace, key: string): Promise<KeyCache> {
  try {
    const stored: unknown = await kv.get(key, 'json')
    return isExported(stored) ? stored : {}
  } catch {
    return {}
  }
}

/**
 * Runs `use` with the issuer's key cache (the isolate's, else KV's, else empty) and, when the library
 * fetched the keys again (its `uat` changed), stores the new copy in KV after the response.
 */
export async function withKeyCache<T>(
  o: UpstreamOptions,
  { owner, issuer }: { owner: KeyCacheOwner; issuer: string },
  use: (cache: KeyCache) => Promise<T>,
): Promise<T> {
  const key = `${owner}-jwks:${issuer}`
  let cache = o.runtime.keyCaches.get(key)
  if (!cache) {
    cache = await readKv(o.source.kv, key)
    o.runtime.keyCaches.set(key, cache)
  }
  const { uat } = cache
  try {
    return await use(cache)
  } finally {
    if (isExported(cache) && cache.uat !== uat) {
      const copy = JSON.stringify({ jwks: cache.jwks, uat: cache.uat })
      o.source.waitUntil(
        o.source.kv.put(key, copy, { expirationTtl: kvTtlSeconds }).catch(() => undefined),
      )
    }
  }
}
