// Delivery that loses nothing: a receiver down then back, 500 then 200, the queue send failing, poison, slowness.
import { describe, expect, it, type TestContext } from 'vitest'
import { database } from '../src/db/client'
import { readConfig } from '../src/env'
import { runRetention } from '../src/retention'
import { adminToken, Browser, formPost, publicOrigin } from './harness'
import { query } from './rows'
import { scene, type Scene } from './scene'
import { oktaUser, scimClient } from './scim-helpers'
import { drain, maxRetries, Receiver, scheduledRun, webhookVars } from './webhooks'

async function world(ctx: TestContext) {
  const s = await scene({ ctx, area: 'Webhook delivery', vars: webhookVars })
  const receiver = new Receiver(s.rig)
  await drain(s.rig)
  receiver.delivered.clear()
  receiver.attempts.length = 0
  return { s, receiver }
}

/** `count` members provisioned over SCIM: `count` member.joined events written, each in its change's batch. */
async function provision(s: Scene, count: number) {
  const scim = await scimClient(s.rig, s.team.connectionId)
  for (let i = 0; i < count; i++) {
    const created = await scim('POST', '/Users', oktaUser(`person${i}@${s.team.domain}`))
    expect(created.status).toBe(201)
  }
}

/** The team's outbox rows: written, delivered, dead. */
async function outbox(s: Scene) {
  const [row] = await query<{ written: number; delivered: number; dead: number }>(
    `select count(*) as written, count(delivered_at) as delivered, count(dead_at) as dead
     from webhook_outbox where team_id = ? and type = 'member.joined' and data ->> 'via' = 'scim'`,
    s.team.teamId,
  )
  return row!
}

const distinctIds = (receiver: Receiver) => new Set(receiver.attempts.map((a) => a.id)).size

describe('webhook delivery under faults', () => {
  it('a receiver down for a while gets every event once it is back (retries with backoff)', async (ctx) => {
    const { s, receiver } = await world(ctx)
    receiver.answer = (n) => (n < 12 ? 'down' : 'ok')
    await provision(s, 5)
    const run = await drain(s.rig)
    expect(receiver.delivered.size).toBe(5)
    expect(receiver.attempts.filter((a) => a.answer === 'down')).toHaveLength(12)
    expect(run.dead).toBe(0)
    // Backoff: each retry of a message waits longer than the one before (5 s, 10 s, 20 s ...).
    expect(new Set(run.delays)).toEqual(new Set([5, 10, 20]))
    expect(await outbox(s)).toEqual({ written: 5, delivered: 5, dead: 0 })
  })

  it('500 then 200: two attempts with the same webhook-id, one delivery after dedupe', async (ctx) => {
    const { s, receiver } = await world(ctx)
    receiver.answer = (n) => (n === 0 ? 'error' : 'ok')
    await provision(s, 1)
    await drain(s.rig)
    expect(receiver.attempts.map((a) => a.answer)).toEqual(['error', 'ok'])
    expect(distinctIds(receiver)).toBe(1)
    expect(receiver.delivered.size).toBe(1)
    expect(await outbox(s)).toEqual({ written: 1, delivered: 1, dead: 0 })
  })

  it('the queue send failing loses nothing: the scheduled run sends what was not acknowledged', async (ctx) => {
    const { s, receiver } = await world(ctx)
    s.rig.faults.queueDown = true
    await provision(s, 3)
    expect(s.rig.queued).toEqual([])
    s.rig.faults.queueDown = false
    // Not yet: a row is re-sent only once it is older than a minute (its own message may be on its way).
    await scheduledRun(s.rig)
    await drain(s.rig)
    expect(receiver.delivered.size).toBe(0)
    s.advance(61_000)
    await scheduledRun(s.rig)
    await drain(s.rig)
    expect(receiver.delivered.size).toBe(3)
    // A later run finds nothing left to send.
    s.advance(61_000)
    await scheduledRun(s.rig)
    expect(s.rig.queued).toEqual([])
    expect(await outbox(s)).toEqual({ written: 3, delivered: 3, dead: 0 })
  })

  it('a delivered message sent again (a duplicate in the queue) is not delivered twice', async (ctx) => {
    const { s, receiver } = await world(ctx)
    await provision(s, 1)
    const [message] = [...s.rig.queued]
    s.rig.queued.push(message)
    await drain(s.rig)
    expect(receiver.attempts).toHaveLength(1)
    expect(receiver.delivered.size).toBe(1)
  })

  it('poison: a malformed message and one its receiver always refuses go to the dead-letter queue, an event row support sees', async (ctx) => {
    const { s, receiver } = await world(ctx)
    receiver.answer = () => 'error'
    await provision(s, 1)
    s.rig.queued.push({ kind: 'nonsense' })
    const run = await drain(s.rig, { maxRounds: 40 })
    expect(run.dead).toBe(2)
    expect(receiver.attempts).toHaveLength(maxRetries + 1)
    expect(await outbox(s)).toEqual({ written: 1, delivered: 0, dead: 1 })
    const rows = await query<{ team_id: string | null; outcome: string; error_code: string }>(
      "select team_id, outcome, error_code from events where action = 'webhook_dead_letter' order by team_id",
    )
    expect(rows).toEqual([
      { team_id: null, outcome: 'error', error_code: 'webhook_undelivered' },
      { team_id: s.team.teamId, outcome: 'error', error_code: 'webhook_undelivered' },
    ])
    // Support sees it on the console's events page.
    const support = new Browser()
    await s.rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    const page = await (await s.rig.fetch(support, '/admin')).text()
    expect(page).toContain('admin: webhook_dead_letter')
    expect(page).toContain('<code>webhook_undelivered</code>')
    // A dead row is not sent again by the scheduled run; nothing is lost: it stays, marked, for support.
    s.advance(20 * 60_000)
    await scheduledRun(s.rig)
    expect(s.rig.queued).toEqual([])
  })

  it('a slow receiver is cut off at the timeout and the message retried, delivered once', async (ctx) => {
    const { s, receiver } = await world(ctx)
    s.rig.runtime.upstreamTimeoutMs = 100
    receiver.answer = (n) => (n === 0 ? 'slow' : 'ok')
    await provision(s, 1)
    const started = Date.now()
    await drain(s.rig)
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(receiver.attempts.map((a) => a.answer)).toEqual(['slow', 'ok'])
    expect(receiver.delivered.size).toBe(1)
    expect(await outbox(s)).toEqual({ written: 1, delivered: 1, dead: 0 })
  })
})

