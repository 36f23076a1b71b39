// The host app's events as a request makes them: an outbox row for the change's batch, a message sent after the response.
import { randomId } from '../crypto/encoding'
import type { Database } from '../db/client'
import type { SQL } from 'drizzle-orm'
import { insertWebhook, insertWebhookWhen } from '../db/webhooks'
import type { WebhookEventType, WebhookVia } from '../vocabulary'

/** What an event says: `data` of the payload (`teamId`, `userId` where there is one, `via`, and more). */
export interface Change {
  type: WebhookEventType
  /** The team it concerns; null for a user in no team (their sessions ended). */
  teamId: string | null
  userId?: string
  via: WebhookVia
  /** Further fields of `data` (a connection's id, a member's new email ...). */
  details?: Record<string, string | null>
}

/** The queue's message for an outbox row: the consumer reads the row, so only what happened is sent. */
export interface EventsMessage {
  kind: 'webhook' | 'audit'
  /** The outbox row (`webhook`) or the team (`audit`). */
  id: string
}

/**
 * One request's outbox: each `change` is a statement for the batch that makes the change; once the
 * response is sent, `messages` go to the queue (a batch that failed leaves a message with no row, which the
 * consumer drops).
 */
export class Outbox {
  readonly messages: EventsMessage[] = []

  /** `enabled` when WEBHOOK_URL is set: otherwise a change adds nothing to its batch. */
  constructor(
    private readonly enabled: boolean,
    private readonly now: () => number,
  ) {}

  /**
   * The outbox row's insert, to spread into the change's batch (none when webhooks are off); with `when`,
   * written only if that holds as the statement runs (after the batch's earlier statements).
   */
  change(db: Database, change: Change, when?: SQL) {
    if (!this.enabled) return []
    const id = `msg_${randomId()}`
    const { type, teamId, userId, via, details } = change
    const data = { teamId, ...(userId ? { userId } : {}), via, ...details }
    this.messages.push({ kind: 'webhook', id })
    const row = { id, at: this.now(), type, teamId, data: JSON.stringify(data) }
    return [when ? insertWebhookWhen(db, row, when) : insertWebhook(db, row)]
  }
}
