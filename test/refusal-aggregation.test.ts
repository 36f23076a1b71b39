// Anonymous refusals are counted on one event row per minute, action and code; refusals that concern someone keep their own rows.
import { describe, expect, it, vi } from 'vitest'
import { Browser, formPost, refusalOf, unique } from './harness'
import { query } from './rows'
import { scene } from './scene'

const form = (fields: Record<string, string>) => formPost(fields)

interface EventRow {
  id: string
  error_code: string
  count: number
  reference_id: string
  email: string | null
}

describe('anonymous refusals', () => {
  it(
    '200 anonymous bad requests write at most 4 event rows, not 200',
    { timeout: 60_000 },
    async (ctx) => {
      // Broke before: every anonymous refusal wrote its own row: 200 requests, 200 rows.
      const s = await scene({ ctx, area: 'Refusal aggregation' })
      const startedAt = Date.now()
      const flooder = new Browser()
      const unknownIssuer = `/sso/initiate?iss=${encodeURIComponent(`https://${unique('n')}.okta.test`)}`
      const answers = []
      for (const size of [50, 50, 50, 49])
        answers.push(
          ...(await Promise.all(
            Array.from({ length: size }, () => s.rig.fetch(flooder, unknownIssuer)),
          )),
        )
      answers.push(await s.rig.fetch(flooder, unknownIssuer))
      const statuses = new Set(answers.map((a) => a.status))
      expect([...statuses].every((status) => status === 404 || status === 429)).toBe(true)
      const rows = await query<EventRow>(
        `select * from events where action = 'sso_initiate' and at >= ?
         and error_code in ('unknown_issuer', 'rate_limited')`,
        startedAt,
      )
      // One row per code and minute: 2, or 4 if the minute turned during the flood.
      expect(rows.length).toBeLessThanOrEqual(4)
      expect(rows.reduce((sum, row) => sum + row.count, 0)).toBeGreaterThanOrEqual(200)
      expect(rows.every((row) => row.email === null)).toBe(true)
      const last = await refusalOf(answers.at(-1) ?? new Response())
      expect(
        rows.map((row) => row.reference_id),
        'the latest reference id is on its row',
      ).toContain(last.referenceId)
    },
  )

  it('every refusal’s reference id is in its log line, counted row or not', async (ctx) => {
    const s = await scene({ ctx, area: 'Refusal aggregation' })
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line))
    })
    const referenceIds = []
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await s.rig.fetch(new Browser(), '/sso/initiate')
        referenceIds.push((await refusalOf(answer)).referenceId)
      }
    } finally {
      spy.mockRestore()
    }
    for (const id of referenceIds)
      expect(lines.some((line) => line.includes(`"referenceId":"${id}"`))).toBe(true)
  })
})

describe('refusals that concern someone', () => {
  it('wrong passwords for an existing account keep one row each, with the email', async (ctx) => {
    const s = await scene({ ctx, area: 'Refusal aggregation' })
    const email = `${unique('pw')}@example.org`
    await s.rig.fetch(new Browser(), '/register', form({ email, password: 'the right one' }))
    for (let i = 0; i < 3; i++)
      await s.rig.fetch(new Browser(), '/login/password', form({ email, password: `wrong ${i}` }))
    const rows = await query<EventRow>(
      "select * from events where email = ? and error_code = 'invalid_credentials'",
      email,
    )
    expect(rows.map((row) => row.count)).toEqual([1, 1, 1])
  })

  it('a refusal naming a team keeps its own row', async (ctx) => {
    const s = await scene({ ctx, area: 'Refusal aggregation' })
    await s.rig.admin('PATCH', `/admin/api/sso-connections/${s.team.connectionId}`, {
      enabled: false,
    })
    for (let i = 0; i < 2; i++)
      await s.rig.fetch(new Browser(), `/sso/initiate/${s.team.connectionId}`)
    const rows = await query<EventRow>(
      "select * from events where team_id = ? and error_code = 'connection_disabled'",
      s.team.teamId,
    )
    expect(rows.map((row) => row.count)).toEqual([1, 1])
  })
})
