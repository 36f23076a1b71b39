// The queue's consumer: webhook rows delivered to WEBHOOK_URL, audit stream runs, and the dead-letter queue's record.
import * as z from 'zod/mini'
import type { Database } from '../db/client'
import { insertEvent } from '../db/events'
import { markWebhookDead, markWebhooksDelivered, undeliveredWebhooks } from '../db/webhooks'
import type { Config } from '../env'
import { eventRow } from '../events'
import { log } from '../log'
import type { Runtime } from '../runtime'
import { runAuditStream } from './audit-stream'
import { deliverMessage } from './deliver'
import type { EventsMessage } from './outbox'

/** What delivery needs: storage, configuration, the isolate's fetch and clock, and the queue itself. */
export interface DeliveryDeps {
  db: Database
  config: Config
  runtime: Runtime
  queue: Queue<EventsMessage>
}

/** The queue's names (wrangler.toml): the dead-letter queue's messages are recorded, not delivered. */
export const deadLetterQueue = 'edge-sso-events-dlq'

/** Backoff between attempts of one message: 5 s, 10 s, 20 s … at most 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(5 * 2 ** (attempts - 1), 300)

const eventsMessage = z.object({
  kind: z.enum(['webhook', 'audit']),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
})

const retry = (message: Message) =>
  message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })

/**
 * One batch of the events queue. A message that is not ours (poison) is retried until the dead-letter queue
 * takes it; a webhook row missing (its batch failed) or delivered already is acknowledged; a receiver that
 * fails or times out gets the message again later, with the same `webhook-id`.
 */
export async function consumeEvents(batch: MessageBatch, d: DeliveryDeps): Promise<void> {
  const webhooks = new Map<string, Message>()
  const audits = new Map<string, Message[]>()
  for (const message of batch.messages) {
    const parsed = eventsMessage.safeParse(message.body)
    if (!parsed.success) {
      log('error', 'events_message_invalid', { attempts: message.attempts })
      message.retry()
    } else if (parsed.data.kind === 'webhook') webhooks.set(parsed.data.id, message)
    else audits.set(parsed.data.id, [...(audits.get(parsed.data.id) ?? []), message])
  }
  await Promise.all([
    deliverWebhooks(webhooks, d),
    ...[...audits].map(([team, m]) => runStream(team, m, d)),
  ])
}

async function deliverWebhooks(messages: Map<string, Message>, d: DeliveryDeps) {
  const { webhook } = d.config
  // Without WEBHOOK_URL (unset since the message was sent) there is nowhere to deliver: dropped.
  if (messages.size === 0 || !webhook) return messages.forEach((m) => m.ack())
  const rows = await undeliveredWebhooks(d.db, [...messages.keys()])
  const attempts = await Promise.all(
    rows.map(async (row) => {
      const message = { id: row.id, type: row.type, atMs: row.at, data: JSON.parse(row.data) }
      return { row, attempt: await deliverMessage(d.runtime, webhook, message) }
    }),
  )
  const delivered = attempts.filter((a) => a.attempt.delivered).map((a) => a.row.id)
  if (delivered.length) await markWebhooksDelivered(d.db, delivered, d.runtime.now())
  const failed = new Set<string>()
  for (const { row, attempt } of attempts) {
    if (attempt.delivered) continue
    failed.add(row.id)
    log('info', 'webhook_attempt_failed', { id: row.id, reason: attempt.reason })
  }
  for (const [id, message] of messages) {
    if (failed.has(id)) retry(message)
    else message.ack()
  }
}

async function runStream(teamId: string, messages: Message[], d: DeliveryDeps) {
  const run = await runAuditStream(d, teamId)
  if (run === 'more') await d.queue.send({ kind: 'audit', id: teamId })
  if (run === 'failed') {
    log('info', 'audit_stream_attempt_failed', { teamId })
    messages.forEach(retry)
  } else messages.forEach((m) => m.ack())
}

/**
 * The dead-letter queue: each message the events queue gave up on becomes an event row support sees in the
 * console (`webhook_dead_letter`, `webhook_undelivered`), and its webhook row is marked dead (the scheduled
 * run no longer re-sends it).
 */
export async function recordDeadLetters(batch: MessageBatch, d: DeliveryDeps): Promise<void> {
  const nowMs = d.runtime.now()
  for (const message of batch.messages) {
    const parsed = eventsMessage.safeParse(message.body)
    const dead =
      parsed.success && parsed.data.kind === 'webhook'
        ? await markWebhookDead(d.db, parsed.data.id, nowMs)
        : []
    const teamId = parsed.success && parsed.data.kind === 'audit' ? parsed.data.id : dead[0]?.teamId
    const audit = { kind: 'admin', action: 'webhook_dead_letter' } as const
    await insertEvent(
      d.db,
      eventRow({
        audit,
        subject: { teamId },
        outcome: 'error',
        errorCode: 'webhook_undelivered',
        atMs: nowMs,
      }),
    )
    log('error', 'webhook_dead_letter', { teamId: teamId ?? null, attempts: message.attempts })
    message.ack()
  }
}
