// The Worker entry: one app per isolate for requests, the retention run for the cron trigger, RPC for host Workers.
import { WorkerEntrypoint } from 'cloudflare:workers'
import { createApp } from './app'
import { database } from './db/client'
import { readConfig } from './env'
import { identify } from './identity/identify'
import { log } from './log'
import { runRetention } from './retention'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const config = readConfig(env, env.PUBLIC_URL)
    const deleted = await runRetention(database(env.DB), config, controller.scheduledTime)
    log('info', 'retention', { cron: controller.cron, deleted })
  },
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
