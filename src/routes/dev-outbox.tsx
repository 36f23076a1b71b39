// The dev outbox, read back: GET /dev/outbox?to=<email> shows the mail kept for that address (mount at /dev).
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { listOutbox, outboxEnabled } from '../mail/outbox'
import { OutboxPage } from '../views/outbox'

/** A browser (asking for HTML first) gets the page; a script (curl, fetch) gets JSON. */
const wantsPage = (accept: string | undefined) =>
  /text\/html/.test(accept ?? '') && !/^application\/json/.test(accept ?? '')

export const devOutboxRoutes = new Hono<AppEnv>().get('/outbox', async (c) => {
  const enabled = outboxEnabled({
    devMailOutbox: c.env.DEV_MAIL_OUTBOX,
    publicUrl: c.env.PUBLIC_URL,
    requestUrl: c.req.url,
  })
  // Off (not wrangler dev on loopback, or not asked for): nothing is here, as for any unknown path.
  if (!enabled) throw new AppError('not_found')
  const to = c.req.query('to')?.trim() || undefined
  if (to && to.length > 320) throw new AppError('invalid_request')
  c.header('cache-control', 'no-store')
  const page = wantsPage(c.req.header('accept'))
  if (!to && !page) throw new AppError('invalid_request')
  const messages = to ? await listOutbox(c.env.CACHE, to) : []
  return page ? c.html(<OutboxPage to={to} messages={messages} />) : c.json({ messages })
})
