// Writes nothing on the critical path waits for (event rows, a returning user's session row): retried once if transient, counted when lost.
import { isTransientD1Error, isUniqueViolation } from './db/errors'
import { describeCause, log } from './log'
import type { Runtime } from './runtime'

/**
 * Runs `write` (one D1 batch: all or nothing, so a retry never half-repeats it) and retries it once when D1
 * says the failure was transient; a retry that meets a unique index found the first attempt's rows
 * committed. A lost write is logged with the isolate's count of lost writes (`write_behind_failed`); a lost
 * session row ends that session at its next recheck, which treats a missing row as revoked.
 */
export async function retriedOnce(runtime: Runtime, what: string, write: () => Promise<unknown>) {
  try {
    await write().catch(async (first: unknown) => {
      if (!isTransientD1Error(first)) throw first
      await write().catch((second: unknown) => {
        if (!isUniqueViolation(second)) throw second
      })
    })
  } catch (cause) {
    runtime.writeBehindFailures++
    log('error', 'write_behind_failed', {
      what,
      failures: runtime.writeBehindFailures,
      cause: describeCause(cause),
    })
  }
}
