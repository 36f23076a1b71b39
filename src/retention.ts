// The scheduled retention run: expired sessions, used login states and logout token ids, old events, webhook
// rows and setup links, in bounded batches.
import { getTableName } from 'drizzle-orm'
import type { Database } from './db/client'
import { deleteBatch, type ExpiringRows } from './db/retention'
import {
  consoleSessions,
  events,
  sessions,
  setupLinks,
  usedLoginStates,
  usedTokenIds,
  webhookOutbox,
} from './db/schema'
import type { Config } from './env'

const dayMs = 86_400_000

/** What goes, and below which cutoff; one line a table (`at` is in ms, every `expires_at` in seconds). */
const retentionRules = (config: Config, nowMs: number): (ExpiringRows & { cutoff: number })[] => [
  { table: sessions, column: sessions.expiresAt, cutoff: Math.floor(nowMs / 1000) },
  { table: events, column: events.at, cutoff: nowMs - config.eventRetentionDays * dayMs },
  // Webhook rows, delivered or not, go with the events of their time.
  {
    table: webhookOutbox,
    column: webhookOutbox.at,
    cutoff: nowMs - config.eventRetentionDays * dayMs,
  },
  { table: usedLoginStates, column: usedLoginStates.expiresAt, cutoff: Math.floor(nowMs / 1000) },
  { table: consoleSessions, column: consoleSessions.expiresAt, cutoff: Math.floor(nowMs / 1000) },
  // A replay of an expired logout token is refused on its `exp`: its id need not be remembered past it.
  { table: usedTokenIds, column: usedTokenIds.expiresAt, cutoff: Math.floor(nowMs / 1000) },
  // An expired setup link stays listed (as expired) as long as the events of its use.
  {
    table: setupLinks,
    column: setupLinks.expiresAt,
    cutoff: Math.floor((nowMs - config.eventRetentionDays * dayMs) / 1000),
  },
]

export interface RetentionLimits {
  /** Rows per DELETE: one short D1 statement that never holds the database for long. */
  batchSize: number
  /** Batches per table per run; what is left goes at the next run. */
  maxBatches: number
}

/** 1,000 × 50 per table per run: 50,000 rows an hour, 1.2 M a day, each batch a few ms of D1 time. */
export const defaultLimits: RetentionLimits = { batchSize: 1000, maxBatches: 50 }

/** Deletes what is past its retention at `nowMs`; answers the rows deleted per table. */
export async function runRetention(
  db: Database,
  config: Config,
  nowMs: number,
  limits: RetentionLimits = defaultLimits,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {}
  for (const rule of retentionRules(config, nowMs)) {
    const name = getTableName(rule.table)
    deleted[name] = 0
    for (let batch = 0; batch < limits.maxBatches; batch++) {
      const changes = await deleteBatch(db, rule, rule.cutoff, limits.batchSize)
      deleted[name] += changes
      if (changes < limits.batchSize) break
    }
  }
  return deleted
}
