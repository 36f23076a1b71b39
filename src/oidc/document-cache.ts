// Discovery documents: in-isolate memory, then KV, then the IdP; stale copies bridge IdP outages.
import type { Runtime } from '../runtime'

export const freshForMs = 60 * 60 * 1000
export const staleForMs = 24 * 60 * 60 * 1000

export interface CachedDocument {
  value: unknown
  fetchedAt: number
}

const isCachedDocument = (v: unknown): v is CachedDocument =>
  typeof v === 'object' &&
  v !== null &&
  'value' in v &&
  typeof (v as CachedDocument).fetchedAt === 'number'

/** KV trouble is a cache miss, never an outage: the IdP is asked instead. */
async function readKv(kv: KVNamespace, key: string): Promise<CachedDocument | undefined> {
  try {
    const stored: unknown = await kv.get(key, 'json')
    return isCachedDocument(stored) ? stored : undefined
  } catch {
    return undefined
  }
}

export interface DocumentSource {
  kv: KVNamespace
  /** Background work (KV writes) that must not delay the response. */
  waitUntil: (promise: Promise<unknown>) => void
}

/** One load per key at a time: callers that arrive while it runs wait for the same answer. */
function shared(runtime: Runtime, key: string, load: () => Promise<unknown>): Promise<unknown> {
  let pending = runtime.loading.get(key)
  if (!pending) {
    pending = load().finally(() => runtime.loading.delete(key))
    runtime.loading.set(key, pending)
  }
  return pending
}

/**
 * Returns the document under `key`, loading it with `load` when no fresh copy exists.
 * With `refresh`, memory and KV are skipped and the IdP is asked first.
 * When the IdP fails, a copy younger than a day is served; otherwise the IdP's error is thrown.
 */
export async function cachedDocument(
  runtime: Runtime,
  source: DocumentSource,
  { key, load, refresh }: { key: string; load: () => Promise<unknown>; refresh?: boolean },
): Promise<unknown> {
  const now = runtime.now()
  let known = runtime.documents.get(key)
  if (!refresh) {
    if (known && now - known.fetchedAt < freshForMs) return known.value
    const stored = await readKv(source.kv, key)
    if (stored && (!known || stored.fetchedAt > known.fetchedAt)) known = stored
    if (known && now - known.fetchedAt < freshForMs) {
      runtime.documents.set(key, known)
      return known.value
    }
  }
  try {
    const fetched: CachedDocument = { value: await shared(runtime, key, load), fetchedAt: now }
    runtime.documents.set(key, fetched)
    source.waitUntil(
      source.kv
        .put(key, JSON.stringify(fetched), { expirationTtl: staleForMs / 1000 })
        .catch(() => undefined),
    )
    return fetched.value
  } catch (error) {
    known ??= runtime.documents.get(key) ?? (await readKv(source.kv, key))
    if (known && now - known.fetchedAt < staleForMs) return known.value
    throw error
  }
}
