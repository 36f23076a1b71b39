// Standard Webhooks: the signed request of one message (webhook-id, webhook-timestamp, webhook-signature).
import { Webhook } from 'standardwebhooks'

/** What one message carries: its id (the same on every attempt), its type, when it happened, its data. */
export interface SignedMessage {
  id: string
  type: string
  atMs: number
  data: unknown
}

/** A new `whsec_` secret: 32 random bytes, base64 (as Standard Webhooks writes them). */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return `whsec_${btoa(String.fromCharCode(...bytes))}`
}

/** The body `{"type","timestamp","data"}` and the three headers, signed with `secret` at `sentAtMs`. */
export function signedRequest(secret: string, message: SignedMessage, sentAtMs: number) {
  const body = JSON.stringify({
    type: message.type,
    timestamp: new Date(message.atMs).toISOString(),
    data: message.data,
  })
  const sentAt = new Date(sentAtMs)
  const signature = new Webhook(secret).sign(message.id, sentAt, body)
  const headers = {
    'content-type': 'application/json',
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(sentAtMs / 1000)),
    'webhook-signature': signature,
  }
  return { body, headers }
}
