// Writes nothing on the critical path waits for (event rows, a returning user's session row): after the response.
import type { Context } from 'hono'
import { isUniqueViolation } from './db/errors'
import type { AppEnv } from './env'
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

/** The next task: by then the handler has handed its response back to the runtime. */
const afterThisTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** `write` after the response is sent (`waitUntil`), retried once, counted when lost. */
export function writeBehind(c: Context<AppEnv>, what: string, write: () => Promise<unknown>) {
  const { runtime } = c.var
  c.executionCtx.waitUntil(afterThisTask().then(() => retriedOnce(runtime, what, write)))
}
