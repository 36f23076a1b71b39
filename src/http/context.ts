// What a handler hands the domain from its Context: the database client, upstream options and the mailer.
import type { Context } from 'hono'
import { database } from '../db/client'
import type { AdminDeps } from '../admin/operations'
import type { AppEnv } from '../env'
import { deliver, type Mailer } from '../mail/deliver'
import type { UpstreamOptions } from '../oidc/discovery'
import { freshRead } from '../fresh-reads'
import { retriedOnce } from '../write-behind'
import type { SessionStore } from '../session/session'
import { describeCause, log } from '../log'
import type { EventsMessage } from '../webhooks/outbox'

export const db = (c: Context<AppEnv>) => database(c.env.DB)

/** The session recheck's storage: fresh-enough reads (a replica when this isolate has a recent bookmark), writes on the primary. */
export const sessionStore = (c: Context<AppEnv>): SessionStore => ({
  fresh: (maxAgeMs, work) => freshRead(c.env.DB, c.var.runtime, maxAgeMs, work),
  primary: db(c),
})

export const upstream = (c: Context<AppEnv>): UpstreamOptions => ({
  runtime: c.var.runtime,
  allowHttp: c.var.config.allowHttpIssuers,
  source: { kv: c.env.CACHE, waitUntil: (p) => c.executionCtx.waitUntil(p) },
})

/**
 * Mail sent after the response, through `EMAIL` from `MAIL_FROM` (kept in the dev outbox when it is on):
 * the answer never waits for, nor fails with, the mail service.
 */
export const mailer =
  (c: Context<AppEnv>): Mailer =>
  (kind, mail) => {
    const deps = {
      email: c.env.EMAIL,
      from: c.var.config.mailFrom,
      outbox: c.var.config.devMailOutbox ? c.env.CACHE : undefined,
      now: c.var.runtime.now,
    }
    c.executionCtx.waitUntil(deliver(deps, kind, mail))
  }

/** The plain inputs an admin operation takes. */
export const adminDeps = (c: Context<AppEnv>): AdminDeps => ({
  db: db(c),
  config: c.var.config,
  runtime: c.var.runtime,
  upstream: upstream(c),
  mail: mailer(c),
  outbox: c.var.outbox,
})

/** The next task: by then the handler has handed its response back to the runtime. */
const afterThisTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** `write` after the response is sent (`waitUntil`), retried once, counted when lost (src/write-behind.ts). */
export function writeBehind(c: Context<AppEnv>, what: string, write: () => Promise<unknown>) {
  const { runtime } = c.var
  c.executionCtx.waitUntil(afterThisTask().then(() => retriedOnce(runtime, what, write)))
}

/**
 * The request's webhook messages to the queue after the response: a failed send loses nothing (the rows are
 * in D1; the scheduled run sends them), it is only logged.
 */
export function enqueueAfterResponse(c: Context<AppEnv>, messages: EventsMessage[]) {
  const send = () => c.env.EVENTS.sendBatch(messages.map((body) => ({ body })))
  c.executionCtx.waitUntil(
    afterThisTask()
      .then(send)
      .catch((cause: unknown) =>
        log('error', 'events_enqueue_failed', {
          count: messages.length,
          cause: describeCause(cause),
        }),
      ),
  )
}
