// Vitest inside workerd: the worker's own wrangler.toml, the same migrations/ the product applies.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

/** The worker's required secrets ([secrets] in wrangler.toml), as the tests run it: test-only values. */
const testSecrets = {
  ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
  SESSION_KEYS:
    'k2:dGVzdC1zZXNzaW9uLWtleS0yLTAxMjM0NTY3ODlhYmNkZWY=,k1:dGVzdC1zZXNzaW9uLWtleS0xLTAxMjM0NTY3ODlhYmNkZWY=',
  DATA_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  TOKEN_SIGNING_KEYS:
    't2:MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1XE1WMSPOxEXCpYa03aDGSen+HYFMHj6T5mR7B8P3PahRANCAARiNMZimJDjqPptYeyDIALuGzFd8cjOFzSKtnSmZCRTy+wJpCW4mRXMtvifWxBKyhAvzpTyP9moi8t3iNjyAC2Y,t1:MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnULXkyV34B/D687tVI+L2OGuppwdTANSVPxYAChT6DChRANCAAQIRTvErGAOA+37WsqkEa7/XEMJ/BDwW3FTi3Q8bvkK2lH0qbXBCIPDP2505yX1i3TaxDT0MdQQ/bDSVpg0a3BH',
}

/** Node's environment (this config runs in Node; the project's types are the Workers runtime's). */
const nodeEnv = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
  .process.env

export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations')
  // Wrangler reads the worker's required secrets from the environment when it loads wrangler.toml (once per
  // test file): given here, it has nothing to warn about (the bindings below pass the same values to the
  // worker), and at its warn level it does not say each time where it found them.
  for (const [name, value] of Object.entries(testSecrets)) nodeEnv[name] ??= value
  nodeEnv.WRANGLER_LOG ??= 'warn'
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            PUBLIC_URL: 'https://sso.example.com',
            APP_URL: 'https://sso.example.com/app',
            ...testSecrets,
          },
          // The lagging replica's copy of the D1 state (test/replica.ts).
          d1Databases: { REPLICA_SNAPSHOT: 'replica-snapshot' },
          // A small limit the rate-limit tests can reach (the product's own are in wrangler.toml).
          ratelimits: { RL_TEST: { namespace_id: '9001', simple: { limit: 3, period: 60 } } },
          // A host Worker calling edge-sso's EdgeSso entrypoint over a service binding (test/rpc.test.ts).
          serviceBindings: { HOST_RPC: 'host-rpc' },
          workers: [
            {
              name: 'host-rpc',
              modules: true,
              scriptPath: './test/workers/host-rpc.js',
              compatibilityDate: '2026-11-01',
              serviceBindings: { SSO: { name: 'vitest-plugin-runner-', entrypoint: 'EdgeSso' } },
            },
          ],
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts', 'examples/host-app/test/**/*.test.ts'],
      setupFiles: ['./test/setup.ts'],
      // Whole logins against a real IdP in workerd: some tests make 70 requests; a loaded machine needs the room.
      testTimeout: 20_000,
      silent: 'passed-only' as const,
    },
  }
})
