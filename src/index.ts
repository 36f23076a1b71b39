// The Worker entry: one app per isolate for requests, the cron's runs, the events queue, RPC for host Workers.
import { WorkerEntrypoint } from 'cloudflare:workers'
import { createApp } from './app'
import { database } from './db/client'
import { readConfig } from './env'
import { identify } from './identity/identify'
import { log } from './log'
import { runRetention } from './retention'
import { createRuntime, type Runtime } from './runtime'
import {
  consumeEvents,
  deadLetterQueue,
  type DeliveryDeps,
  recordDeadLetters,
} from './webhooks/consumer'
import type { EventsMessage } from './webhooks/outbox'
import { sweepUndelivered } from './webhooks/sweep'

const runtime = createRuntime()
const app = createApp(runtime)

/** The hourly cron (wrangler.toml) runs retention; the one every minute re-sends what was not acknowledged. */
const retentionCron = '17 * * * *'

const deliveryDeps = (env: Env, isolate: Runtime): DeliveryDeps => ({
  db: database(env.DB),
  config: readConfig(env, env.PUBLIC_URL),
  runtime: isolate,
  queue: env.EVENTS as Queue<EventsMessage>,
})

/** The handlers besides `fetch`, over a given runtime (tests hand in theirs, with their receivers). */
export const workerHandlers = (isolate: Runtime) =>
  ({
    async scheduled(controller, env) {
      if (controller.cron === retentionCron) {
        const config = readConfig(env, env.PUBLIC_URL)
        const deleted = await runRetention(database(env.DB), config, controller.scheduledTime)
        log('info', 'retention', { cron: controller.cron, deleted })
        return
      }
      const sent = await sweepUndelivered(deliveryDeps(env, isolate))
      if (sent.webhooks || sent.streams) log('info', 'events_resent', sent)
    },
    async queue(batch, env) {
      const deps = deliveryDeps(env, isolate)
      if (batch.queue === deadLetterQueue) await recordDeadLetters(batch, deps)
      else await consumeEvents(batch, deps)
    },
  }) satisfies Pick<ExportedHandler<Env>, 'scheduled' | 'queue'>

export default {
  fetch: app.fetch,
  ...workerHandlers(runtime),
} satisfies ExportedHandler<Env>

/**
 * The service binding's entrypoint (`[[services]] binding = "SSO", service = "edge-sso", entrypoint =
 * "EdgeSso"`): a host Worker on the same account asks who a browser's cookie signs in, without a network hop.
 */
export class EdgeSso extends WorkerEntrypoint<Env> {
  identify(cookieHeader: string | null) {
    return identify(app, this.env, this.ctx, cookieHeader)
  }
}
