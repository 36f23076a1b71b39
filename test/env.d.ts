// Bindings the test harness adds on top of the worker's own.
import type { D1Migration } from '@cloudflare/vitest-plugin'

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[]
      /** 3 a minute (vitest.config.ts), for the rate-limit tests. */
      RL_TEST: RateLimit
      /** A second D1 database: the copy a lagging replica serves its reads from (test/replica.ts). */
      REPLICA_SNAPSHOT: D1Database
      /** A host Worker that calls edge-sso's `EdgeSso.identify` over a service binding (test/workers/host-rpc.js). */
      HOST_RPC: Fetcher
    }
  }
}
