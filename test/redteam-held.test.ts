// Red team: attacks that held (kept as checks beside the findings).
import { describe, expect, it } from 'vitest'
import { adminToken, Browser, expectRefusal, formPost, me, publicOrigin, unique } from './harness'
import { query } from './rows'
import { tileLogin } from './logins'
import { addTeam, expectSignedIn, scene } from './scene'
import { patch, scimClient } from './scim-helpers'

async function mintLink(rig: Awaited<ReturnType<typeof scene>>['rig'], teamId: string) {
  const minted = await rig.admin('POST', `/admin/api/teams/${teamId}/setup-links`)
  return ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
}

describe('red team: held', () => {
  it('setup forms refuse cross-site posts (csrf_refused), for a link and for the owner', async () => {
    const s = await scene({ connect: false })
    const link = await mintLink(s.rig, s.team.teamId)
    const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }
    for (const path of [
      `${link}/connection`,
      `${link}/activate`,
      `${link}/test`,
      `${link}/domains`,
    ]) {
      const r = await s.rig.fetch(
        new Browser(),
        path,
        formPost({ connectionId: 'x', domain: 'x.example' }, crossSite),
      )
      await expectRefusal(r, { status: 403, code: 'csrf_refused' })
    }
    // Without the owner's cookie (SameSite=Lax keeps it off a cross-site post) it is 401 before anything.
    const r = await s.rig.fetch(
      new Browser(),
      '/settings/sso/connection',
      formPost({ clientId: 'x' }, crossSite),
    )
    expect(r.status).toBe(401)
  })

  it('console actions refuse a cross-site post even with support’s console cookie attached', async () => {
    const s = await scene()
    const support = new Browser()
    await s.rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }
    for (const [path, fields] of [
      [`/admin/connections/${s.team.connectionId}/enabled`, { enabled: 'false' }],
      [`/admin/teams/${s.team.teamId}/setup-links`, { email: '' }],
      [`/admin/connections/${s.team.connectionId}/scim-token`, {}],
    ] as const) {
      const r = await s.rig.fetch(support, path, formPost(fields, crossSite))
      await expectRefusal(r, { status: 403, code: 'csrf_refused' })
    }
  })

  it('a setup link of team A cannot test or activate team B’s connection, nor verify B’s domain', async () => {
    const s = await scene() // team B: active connection, verified domain
    const teamA = await addTeam(s.rig, { connect: false })
    const linkA = await mintLink(s.rig, teamA.teamId)
    const a = new Browser()
    await expectRefusal(
      await s.rig.fetch(a, `${linkA}/test`, formPost({ connectionId: s.team.connectionId })),
      {
        status: 404,
        code: 'not_found',
      },
    )
    await expectRefusal(
      await s.rig.fetch(a, `${linkA}/activate`, formPost({ connectionId: s.team.connectionId })),
      {
        status: 404,
        code: 'not_found',
      },
    )
    await expectRefusal(
      await s.rig.fetch(a, `${linkA}/domains/${s.team.domain}/verify`, formPost({})),
      {
        status: 404,
        code: 'not_found',
      },
    )
  })

  it('a domain claimed as "Sub.Victim.Example." is stored normalised; proving a subdomain routes nobody of the parent', async () => {
    const s = await scene({ connect: false })
    const link = await mintLink(s.rig, s.team.teamId)
    const parent = `${unique('victim')}.example`
    expect(
      (
        await s.rig.fetch(
          new Browser(),
          `${link}/domains`,
          formPost({ domain: `Sub.${parent.toUpperCase()}.` }),
        )
      ).status,
    ).toBe(303)
    const [row] = await query<{ domain: string; verification_token: string }>(
      'select domain, verification_token from team_domains where team_id = ? and verified = 0',
      s.team.teamId,
    )
    expect(row!.domain).toBe(`sub.${parent}`)
    s.rig.dns.set(`_edge-sso.sub.${parent}`, [`edge-sso-verify=${row!.verification_token}`])
    expect(
      (await s.rig.fetch(new Browser(), `${link}/domains/sub.${parent}/verify`, formPost({})))
        .status,
    ).toBe(303)
    const start = await s.rig.fetch(
      new Browser(),
      '/sso/start',
      formPost({ email: `ceo@${parent}` }),
    )
    expect(start.status).toBe(404) // no_sso_for_domain: the parent is not covered by the subdomain
  })

  it('SCIM deactivation is not outlived by a session row written late (the recheck reads the SCIM status)', async () => {
    const s = await scene()
    const browser = await expectSignedIn(s)
    const scim = await scimClient(s.rig, s.team.connectionId)
    const list = (await (
      await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${s.email}"`)}`)
    ).json()) as any
    const id = list.Resources[0].id as string
    expect(
      (await scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: false })))
        .status,
    ).toBe(200)
    // A row inserted live after the deactivation (as a late write-behind would) does not help.
    await query('update sessions set revoked_at = null where user_id = ?', id)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
  })

  it('a second Okta subject asserting a member’s email at the same connection is identity_conflict', async () => {
    const s = await scene()
    await expectSignedIn(s)
    s.rig.idp.addUser({ sub: 'okta-ada-2', email: s.email, email_verified: true })
    const { callback } = await tileLogin(s.rig, new Browser(), 'okta-ada-2')
    expect(callback.status).toBe(403)
  })
})
