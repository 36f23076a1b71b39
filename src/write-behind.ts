// Writes nothing on the critical path waits for (event rows, a returning user's session row): retried once, counted when lost.
import { isUniqueViolation } from './db/errors'
import { describeCause, log } from './log'
import type { Runtime } from './runtime'

/**
 * Runs `write` (one D1 batch: all or nothing, so a retry never half-repeats it) and retries it once; a
 * retry that meets a unique index found the first attempt's rows committed. A write lost twice is logged
 * with the isolate's count of lost writes (`write_behind_failed`); a lost session row ends that session at
 * its next recheck, which treats a missing row as revoked.
 */
export async function retriedOnce(runtime: Runtime, what: string, write: () => Promise<unknown>) {
  try {
    await write()
  } catch {
    try {
      await write()
    } catch (cause) {
      if (isUniqueViolation(cause)) return
      runtime.writeBehindFailures++
      log('error', 'write_behind_failed', {
        what,
        failures: runtime.writeBehindFailures,
        cause: describeCause(cause),
      })
    }
  }
}
