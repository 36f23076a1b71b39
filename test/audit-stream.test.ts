// A team's audit stream to its SIEM: set by support or the owner, every event row delivered signed, in order.
import { describe, expect, it, type TestContext } from 'vitest'
import { receiverUrlAllowed } from '../src/env'
import { Browser, expectRefusal, formPost } from './harness'
import { lastMailTo } from './mailbox'
import { query } from './rows'
import { scene, type Scene } from './scene'
import { oktaUser, scimClient } from './scim-helpers'
import { drain, Receiver, scheduledRun } from './webhooks'

const siemUrl = 'https://siem.example.test/edge-sso'

async function streamed(ctx: TestContext) {
  const s = await scene({ ctx, area: 'Webhooks' })
  const put = await s.rig.admin('PUT', `/admin/api/teams/${s.team.teamId}/audit-stream`, {
    url: siemUrl,
  })
  expect(put.status).toBe(200)
  expect(put.headers.get('cache-control')).toBe('no-store')
  const { secret } = (await put.json()) as { secret: string }
  const siem = new Receiver(s.rig, secret, siemUrl)
  return { s, siem, secret }
}

/** The team's event ids in the order they were written, after the stream was set (its own event first). */
const teamEventIds = async (s: Scene) =>
  (
    await query<{ id: string }>(
      `select id from events where team_id = ? and rowid >= (select rowid from events where team_id = ? and action = 'put_audit_stream') order by rowid`,
      s.team.teamId,
      s.team.teamId,
    )
  ).map((r) => `evt_${r.id}`)

async function provision(s: Scene, count: number) {
  const scim = await scimClient(s.rig, s.team.connectionId)
  for (let i = 0; i < count; i++)
    expect((await scim('POST', '/Users', oktaUser(`p${i}@${s.team.domain}`))).status).toBe(201)
}

/** The scheduled run wakes streams behind; the queue runs them (each run sends up to 20, then the next). */
async function deliver(s: Scene) {
  await scheduledRun(s.rig)
  return drain(s.rig)
}

describe('audit streams', () => {
  it(
    'support sets one (200 {"secret"} shown once, stored sealed); every event of the team arrives, signed, in order',
    { timeout: 30_000 },
    async (ctx) => {
      const { s, siem, secret } = await streamed(ctx)
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      const [row] = await query<{ secret_sealed: string; url: string }>(
        'select secret_sealed, url from audit_streams where team_id = ?',
        s.team.teamId,
      )
      expect(row!.url).toBe(siemUrl)
      expect(row!.secret_sealed).not.toContain(secret.slice(6))
      await provision(s, 20)
      await deliver(s)
      const expected = await teamEventIds(s)
      // More than one run's worth (20 a run): the stream goes on where the last run stopped.
      expect(expected.length).toBeGreaterThan(20)
      expect([...siem.delivered.keys()]).toEqual(expected)
      expect(siem.attempts).toHaveLength(expected.length)
      const first = siem.delivered.get(expected[0]!)!
      expect(first.type).toBe('audit.event')
      expect(first.data).toMatchObject({ teamId: s.team.teamId, outcome: 'success' })
      // Nothing new, nothing sent.
      await deliver(s)
      expect(siem.attempts).toHaveLength(expected.length)
    },
  )

  it('keeps order under retries: a failed event is sent again before any after it, nothing skipped', async (ctx) => {
    const { s, siem } = await streamed(ctx)
    siem.answer = (n) => (n === 3 || n === 4 ? 'error' : 'ok')
    await provision(s, 6)
    await deliver(s)
    const expected = await teamEventIds(s)
    expect([...siem.delivered.keys()]).toEqual(expected)
    // Attempts in order: the 4th event failed twice and was sent again before the 5th ever was.
    const attempted = siem.attempts.map((a) => a.id)
    expect(attempted).toEqual([
      ...expected.slice(0, 4),
      expected[3],
      expected[3],
      ...expected.slice(4),
    ])
  })

  it('refuses a plain-http URL outside wrangler dev (400 receiver_url_invalid, no row) and stops on DELETE', async (ctx) => {
    const { s, siem } = await streamed(ctx)
    const path = `/admin/api/teams/${s.team.teamId}/audit-stream`
    await expectRefusal(await s.rig.admin('PUT', path, { url: 'http://siem.example.test/x' }), {
      status: 400,
      code: 'receiver_url_invalid',
    })
    const [row] = await query<{ url: string }>(
      'select url from audit_streams where team_id = ?',
      s.team.teamId,
    )
    expect(row!.url).toBe(siemUrl)
    expect((await s.rig.admin('DELETE', path)).status).toBe(204)
    await expectRefusal(await s.rig.admin('DELETE', path), { status: 404, code: 'not_found' })
    await provision(s, 1)
    await deliver(s)
    expect(siem.attempts).toHaveLength(0)
    expect(await query('select * from audit_streams where team_id = ?', s.team.teamId)).toEqual([])
  })

  it('allows http only on loopback while running on loopback (wrangler dev)', () => {
    expect(receiverUrlAllowed('https://siem.example.test/', false)).toBe(true)
    expect(receiverUrlAllowed('http://127.0.0.1:9000/', false)).toBe(false)
    expect(receiverUrlAllowed('http://127.0.0.1:9000/', true)).toBe(true)
    expect(receiverUrlAllowed('http://siem.example.test/', true)).toBe(false)
  })

  it('the owner sets it on /settings/audit: the secret shown once, the URL shown after', async (ctx) => {
    const s = await scene({ ctx, area: 'Webhooks', connect: false })
    const owner = new Browser()
    await s.rig.fetch(owner, '/password/forgot', formPost({ email: s.team.ownerEmail }))
    const reset = lastMailTo(s.rig, s.team.ownerEmail).text.match(/\/password\/reset\/[\w-]+/)![0]
    await s.rig.fetch(owner, reset, formPost({ password: 'the owner password' }))
    await s.rig.fetch(
      owner,
      '/login/password',
      formPost({ email: s.team.ownerEmail, password: 'the owner password' }),
    )
    const set = await s.rig.fetch(owner, '/settings/audit', formPost({ url: siemUrl }))
    expect(set.status).toBe(200)
    const page = await set.text()
    const secret = /<code>(whsec_[^<]+)<\/code>/.exec(page)![1]!
    const siem = new Receiver(s.rig, secret, siemUrl)
    const again = await (await s.rig.fetch(owner, '/settings/audit')).text()
    expect([again.includes(siemUrl), again.includes(secret)]).toEqual([true, false])
    await deliver(s)
    expect([...siem.delivered.values()].map((d) => d.data.kind)).toContain('admin')
    // Someone else signed in is not the owner.
    const stranger = await s.rig.fetch(new Browser(), '/settings/audit')
    await expectRefusal(stranger, { status: 401, code: 'unauthorized' })
    const stop = await s.rig.fetch(owner, '/settings/audit/delete', formPost({}))
    expect(stop.status).toBe(303)
    expect(await query('select * from audit_streams where team_id = ?', s.team.teamId)).toEqual([])
  })
})
