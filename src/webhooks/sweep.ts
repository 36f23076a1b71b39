// The scheduled run's part: webhook rows the queue never acknowledged sent again, audit streams behind woken.
import { claimUnacknowledged, streamsBehind } from '../db/webhooks'
import type { DeliveryDeps } from './consumer'

/** A row not delivered this long after it was written is sent again (its first message was lost or is late). */
export const resendAfterMs = 60_000

/** A row sent again is not sent again before this: longer than the queue's retries of one message. */
export const resendIntervalMs = 15 * 60_000

const sweepLimit = 500

/**
 * Sends again what was not acknowledged (same row, same `webhook-id`), and one run for each audit stream
 * with events after its cursor and no run in progress. Answers how many of each it sent.
 */
export async function sweepUndelivered(
  d: DeliveryDeps,
): Promise<{ webhooks: number; streams: number }> {
  const nowMs = d.runtime.now()
  const claimed = d.config.webhook
    ? await claimUnacknowledged(d.db, {
        olderThanMs: nowMs - resendAfterMs,
        resentBeforeMs: nowMs - resendIntervalMs,
        nowMs,
        limit: sweepLimit,
      })
    : []
  const streams = await streamsBehind(d.db, nowMs, sweepLimit)
  const messages = [
    ...claimed.map((row) => ({ body: { kind: 'webhook' as const, id: row.id } })),
    ...streams.map((s) => ({ body: { kind: 'audit' as const, id: s.teamId } })),
  ]
  for (let i = 0; i < messages.length; i += 100) await d.queue.sendBatch(messages.slice(i, i + 100))
  return { webhooks: claimed.length, streams: streams.length }
}
