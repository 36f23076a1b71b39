// What lives for the life of an isolate: the upstream fetch and the in-memory caches.
import type { CachedDocument } from './oidc/document-cache'
import type { ConnectionRecord } from './db/connections'
import type { KeyCache } from './oidc/key-cache'
import { cappedFetch, maxUpstreamBytes } from './upstream'

export interface Runtime {
  /**
   * Every server-to-server request goes through this fetch (tests hand in their identity provider); its
   * bodies are read capped at `maxUpstreamBytes`.
   */
  fetch: typeof fetch
  /** The gateway's fetch to the host app at `APP_ORIGIN`: bodies stream through uncapped. */
  hostFetch: typeof fetch
  documents: Map<string, CachedDocument>
  /** Loads in flight, so concurrent logins on a cold cache share one fetch per document. */
  loading: Map<string, Promise<unknown>>
  /** Each issuer's signing keys as oauth4webapi and jose cache them (src/oidc/key-cache.ts). */
  keyCaches: Map<string, KeyCache>
  /** Connections read at initiate or callback, so the callback's token exchange needs no extra D1 read. */
  connections: Map<string, { record: ConnectionRecord; readAt: number }>
  now: () => number
  /**
   * The newest D1 bookmark this isolate got from the primary, and the time (epoch ms) the query that gave it
   * left: a replica read anchored at it sees every write committed before `at` (src/fresh-reads.ts).
   */
  primaryMark?: { bookmark: string; at: number }
  /** Writes after the response (src/write-behind.ts) lost after their retry, since the isolate started. */
  writeBehindFailures: number
  /** When set, replaces every upstream timeout (tests use it instead of waiting out the real ones). */
  upstreamTimeoutMs?: number
}

export function createRuntime(options: { fetch?: typeof fetch; now?: () => number } = {}): Runtime {
  return {
    fetch: cappedFetch(options.fetch ?? ((input, init) => fetch(input, init)), maxUpstreamBytes),
    hostFetch: (input, init) => fetch(input, init),
    documents: new Map(),
    loading: new Map(),
    keyCaches: new Map(),
    connections: new Map(),
    now: options.now ?? (() => Date.now()),
    writeBehindFailures: 0,
  }
}
