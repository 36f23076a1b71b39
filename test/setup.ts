// Applies migrations/ to the test D1 database before each test file; gives the real clock back after each test.
import { applyD1Migrations, env } from 'cloudflare:test'
import { afterEach, vi } from 'vitest'

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)

afterEach(() => {
  vi.useRealTimers()
})
