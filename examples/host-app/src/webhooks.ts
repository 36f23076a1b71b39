// edge-sso's webhooks as a host app receives them: verified with the standardwebhooks package, each id kept once.
import { Webhook } from 'standardwebhooks'

/** One event edge-sso told us about (docs/webhooks.md in edge-sso lists them), and when it arrived. */
export interface HeardEvent {
  id: string
  type: string
  timestamp: string
  data: { teamId: string | null; userId?: string; via: string; [field: string]: unknown }
  receivedAt: string
}

/** The last events heard, newest first, each `webhook-id` once (edge-sso delivers at least once). */
export class EventLog {
  private readonly events: HeardEvent[] = []

  constructor(private readonly keep = 50) {}

  /**
   * Verifies a delivery (signature and timestamp, with `secret`) and keeps it unless its id was seen:
   * true when it is valid (a duplicate too: answer 2xx so edge-sso stops sending it), false when forged.
   */
  receive(secret: string, body: string, headers: Record<string, string>, nowMs: number): boolean {
    let payload: Omit<HeardEvent, 'id' | 'receivedAt'>
    try {
      payload = new Webhook(secret).verify(body, headers) as typeof payload
    } catch {
      return false
    }
    const id = headers['webhook-id'] ?? ''
    if (this.events.some((e) => e.id === id)) return true
    this.events.unshift({ id, ...payload, receivedAt: new Date(nowMs).toISOString() })
    this.events.length = Math.min(this.events.length, this.keep)
    return true
  }

  list(): readonly HeardEvent[] {
    return this.events
  }
}
