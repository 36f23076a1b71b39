// The dev outbox: under wrangler dev with DEV_MAIL_OUTBOX=1, every mail sent is also kept in KV to be read back.
import type { Mail } from './send'

/** How long a kept message stays readable. */
export const outboxTtlSeconds = 24 * 60 * 60
/** The most messages listed for one address. */
export const outboxListLimit = 50

const prefix = 'outbox:'
// Keys sort newest first: the time counts down from here (good until the year 2286).
const maxTime = 9_999_999_999_999

export interface OutboxMessage {
  to: string
  subject: string
  text: string
  /** When it was sent, ISO 8601. */
  at: string
}

// The same rule as the dev secrets in src/env.ts: PUBLIC_URL and the request both on loopback.
const isLoopback = (url: string) =>
  URL.canParse(url) && ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname)

/**
 * Whether the outbox is on: `DEV_MAIL_OUTBOX` is `1` and both PUBLIC_URL and the request are on
 * loopback, so a deployed Worker never keeps or shows mail, whatever its vars say.
 */
export function outboxEnabled(options: {
  devMailOutbox: string | undefined
  publicUrl: string
  requestUrl: string
}): boolean {
  return (
    options.devMailOutbox === '1' && isLoopback(options.publicUrl) && isLoopback(options.requestUrl)
  )
}

const addressKey = (to: string) => `${prefix}${to.trim().toLowerCase()}:`

/** Keeps `mail` for its recipient; the key orders an address's messages newest first. */
export async function keepInOutbox(kv: KVNamespace, mail: Mail, sentAt: number): Promise<void> {
  const message: OutboxMessage = {
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    at: new Date(sentAt).toISOString(),
  }
  const order = String(maxTime - sentAt).padStart(13, '0')
  const key = `${addressKey(mail.to)}${order}:${crypto.randomUUID()}`
  await kv.put(key, JSON.stringify(message), { expirationTtl: outboxTtlSeconds })
}

/** The messages kept for `to` (any case), newest first. */
export async function listOutbox(kv: KVNamespace, to: string): Promise<OutboxMessage[]> {
  const { keys } = await kv.list({ prefix: addressKey(to), limit: outboxListLimit })
  const messages = await Promise.all(keys.map((k) => kv.get<OutboxMessage>(k.name, 'json')))
  return messages.filter((m) => m !== null)
}
