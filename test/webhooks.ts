// Webhooks in tests: a receiver that verifies Standard Webhooks signatures and dedupes, and the queue run by hand.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from 'cloudflare:test'
import { Webhook } from 'standardwebhooks'
import { workerHandlers } from '../src/index'
import type { Rig } from './harness'

export const webhookUrl = 'https://hooks.example.test/webhooks'
export const webhookSecret = `whsec_${btoa('test-only-webhook-secret-0123456')}`
/** The vars that turn the host app's webhooks on (scene({ vars })). */
export const webhookVars = { WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: webhookSecret }

/** The queue's retries before the dead-letter queue (wrangler.toml `max_retries`). */
export const maxRetries = 8

/** How a receiver answers one attempt: 2xx, a 500, a network failure, or no answer until the sender gives up. */
export type Answer = 'ok' | 'error' | 'down' | 'slow'

export interface Delivered {
  id: string
  type: string
  timestamp: string
  data: Record<string, unknown>
}

/**
 * A host app's (or SIEM's) endpoint: verifies every attempt with the `standardwebhooks` package (a bad
 * signature fails the test), counts attempts, and keeps each `webhook-id` once (dedupe), in order of receipt.
 */
export class Receiver {
  readonly attempts: { id: string; answer: Answer }[] = []
  readonly delivered = new Map<string, Delivered>()
  /** The answer to the `n`th attempt (0-based); 'ok' by default. */
  answer: (n: number) => Answer = () => 'ok'
  private readonly verifier: Webhook

  constructor(
    rig: Rig,
    secret = webhookSecret,
    readonly url = webhookUrl,
  ) {
    this.verifier = new Webhook(secret)
    rig.receivers.set(new URL(url).origin, (request) => this.receive(request))
  }

  private async receive(request: Request): Promise<Response> {
    const body = await request.text()
    const headers = Object.fromEntries(request.headers)
    const payload = this.verifier.verify(body, headers) as Omit<Delivered, 'id'>
    const id = headers['webhook-id']!
    const answer = this.answer(this.attempts.length)
    this.attempts.push({ id, answer })
    if (answer === 'down') throw new TypeError('fetch failed')
    if (answer === 'error') return new Response('busy', { status: 500 })
    if (answer === 'slow') await answersIn(2_000, request.signal)
    if (!this.delivered.has(id)) this.delivered.set(id, { id, ...payload })
    return new Response(null, { status: 204 })
  }

  /** What was delivered (each id once), as "type via", in order. */
  types() {
    return [...this.delivered.values()].map((d) => `${d.type} ${String(d.data.via)}`)
  }
}

/** Waits `ms` unless the sender gives up first (its signal), as a real slow server does to a real fetch. */
const answersIn = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    })
  })

const handlers = (rig: Rig) => workerHandlers(rig.runtime)

interface Pending {
  body: unknown
  attempts: number
}

/**
 * Runs the queue as Cloudflare does, by hand: what the worker sent (rig.queued) goes to its `queue()` handler
 * in batches of 10 (the local runs are smaller than wrangler.toml's 50); a retried message comes back with one more attempt until `maxRetries`, then goes to the
 * dead-letter queue, whose batch goes to the same handler. Answers the rounds run, the retry delays asked
 * and how many messages were dead-lettered.
 */
export async function drain(rig: Rig, options: { maxRounds?: number } = {}) {
  const pending: Pending[] = []
  const dead: unknown[] = []
  const delays: number[] = []
  let rounds = 0
  let sequence = 0
  for (; rounds < (options.maxRounds ?? 20); rounds++) {
    pending.push(...rig.queued.splice(0).map((body) => ({ body, attempts: 1 })))
    if (pending.length === 0) break
    const now = pending.splice(0, 10)
    const messages = now.map((m) => ({
      id: `m${rounds}-${sequence++}`,
      timestamp: new Date(),
      attempts: m.attempts,
      body: m.body,
    }))
    const batch = createMessageBatch('edge-sso-events', messages)
    // The plugin's result leaves out each retry's delay: record what the consumer asks for.
    for (const message of batch.messages) {
      const retry = message.retry.bind(message)
      message.retry = (options) => {
        delays.push(options?.delaySeconds ?? 0)
        retry(options)
      }
    }
    const ctx = createExecutionContext()
    let threw = false
    await handlers(rig)
      .queue(batch, rig.testEnv)
      .catch(() => (threw = true))
    const result = await getQueueResult(batch, ctx)
    const retried = new Set(result.retryMessages.map((r) => r.msgId))
    messages.forEach((message) => {
      const acked = result.explicitAcks.includes(message.id) || (result.ackAll && !threw)
      if (acked && !retried.has(message.id)) return
      if (!threw && !retried.has(message.id) && !result.retryBatch.retry) return
      if (message.attempts > maxRetries) dead.push(message.body)
      else pending.push({ body: message.body, attempts: message.attempts + 1 })
    })
  }
  if (dead.length) await deadLetters(rig, dead)
  return { rounds, delays, dead: dead.length }
}

/** The dead-letter queue's batch, as Cloudflare hands it to the consumer. */
async function deadLetters(rig: Rig, bodies: unknown[]) {
  const batch = createMessageBatch(
    'edge-sso-events-dlq',
    bodies.map((body, i) => ({ id: `dead-${i}`, timestamp: new Date(), attempts: 1, body })),
  )
  const ctx = createExecutionContext()
  await handlers(rig).queue(batch, rig.testEnv)
  await getQueueResult(batch, ctx)
}

/** The cron that runs every minute, at the worker's clock: what was not acknowledged is sent again. */
export async function scheduledRun(rig: Rig) {
  const controller = createScheduledController({
    scheduledTime: rig.runtime.now(),
    cron: '* * * * *',
  })
  await handlers(rig).scheduled(controller, rig.testEnv)
}
