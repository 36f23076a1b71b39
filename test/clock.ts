// The one clock of a test: the worker, oauth4webapi, jose and the test IdP all read Date, which this moves.
import { vi } from 'vitest'

/** Moves Date forward by `ms` and holds it there (test/setup.ts gives the real clock back after each test). */
export const advanceClock = (ms: number) => {
  vi.setSystemTime(Date.now() + ms)
}
