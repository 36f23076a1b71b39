// One refusal record on every path: the page/JSON handler, SCIM's error answer and the test sign-in's result page.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { injectD1Fault } from './d1-faults'
import { Browser, formPost, publicOrigin, refusalOf, type Rig } from './harness'
import { query } from './rows'
import { scene } from './scene'
import { oktaUser, withToken } from './scim-helpers'

/** Every JSON line written to the console during the test. */
function captureLogs() {
  const lines: Record<string, unknown>[] = []
  const keep = (line: unknown) => {
    if (typeof line === 'string' && line.startsWith('{')) lines.push(JSON.parse(line))
  }
  vi.spyOn(console, 'log').mockImplementation(keep)
  vi.spyOn(console, 'error').mockImplementation(keep)
  return lines
}

/** Event rows cannot be written; everything else runs. */
const failEventWrites = (rig: Rig) =>
  injectD1Fault(rig, (sqls) =>
    sqls.some((sql) => /insert into "events"/i.test(sql)) ? 'reject' : 'run',
  )

afterEach(() => {
  vi.restoreAllMocks()
})

/** The refusal's own log line (its code, reference id) and the failed event write logged under that id. */
function expectRecordedWithoutRow(lines: Record<string, unknown>[], action: string, code: string) {
  const refusal = lines.find((line) => line.event === action && line.code === code)
  expect(refusal, `the ${action} refusal's log line`).toMatchObject({
    referenceId: expect.any(String),
  })
  expect(lines).toContainEqual(
    expect.objectContaining({
      level: 'error',
      event: 'event_write_failed',
      code,
      referenceId: refusal!.referenceId,
      cause: expect.objectContaining({
        message: expect.stringContaining('injected storage failure'),
      }),
    }),
  )
  return refusal!.referenceId as string
}

describe('a refusal whose event row cannot be written', () => {
  it('is still answered and its failed write is logged, on a page and in the admin API', async () => {
    const s = await scene()
    const restore = failEventWrites(s.rig)
    const lines = captureLogs()
    const page = await s.rig.fetch(new Browser(), '/login/password', {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    const json = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/domains`, {
      domain: 'not a domain',
    })
    restore()
    expect(page.status).toBe(403)
    expect(json.status).toBe(400)
    const onPage = await refusalOf(page)
    const inJson = await refusalOf(json)
    expect([onPage.code, inJson.code]).toEqual(['csrf_refused', 'domain_not_allowed'])
    expect(expectRecordedWithoutRow(lines, 'password_login', 'csrf_refused')).toBe(
      onPage.referenceId,
    )
    expect(expectRecordedWithoutRow(lines, 'post_team_domain', 'domain_not_allowed')).toBe(
      inJson.referenceId,
    )
  })

  it('is still answered in SCIM’s error schema, its failed write logged (before: silently dropped)', async () => {
    const s = await scene()
    const issued = await s.rig.admin(
      'POST',
      `/admin/api/sso-connections/${s.team.connectionId}/scim-token`,
    )
    const { token } = (await issued.json()) as { token: string }
    const scim = withToken(s.rig, token)
    const restore = failEventWrites(s.rig)
    const lines = captureLogs()
    const refused = await scim('POST', '/Users', oktaUser('eve@elsewhere.example'))
    restore()
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ scimType: 'invalidValue' })
    const referenceId = expectRecordedWithoutRow(lines, 'scim_post_users', 'invalid_request')
    expect(await query('select * from events where reference_id = ?', referenceId)).toEqual([])
  })

  it('still shows the test sign-in’s result page, its failed write logged (before: a 503 instead)', async () => {
    const s = await scene({ connect: false })
    const minted = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/setup-links`)
    const path = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
    s.rig.idp.addClient({
      client_id: s.team.clientId,
      client_secret: s.team.clientSecret,
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const admin = new Browser()
    const values = { clientId: s.team.clientId, clientSecret: 'a-wrong-secret' }
    const saved = await s.rig.fetch(
      admin,
      `${path}/connection`,
      formPost({ ...values, issuer: s.rig.idp.issuer }),
    )
    expect(saved.status).toBe(303)
    const [draft] = await query<{ id: string }>(
      'select id from sso_connections where team_id = ?',
      s.team.teamId,
    )
    const start = await s.rig.fetch(admin, `${path}/test`, formPost({ connectionId: draft!.id }))
    expect(start.status).toBe(302)
    const callback = s.rig.idp.authorize(start.headers.get('location')!, 'okta-ada')
    const restore = failEventWrites(s.rig)
    const lines = captureLogs()
    const failed = await s.rig.fetch(admin, callback, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    restore()
    expect(failed.status).toBe(400)
    const shown = await refusalOf(failed)
    expect(shown.code).toBe('code_rejected')
    expect(expectRecordedWithoutRow(lines, 'setup_test', 'code_rejected')).toBe(shown.referenceId)
  })
})
