// The Worker entry: one app per isolate for requests, the retention run for the cron trigger.
import { createApp } from './app'
import { database } from './db/client'
import { readConfig } from './env'
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
