// A team's audit stream to its SIEM: set or removed (the secret shown once), and its events delivered in order.
import { seal, unseal } from '../crypto/secret-box'
import type { Database } from '../db/client'
import {
  advanceAuditStream,
  auditStreamOf,
  deleteAuditStream,
  eventsAfterCursor,
  lastEventSeq,
  leaseAuditStream,
  upsertAuditStream,
} from '../db/webhooks'
import { type AdminDeps, success } from '../admin/operations'
import { teamExists } from '../db/teams'
import { receiverUrlAllowed, type Config } from '../env'
import { AppError } from '../errors'
import { eventView, type Recorded } from '../events'
import type { Runtime } from '../runtime'
import { deliverMessage } from './deliver'
import { newWebhookSecret } from './sign'

/** Events per delivery run: sent one by one, in order; the next run starts after the last acknowledged. */
export const auditBatchSize = 20

/** How long a run holds its team's stream: longer than `auditBatchSize` answers at the receiver's timeout. */
const leaseMs = 5 * 60_000

/**
 * Sets the team's stream (a new one starts after the events already written; a changed URL keeps its
 * place) with a new secret, returned this once and stored sealed, with the operation's event in the same
 * batch. `url` must be https (http only on loopback under wrangler dev); an unknown team is `404`.
 */
export async function setAuditStream(
  d: AdminDeps,
  stream: { teamId: string; url: string },
  recorded: Recorded,
): Promise<{ secret: string }> {
  const { db, config } = d
  if (!receiverUrlAllowed(stream.url, config.loopback)) throw new AppError('receiver_url_invalid')
  if (!(await teamExists(db, stream.teamId))) throw new AppError('not_found')
  const secret = newWebhookSecret()
  const [last] = await lastEventSeq(db, stream.teamId)
  const row = {
    teamId: stream.teamId,
    url: stream.url,
    secretSealed: await seal(config.dataKey, secret, stream.teamId),
    cursor: last?.seq ?? 0,
  }
  await db.batch([upsertAuditStream(db, row), success(d, recorded)])
  return { secret }
}

/** Removes the team's stream, with the operation's event; `404` when it has none. */
export async function removeAuditStream(
  d: AdminDeps,
  teamId: string,
  recorded: Recorded,
): Promise<void> {
  if (!(await auditStreamOf(d.db, teamId))) throw new AppError('not_found')
  await d.db.batch([deleteAuditStream(d.db, teamId), success(d, recorded)])
}

/** The stream's URL as the owner's page shows it (never the secret). */
export async function auditStreamUrl(db: Database, teamId: string): Promise<string | null> {
  return (await auditStreamOf(db, teamId))?.url ?? null
}

/** A run's end: all sent (`done`), a full batch sent (`more`), a receiver failure, or another run holds it. */
export type StreamRun = 'done' | 'more' | 'failed' | 'busy'

/**
 * One delivery run of the team's stream: takes its lease (only one run at a time per team, so events go
 * in order), sends the next events after the cursor one by one (each `webhook-id` is `evt_<event id>`), stops
 * at the first failure, and moves the cursor past the last acknowledged. A retried run starts there again:
 * nothing is skipped, and nothing after a failed event goes before it.
 */
export async function runAuditStream(
  d: { db: Database; config: Config; runtime: Runtime },
  teamId: string,
): Promise<StreamRun> {
  const { db, config, runtime } = d
  const [leased, rows] = await db.batch([
    leaseAuditStream(db, teamId, runtime.now(), leaseMs),
    eventsAfterCursor(db, teamId, auditBatchSize),
  ])
  const [stream] = leased
  if (!stream) return 'busy'
  const secret = await unseal(config.dataKey, stream.secretSealed, teamId)
  let cursor = stream.cursor
  let failed = false
  for (const row of rows) {
    const message = { id: `evt_${row.id}`, type: 'audit.event', atMs: row.at, data: eventView(row) }
    const attempt = await deliverMessage(runtime, { url: stream.url, secret }, message)
    if (!attempt.delivered) {
      failed = true
      break
    }
    cursor = row.seq
  }
  await advanceAuditStream(db, teamId, cursor)
  if (failed) return 'failed'
  return rows.length === auditBatchSize ? 'more' : 'done'
}
