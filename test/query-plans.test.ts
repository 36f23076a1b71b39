// Every query the product sends uses an index: the flows run, each recorded statement is EXPLAINed, no full scan of a big table.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { database } from '../src/db/client'
import { readConfig } from '../src/env'
import { runRetention } from '../src/retention'
import { adminToken, Browser, formPost, jsonPost, me, publicOrigin } from './harness'
import { tileLogin } from './logins'
import { expectSignedIn, initiatePath, scene, sub } from './scene'
import { statementsSeen } from './statements'

/** The tables that grow with users: a full scan of one is a query that slows as the product grows. */
const bigTables = ['users', 'memberships', 'identities', 'sessions', 'events']
const fullScan = new RegExp(
  `^SCAN (${bigTables.join('|')})\\b(?!.*USING (COVERING )?INDEX)|^SCAN (${bigTables.join('|')})$`,
)

const json = (r: Response) => r.json() as Promise<any>

/** Every route that reads or writes D1, each way through it that issues a different statement. */
async function runTheProduct() {
  const s = await scene()
  const { rig, team } = s
  const browser = await expectSignedIn(s)
  await expectSignedIn(s)
  s.advance(10 * 60_000)
  expect((await me(rig, browser)).status).toBe(200)
  await rig.fetch(browser, '/logout', formPost({}))
  await rig.fetch(new Browser(), `/sso/initiate/${team.connectionId}`, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  await rig.fetch(new Browser(), '/sso/start', formPost({ email: s.email }))
  await tileLogin(rig, new Browser(), sub, `${initiatePath(s)}x`)

  const person = new Browser()
  const email = `pw@solo.${team.domain}`
  await rig.fetch(person, '/register', formPost({ email, password: 'a good password' }))
  await rig.fetch(new Browser(), '/login/password', formPost({ email, password: 'wrong one' }))
  await rig.fetch(person, '/login/password', formPost({ email, password: 'a good password' }))
  await rig.fetch(person, '/app')
  await rig.fetch(person, '/api/team', jsonPost({ name: 'Solo', defaultPermission: 'private' }))

  const teams = await json(await rig.admin('GET', '/admin/api/teams?limit=1'))
  await rig.admin('GET', `/admin/api/teams?limit=1&cursor=${teams.nextCursor}`)
  await rig.admin('GET', `/admin/api/teams/${team.teamId}`)
  await rig.admin('GET', `/admin/api/teams/${team.teamId}/members?limit=1`)
  const members = await json(
    await rig.admin('GET', `/admin/api/teams/${team.teamId}/members?limit=1`),
  )
  await rig.admin('GET', `/admin/api/teams/${team.teamId}/members?cursor=${members.nextCursor}`)
  await rig.admin('GET', `/admin/api/users?email=${encodeURIComponent(s.email)}`)
  const events = await json(await rig.admin('GET', '/admin/api/events?limit=2'))
  await rig.admin('GET', `/admin/api/events?limit=2&cursor=${events.nextCursor}`)
  await rig.admin('GET', `/admin/api/events?teamId=${team.teamId}&limit=2`)
  await rig.admin('GET', `/admin/api/events?teamId=${team.teamId}&cursor=${events.nextCursor}`)
  await rig.admin('GET', `/admin/api/sso-connections/${team.connectionId}`)
  await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: true })

  const support = new Browser()
  await rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
  await rig.fetch(support, `/admin?email=${encodeURIComponent(s.email)}`)
  await rig.fetch(support, `/admin?done=team_created&id=${team.teamId}`)
  await rig.fetch(support, `/admin?teams=${teams.nextCursor}&events=${events.nextCursor}`)
  await rig.fetch(support, `/admin?team=${team.teamId}&members=${members.nextCursor}`)

  await rig.admin('DELETE', `/admin/api/sso-connections/${team.connectionId}`)
  await runRetention(database(rig.testEnv.DB), readConfig(env, publicOrigin), Date.now(), {
    batchSize: 10,
    maxBatches: 1,
  })
}

describe('query plans', () => {
  it('no statement the product sends scans users, memberships, identities, sessions or events', async () => {
    await runTheProduct()
    const plans: { sql: string; steps: string[] }[] = []
    for (const [sql, params] of statementsSeen) {
      const { results } = await env.DB.prepare(`explain query plan ${sql}`)
        .bind(...params)
        .all<{ detail: string }>()
      plans.push({ sql, steps: results.map((r) => r.detail) })
    }
    const scans = plans.filter((p) => p.steps.some((step) => fullScan.test(step)))
    expect(scans).toEqual([])
    expect(plans.length).toBeGreaterThan(40)
    expect([...statementsSeen.keys()].some((sql) => sql.startsWith('delete from "events"'))).toBe(
      true,
    )
  })

  it('the check itself: a lookup by an unindexed column is caught, an index walk is not', async () => {
    const plan = async (sql: string) =>
      (await env.DB.prepare(`explain query plan ${sql}`).all<{ detail: string }>()).results.map(
        (r) => r.detail,
      )
    const unindexed = await plan("select * from events where email = 'a@b.example'")
    const walk = await plan('select * from events order by at desc, id desc limit 5')
    expect([unindexed.some((s) => fullScan.test(s)), walk.some((s) => fullScan.test(s))]).toEqual([
      true,
      false,
    ])
  })
})