describe('retention', () => {
  it('deletes webhook rows with the events of their time (EVENT_RETENTION_DAYS)', async (ctx) => {
    const { s } = await world(ctx)
    await provision(s, 2)
    await drain(s.rig)
    const config = readConfig(s.rig.testEnv, publicOrigin)
    const later = s.rig.runtime.now() + (config.eventRetentionDays + 1) * 86_400_000
    const deleted = await runRetention(database(s.rig.testEnv.DB), config, later)
    expect(deleted.webhook_outbox).toBeGreaterThanOrEqual(2)
    expect(await outbox(s)).toEqual({ written: 0, delivered: 0, dead: 0 })
  })
})

describe('the signature', () => {
  it('is v1,<base64 HMAC-SHA256 of "id.timestamp.body"> under the whsec_ key, with the body {type,timestamp,data}', async (ctx) => {
    const { s } = await world(ctx)
    let seen: { headers: Headers; body: string } | undefined
    s.rig.receivers.set(new URL(webhookVars.WEBHOOK_URL).origin, async (request) => {
      seen = { headers: request.headers, body: await request.text() }
      return new Response(null, { status: 204 })
    })
    await provision(s, 1)
    await drain(s.rig)
    const id = seen!.headers.get('webhook-id')!
    const timestamp = seen!.headers.get('webhook-timestamp')!
    const key = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(atob(webhookVars.WEBHOOK_SECRET.slice('whsec_'.length)), (c) =>
        c.charCodeAt(0),
      ),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    const mac = await crypto.subtle.sign(
      'HMAC',
      key,
      new TextEncoder().encode(`${id}.${timestamp}.${seen!.body}`),
    )
    const expected = `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`
    expect(seen!.headers.get('webhook-signature')).toBe(expected)
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60)
    const body = JSON.parse(seen!.body) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data'])
    expect(body.type).toBe('member.joined')
  })
})
