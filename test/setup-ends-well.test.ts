// Setup that ends well: the live connection with its Okta settings, a disabled button that says why, SCIM self-serve.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, expectRefusal, formPost, publicOrigin } from './harness'
import { tileLogin } from './logins'
import { query } from './rows'
import { scene, sub, type Scene } from './scene'
import { withToken } from './scim-helpers'

const testIdOf = (html: string, id: string) =>
  new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]

/** The team's owner signed in by SSO at the support-made connection (the IdP knows them as `okta-owner`). */
async function ownerBySso(s: Scene) {
  s.rig.idp.addUser({ sub: 'okta-owner', email: s.team.ownerEmail, email_verified: true })
  const owner = new Browser()
  const { callback } = await tileLogin(s.rig, owner, 'okta-owner')
  expect(callback.status).toBeLessThan(400)
  return owner
}

/** A setup link for a team support made without a connection, with the IdP client its Okta admin made. */
async function linkScene(ctx: TestContext) {
  const s = await scene({ connect: false, ctx, area: 'setup' })
  const minted = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/setup-links`)
  const { url } = (await minted.json()) as { url: string }
  s.rig.idp.addClient({
    client_id: s.team.clientId,
    client_secret: s.team.clientSecret,
    redirect_uri: `${publicOrigin}/sso/callback`,
  })
  const admin = new Browser()
  const path = url.slice(publicOrigin.length)
  const saved = await s.rig.fetch(
    admin,
    `${path}/connection`,
    formPost({
      clientId: s.team.clientId,
      clientSecret: s.team.clientSecret,
      issuer: s.rig.idp.issuer,
    }),
  )
  expect(saved.status).toBe(303)
  const [draft] = await query<{ id: string }>(
    'select id from sso_connections where team_id = ?',
    s.team.teamId,
  )
  return { ...s, admin, path, draftId: draft!.id }
}

const tokenHash = async (connectionId: string) =>
  (
    await query<{ scim_token_hash: string | null }>(
      'select scim_token_hash from sso_connections where id = ?',
      connectionId,
    )
  )[0]!.scim_token_hash

describe('a setup that ends well', () => {
  it('/settings/sso shows a support-made connection live: its Okta settings and what to do next, no steps to redo', async (ctx) => {
    const s = await scene({ ctx, area: 'setup' })
    const owner = await ownerBySso(s)
    const page = await s.rig.fetch(owner, '/settings/sso')
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(testIdOf(html, 'live-state')).toMatch(/^Single sign-on is on/)
    const id = s.team.connectionId
    expect(testIdOf(html, `initiate-${id}`)).toBe(`${publicOrigin}/sso/initiate/${id}`)
    expect(testIdOf(html, `scim-base-${id}`)).toBe(`${publicOrigin}/scim/v2`)
    expect(testIdOf(html, `logout-${id}`)).toBe(`${publicOrigin}/sso/universal-logout/${id}`)
    expect(html).toContain('data-testid="next-steps"')
    expect(html).not.toContain('No successful test sign-in')
    // The steps wait, folded, for another connection: nothing tells the owner to start over.
    expect(html).toContain('data-testid="another-connection"')
    expect(html).not.toContain('Save the values in step 2 first.</p></li></ol></main>')
  })

  it('an untested draft’s “Turn single sign-on on” is disabled and says why', async (ctx) => {
    const s = await linkScene(ctx)
    const html = await (await s.rig.fetch(s.admin, s.path)).text()
    expect(html).toMatch(
      /<button type="submit" disabled="" aria-describedby="activate-why-[\w-]+">Turn single sign-on on/,
    )
    expect(testIdOf(html, 'activate-why')).toMatch(/once a test sign-in passes/)
  })

  it('activation through the link ends on a page with the live connection’s Okta settings and next steps', async (ctx) => {
    const s = await linkScene(ctx)
    const start = await s.rig.fetch(
      s.admin,
      `${s.path}/test`,
      formPost({ connectionId: s.draftId }),
    )
    const callback = s.rig.idp.authorize(start.headers.get('location')!, sub)
    await s.rig.fetch(s.admin, callback, { headers: { 'sec-fetch-site': 'cross-site' } })
    const done = await s.rig.fetch(
      s.admin,
      `${s.path}/activate`,
      formPost({ connectionId: s.draftId }),
    )
    const html = await done.text()
    expect(done.status).toBe(200)
    expect(testIdOf(html, `initiate-${s.draftId}`)).toBe(
      `${publicOrigin}/sso/initiate/${s.draftId}`,
    )
    expect(testIdOf(html, `scim-base-${s.draftId}`)).toBe(`${publicOrigin}/scim/v2`)
    expect(testIdOf(html, `logout-${s.draftId}`)).toBe(
      `${publicOrigin}/sso/universal-logout/${s.draftId}`,
    )
    expect(testIdOf(html, 'scim-state')).toMatch(/team owner can create one/)
    expect(html).toContain('data-testid="next-steps"')
  })
})

describe('SCIM self-serve', () => {
  it('the owner creates, then replaces, the SCIM token on /settings/sso: shown once under Okta’s names, the old one stops, events as support’s', async (ctx) => {
    const s = await scene({ ctx, area: 'setup' })
    const owner = await ownerBySso(s)
    const id = s.team.connectionId
    expect(await tokenHash(id)).toBeNull()
    const mint = async () => {
      const page = await s.rig.fetch(
        owner,
        '/settings/sso/scim-token',
        formPost({ connectionId: id }),
      )
      expect(page.status).toBe(200)
      expect(page.headers.get('cache-control')).toBe('no-store')
      const html = await page.text()
      for (const name of [
        'SCIM connector base URL (Base URL)',
        'Unique identifier field for users',
        'userName',
        'Authorization: Bearer (API token)',
      ])
        expect(html).toContain(name)
      expect(testIdOf(html, 'scim-base-url')).toBe(`${publicOrigin}/scim/v2`)
      return testIdOf(html, 'scim-token')!
    }
    const first = await mint()
    const firstHash = await tokenHash(id)
    expect(firstHash).not.toBeNull()
    expect(firstHash).not.toContain(first)
    expect((await withToken(s.rig, first)('GET', '/Users')).status).toBe(200)
    const settings = await (await s.rig.fetch(owner, '/settings/sso')).text()
    expect(settings).toContain('Replace the SCIM API token')
    expect(settings).not.toContain(first)

    const second = await mint()
    expect(second).not.toBe(first)
    expect(await tokenHash(id)).not.toBe(firstHash)
    expect((await withToken(s.rig, first)('GET', '/Users')).status).toBe(401)
    expect((await withToken(s.rig, second)('GET', '/Users')).status).toBe(200)
    const events = await query<{ kind: string; email: string; outcome: string }>(
      "select kind, email, outcome from events where team_id = ? and action = 'setup_scim_token'",
      s.team.teamId,
    )
    expect(events).toEqual([
      { kind: 'admin', email: s.team.ownerEmail, outcome: 'success' },
      { kind: 'admin', email: s.team.ownerEmail, outcome: 'success' },
    ])
  })

  it('the setup link creates the SCIM token for its draft (step 3 no longer says “optional”); another team’s connection is a 404 that writes no token', async (ctx) => {
    const s = await linkScene(ctx)
    const html = await (await s.rig.fetch(s.admin, s.path)).text()
    expect(html).toContain('Create the SCIM API token')
    expect(html).not.toContain('SCIM connector base URL (optional)')
    const page = await s.rig.fetch(
      s.admin,
      `${s.path}/scim-token`,
      formPost({ connectionId: s.draftId }),
    )
    const token = testIdOf(await page.text(), 'scim-token')!
    expect(await tokenHash(s.draftId)).not.toBeNull()
    expect(token).toMatch(/^[\w-]{20,}$/)

    const other = await scene()
    await expectRefusal(
      await s.rig.fetch(
        s.admin,
        `${s.path}/scim-token`,
        formPost({ connectionId: other.team.connectionId }),
      ),
      { status: 404, code: 'not_found' },
    )
    expect(await tokenHash(other.team.connectionId)).toBeNull()
  })
})
