// One signed POST to a receiver, bounded in time and in what it reads back: delivered or why not.
import type { Runtime } from '../runtime'
import { readTextCapped } from '../upstream'
import { type SignedMessage, signedRequest } from './sign'

/** A receiver answers within this, or the attempt counts as failed (the queue retries it later). */
export const webhookTimeoutMs = 10_000

/** What we read of a receiver's answer: nothing of it is kept. */
const maxAnswerBytes = 4096

export type Attempt = { delivered: true } | { delivered: false; reason: string }

export interface Destination {
  url: string
  secret: string
}

/** POSTs `message` to `to`: a 2xx answer within the timeout is delivered; anything else is a reason. */
export async function deliverMessage(
  runtime: Runtime,
  to: Destination,
  message: SignedMessage,
): Promise<Attempt> {
  const { body, headers } = signedRequest(to.secret, message, runtime.now())
  try {
    const response = await runtime.fetch(to.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(runtime.upstreamTimeoutMs ?? webhookTimeoutMs),
    })
    await readTextCapped(response, maxAnswerBytes).catch(() => '')
    if (response.ok) return { delivered: true }
    return { delivered: false, reason: `status ${response.status}` }
  } catch (cause) {
    return { delivered: false, reason: cause instanceof Error ? cause.name : 'fetch failed' }
  }
}
