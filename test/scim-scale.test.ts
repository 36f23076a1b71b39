// SCIM at scale (interop finding 9, issue 20 item 5): group changes cost D1 statements per member changed, never per member held.
import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { query } from './rows'
import { type Scene, scene } from './scene'
import { body, groupSchema, oktaUser, patch, type Scim, scimClient } from './scim-helpers'
import { statementsOf, statementsSeen } from './statements'

/**
 * `count` members of the team, provisioned by SCIM, in one group: written straight to D1 in four statements
 * (a recursive series), as scripts/seed-scale.mjs seeds in bulk.
 */
async function seedGroup(s: Scene, scim: Scim, count: number) {
  const group = await body(
    await scim('POST', '/Groups', { schemas: [groupSchema], displayName: `Everyone ${count}` }),
  )
  const prefix = `${group.id}-`
  const series = `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})`
  await env.DB.batch([
    env.DB.prepare(
      `${series} insert into users (id, email, email_verified) select ? || i, 'm' || i || '.' || ? || '@' || ?, 1 from n`,
    ).bind(prefix, group.id.toLowerCase(), s.team.domain),
    env.DB.prepare(
      `insert into memberships (user_id, team_id, role, permission) select id, ?, 'member', 'private' from users where id like ? || '%'`,
    ).bind(s.team.teamId, prefix),
    env.DB.prepare(
      `insert into scim_users (team_id, user_id, status, user_name, updated_at) select ?, id, 'active', email, 0 from users where id like ? || '%'`,
    ).bind(s.team.teamId, prefix),
    env.DB.prepare(
      `insert into scim_group_members (group_id, user_id) select ?, id from users where id like ? || '%'`,
    ).bind(group.id, prefix),
  ])
  return group.id as string
}

const memberCount = async (groupId: string) =>
  (
    await query<{ n: number }>(
      'select count(*) as n from scim_group_members where group_id = ?',
      groupId,
    )
  )[0]!.n

/** What each request costs in D1 statements on a group of `size` members. */
async function costs(s: Scene, scim: Scim, size: number) {
  const groupId = await seedGroup(s, scim, size)
  const email = `new.${groupId.toLowerCase()}@${s.team.domain}`
  let userId = ''
  const provision = await statementsOf(async () => {
    userId = (await body(await scim('POST', '/Users', oktaUser(email)))).id
  })
  const lookup = await statementsOf(() =>
    scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`),
  )
  const add = await statementsOf(async () => {
    const answer = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'add', path: 'members', value: [{ value: userId }] }),
    )
    expect(answer.status).toBe(204)
  })
  expect(await memberCount(groupId)).toBe(size + 1)
  const slim = await statementsOf(async () => {
    const group = await body(await scim('GET', `/Groups/${groupId}?excludedAttributes=members`))
    expect(group.members).toBeUndefined()
  })
  const remove = await statementsOf(async () => {
    const answer = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'remove', path: `members[value eq "${userId}"]` }),
    )
    expect(answer.status).toBe(204)
  })
  expect(await memberCount(groupId)).toBe(size)
  expect(
    await query(
      'select 1 from scim_group_members where group_id = ? and user_id = ?',
      groupId,
      userId,
    ),
  ).toEqual([])
  return { provision, lookup, add, slim, remove }
}

describe('a 10,000-member group', () => {
  let s: Scene
  let scim: Scim
  let small: Awaited<ReturnType<typeof costs>>
  let large: Awaited<ReturnType<typeof costs>>

  beforeAll(async () => {
    s = await scene()
    scim = await scimClient(s.rig, s.team.connectionId)
    small = await costs(s, scim, 100)
    large = await costs(s, scim, 10_000)
  }, 120_000)

  it('adds or removes one member in the bearer-token lookup plus 3 statements (group row, member row, event), as at 100 members', () => {
    for (const change of [large.add, large.remove]) {
      expect(change.count).toBeLessThanOrEqual(4)
      expect(change.sql[0]).toMatch(/from "sso_connections"/)
      expect(change.sql.slice(1).filter((sql) => sql.includes('scim_group_members'))).toHaveLength(
        1,
      )
    }
    expect([large.add.count, large.remove.count]).toEqual([small.add.count, small.remove.count])
  })

  it('reads no member row for GET /Groups/:id?excludedAttributes=members (3 statements at any size)', () => {
    expect(large.slim.sql.filter((sql) => sql.includes('scim_group_members'))).toEqual([])
    expect(large.slim.count).toBeLessThanOrEqual(3)
    expect(large.slim.count).toBe(small.slim.count)
  })

  it('keeps an initial sync’s requests (GET by filter, then POST) far under D1’s 50 queries per invocation', () => {
    expect(large.lookup.count).toBeLessThanOrEqual(3)
    expect(large.provision.count).toBeLessThanOrEqual(12)
    expect([large.lookup.count, large.provision.count]).toEqual([
      small.lookup.count,
      small.provision.count,
    ])
  })

  // A PUT carries every member, so the 64 KB body limit caps it near 1,800 members: 1,000 here.
  it('writes only the members a PUT changes, in statements per 90 members changed', async () => {
    const groupId = await seedGroup(s, scim, 1_000)
    const current = await query<{ user_id: string }>(
      'select user_id from scim_group_members where group_id = ?',
      groupId,
    )
    const kept = current.slice(1).map((m) => ({ value: m.user_id }))
    const put = await statementsOf(async () => {
      const answer = await scim('PUT', `/Groups/${groupId}`, {
        schemas: [groupSchema],
        displayName: 'Everyone, renamed',
        members: kept,
      })
      expect(answer.status).toBe(200)
    })
    expect(await memberCount(groupId)).toBe(999)
    const writes = put.sql.filter(
      (sql) => /^(insert|delete)/i.test(sql) && sql.includes('scim_group_members'),
    )
    expect(writes).toHaveLength(1)
  }, 60_000)

  it('sends no statement that scans a table growing with users or members (EXPLAIN QUERY PLAN)', async () => {
    const big = [
      'users',
      'memberships',
      'identities',
      'sessions',
      'events',
      'scim_users',
      'scim_group_members',
    ]
    const fullScan = new RegExp(
      `^SCAN (${big.join('|')})\\b(?!.*USING (COVERING )?INDEX)|^SCAN (${big.join('|')})$`,
    )
    const scans: { sql: string; steps: string[] }[] = []
    for (const [sql, params] of statementsSeen) {
      const { results } = await env.DB.prepare(`explain query plan ${sql}`)
        .bind(...params)
        .all<{ detail: string }>()
      const steps = results.map((r) => r.detail)
      if (steps.some((step) => fullScan.test(step))) scans.push({ sql, steps })
    }
    expect(scans).toEqual([])
    expect([...statementsSeen.keys()].some((sql) => sql.includes('lower(user_name)'))).toBe(true)
  })
})
