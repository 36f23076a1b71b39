// Retention: the cron trigger deletes expired sessions and login states, and events past EVENT_RETENTION_DAYS, in bounded batches.
import { createScheduledController, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../src/index'
import { database } from '../src/db/client'
import { readConfig } from '../src/env'
import { runRetention } from '../src/retention'
import { sessionLifetimeSeconds } from '../src/session/session'
import { unique } from './harness'
import { query } from './rows'
import { expectSignedIn, scene } from './scene'

const dayMs = 86_400_000

/** The cron trigger firing at `atMs`, as the runtime calls the Worker's scheduled handler. */
const cronAt = (atMs: number, workerEnv: Env = env) =>
  worker.scheduled(
    createScheduledController({ scheduledTime: atMs, cron: '17 * * * *' }),
    workerEnv,
  )

const sessionsOf = (userEmail: string) =>
  query<{ id: string }>(
    'select s.id from sessions s join users u on u.id = s.user_id where u.email = ?',
    userEmail,
  )
const eventsOf = (teamId: string) =>
  query<{ at: number }>('select at from events where team_id = ? order by at', teamId)

/** `count` event rows for `teamId`, `ageDays` old at `nowMs`. */
async function oldEvents(teamId: string, count: number, ageDays: number, nowMs: number) {
  for (let i = 0; i < count; i++)
    await env.DB.prepare(
      `insert into events (id, at, kind, action, outcome, team_id, reference_id)
       values (?, ?, 'admin', 'get_teams', 'success', ?, ?)`,
    )
      .bind(unique('ev'), nowMs - ageDays * dayMs - i, teamId, unique('ref'))
      .run()
}

describe('the scheduled retention run', () => {
  it('keeps live sessions and recent events, deletes a session and used login states once expired and events after 90 days', async () => {
    const s = await scene()
    const browser = await expectSignedIn(s)
    const now = Date.now()
    const loginEvents = await eventsOf(s.team.teamId)
    expect(loginEvents.length).toBeGreaterThan(0)

    const usedStates = () =>
      query<{ n: number }>('select count(*) as n from used_login_states').then((r) => r[0]?.n)
    expect(await usedStates()).toBeGreaterThan(0)
    await cronAt(now + 60_000)
    expect(await sessionsOf(s.email)).toHaveLength(1)

    const afterExpiry = now + (sessionLifetimeSeconds + 60) * 1000
    await cronAt(afterExpiry)
    expect(await sessionsOf(s.email)).toEqual([])
    expect(await usedStates()).toBe(0)
    expect(await eventsOf(s.team.teamId)).toEqual(loginEvents)
    s.advance(afterExpiry - now)
    expect((await s.rig.fetch(browser, '/api/me')).status).toBe(401)

    await cronAt(now + 89 * dayMs)
    expect(await eventsOf(s.team.teamId)).toEqual(loginEvents)
    await cronAt(now + 91 * dayMs)
    expect(await eventsOf(s.team.teamId)).toEqual([])
  })

  it('keeps an expired setup link listed as long as events, then deletes it', async () => {
    const s = await scene({ connect: false })
    await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/setup-links`)
    const links = () => query('select id from setup_links where team_id = ?', s.team.teamId)
    const expiry = Date.now() + 7 * dayMs
    await cronAt(expiry + 89 * dayMs)
    expect(await links()).toHaveLength(1)
    await cronAt(expiry + 91 * dayMs)
    expect(await links()).toEqual([])
  })

  it('reads EVENT_RETENTION_DAYS: at 7 days an 8-day-old event goes and a 6-day-old one stays', async () => {
    const teamId = unique('team')
    const now = Date.now()
    await oldEvents(teamId, 1, 8, now)
    await oldEvents(teamId, 1, 6, now)
    await cronAt(now, { ...env, EVENT_RETENTION_DAYS: '7' } as Env)
    expect(await eventsOf(teamId)).toEqual([{ at: now - 6 * dayMs }])
  })

  it('deletes at most batchSize × maxBatches rows a table per run, and the rest at the next run', async () => {
    const teamId = unique('team')
    const now = Date.now()
    await oldEvents(teamId, 25, 100, now)
    const db = database(env.DB)
    const config = readConfig(env, env.PUBLIC_URL)
    const limits = { batchSize: 10, maxBatches: 2 }
    expect(await runRetention(db, config, now, limits)).toMatchObject({ events: 20 })
    expect(await eventsOf(teamId)).toHaveLength(5)
    expect(await runRetention(db, config, now, limits)).toMatchObject({ events: 5 })
    expect(await eventsOf(teamId)).toEqual([])
  })
})
