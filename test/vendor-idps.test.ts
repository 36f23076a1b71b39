// The login matrix against each vendor's IdP as documented: tile, email login, JIT join, return, outsider.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, formPost, me, publicOrigin, unique } from './harness'
import { finishLogin } from './logins'
import { query } from './rows'
import { addTeam, connectTeam, scene, type TeamSetup } from './scene'
import { TestIdp } from './idp/provider'
import { entra, google, jumpcloud, oktaCustom, oktaOrg, type Vendor } from './idp/vendors'

const vendors: [string, () => Vendor][] = [
  ['Okta org AS', () => oktaOrg(`https://${unique('org')}.okta.test`)],
  ['Okta custom AS', () => oktaCustom(`https://${unique('org')}.okta.test`)],
  ['Entra v2.0', () => entra(crypto.randomUUID())],
  ['Google Workspace', google],
  ['JumpCloud', jumpcloud],
]

/** A rig whose worker reaches the vendor's IdP, and a team connected to it (its own client there). */
async function vendorScene(ctx: TestContext, vendor: Vendor) {
  const idp = await TestIdp.create({ profile: vendor.profile })
  const s = await scene({ ctx, area: 'Vendor IdPs', idps: [idp], connect: false })
  const team: TeamSetup = {
    ...s.team,
    connectionId: await connectTeam(s.rig, s.team, undefined, idp),
  }
  const person = (local: string) => ({
    sub: unique(`sub-${local}`),
    email: `${local}@${team.domain}`,
    name: `${local} Person`,
  })
  return { ...s, idp, team, person }
}

type VendorScene = Awaited<ReturnType<typeof vendorScene>>

/** Email login from our own sign-in form: /sso/start, the vendor's sign-in, the callback. */
async function emailLogin(s: VendorScene, browser: Browser, sub: string, email: string) {
  const start = await s.rig.fetch(browser, '/sso/start', formPost({ email }))
  expect(start.status, await start.clone().text()).toBe(302)
  const location = start.headers.get('location')!
  return { start, ...(await finishLogin(s.rig, browser, s.idp.authorize(location, sub))) }
}

/** A login from an initiate URI (a dashboard tile, the connection's own URI) through the vendor's sign-in. */
async function initiatedLogin(s: VendorScene, browser: Browser, sub: string, path: string) {
  const initiate = await s.rig.fetch(browser, path, { headers: { 'sec-fetch-site': 'cross-site' } })
  expect(initiate.status, await initiate.clone().text()).toBe(302)
  const callbackUrl = s.idp.authorize(initiate.headers.get('location')!, sub)
  return { initiate, ...(await finishLogin(s.rig, browser, callbackUrl)) }
}

/** The tile's `iss`: the issuer, or for an Okta custom authorization server the org. */
const tileIss = (vendor: Vendor) => {
  const { issuer } = vendor.profile
  return issuer.includes('/oauth2/') ? new URL(issuer).origin : issuer
}

async function rowsOf(email: string) {
  return query<{ id: string; team_id: string | null; subject: string | null }>(
    `select u.id, m.team_id, i.subject from users u left join memberships m on m.user_id = u.id
     left join identities i on i.user_id = u.id where u.email = ?`,
    email,
  )
}

describe.each(vendors)('%s', (_label, make) => {
  it('email login joins the team just in time, a returning login finds the same account', async (ctx) => {
    const vendor = make()
    const s = await vendorScene(ctx, vendor)
    const kim = s.person('kim')
    s.idp.addUser(vendor.user(kim))
    const first = await emailLogin(s, new Browser(), kim.sub, kim.email)
    expect(new URL(first.start.headers.get('location')!).searchParams.get('client_id')).toBe(
      s.team.clientId,
    )
    expect([first.callback.status, first.callback.headers.get('location')]).toEqual([
      302,
      `${publicOrigin}/app`,
    ])
    const joined = await rowsOf(kim.email)
    expect(joined).toEqual([{ id: expect.any(String), team_id: s.team.teamId, subject: kim.sub }])
    s.tally.accepted()

    const browser = new Browser()
    const again = await emailLogin(s, browser, kim.sub, kim.email)
    expect(again.callback.status).toBe(302)
    const body = (await (await me(s.rig, browser)).json()) as any
    expect([body.user.id, body.user.email, body.team.id, body.authMethod]).toEqual([
      joined[0]!.id,
      kim.email,
      s.team.teamId,
      'sso',
    ])
    expect(await rowsOf(kim.email)).toEqual(joined)
    s.tally.accepted()
  })

  it('refuses an outsider (a verified email outside the team’s domains) and writes nothing', async (ctx) => {
    const vendor = make()
    const s = await vendorScene(ctx, vendor)
    const out = { sub: unique('sub-out'), email: `out@${unique('other')}.example`, name: 'Out' }
    s.idp.addUser(vendor.outsider(out, s.team.domain))
    await s.tally.baseline()
    const browser = new Browser()
    const path = `/sso/initiate/${s.team.connectionId}`
    const { callback } = await initiatedLogin(s, browser, out.sub, path)
    await s.tally.refused(callback, { status: 403, code: 'domain_not_allowed' })
    expect((await me(s.rig, browser)).status).toBe(401)
    expect(await query('select id from users where email = ?', out.email)).toEqual([])
  })

  it('signs in from the vendor’s dashboard where it has one (its `iss` on both initiate URIs), else from the connection’s own URI', async (ctx) => {
    const vendor = make()
    const s = await vendorScene(ctx, vendor)
    const iss = encodeURIComponent(tileIss(vendor))
    const paths = vendor.tiles
      ? [`/sso/initiate?iss=${iss}`, `/sso/initiate/${s.team.connectionId}?iss=${iss}`]
      : [`/sso/initiate/${s.team.connectionId}`]
    for (const [i, path] of paths.entries()) {
      const lee = s.person(`lee${i}`)
      s.idp.addUser(vendor.user(lee))
      const browser = new Browser()
      const { initiate, callback } = await initiatedLogin(s, browser, lee.sub, path)
      expect(new URL(initiate.headers.get('location')!).searchParams.get('client_id')).toBe(
        s.team.clientId,
      )
      expect(callback.status).toBe(303)
      expect(await rowsOf(lee.email)).toEqual([
        { id: expect.any(String), team_id: s.team.teamId, subject: lee.sub },
      ])
      s.tally.accepted()
    }
  })
})

describe('shared issuers', () => {
  for (const [label, make] of [
    ['Google', google],
    ['JumpCloud', jumpcloud],
  ] as const)
    it(`${label}: two teams on one issuer; the bare initiate URI shows the work-email form, /sso/start routes by domain`, async (ctx) => {
      const vendor = make()
      const s = await vendorScene(ctx, vendor)
      const other = await addTeam(s.rig, { connect: false })
      const second = { ...other, connectionId: await connectTeam(s.rig, other, undefined, s.idp) }
      const form = await s.rig.fetch(
        new Browser(),
        `/sso/initiate?iss=${encodeURIComponent(vendor.profile.issuer)}&login_hint=x%40y.example`,
        { headers: { 'sec-fetch-site': 'cross-site' } },
      )
      expect(form.status).toBe(200)
      const page = await form.text()
      expect(page).toContain('action="/sso/start"')
      expect(page).toContain('value="x@y.example"')
      for (const team of [s.team, second]) {
        const person = { sub: unique('sub'), email: `ann@${team.domain}`, name: 'Ann' }
        s.idp.addUser(vendor.user(person))
        const browser = new Browser()
        const { start, callback } = await emailLogin(s, browser, person.sub, person.email)
        expect(new URL(start.headers.get('location')!).searchParams.get('client_id')).toBe(
          team.clientId,
        )
        expect(callback.status).toBe(302)
        const body = (await (await me(s.rig, browser)).json()) as any
        expect([body.user.email, body.team.id]).toEqual([person.email, team.teamId])
      }
      s.tally.accepted()
    })
})

describe('what the IdP says about the email', () => {
  it('email_verified false inside the team’s verified domains signs in; outside them it is refused, writing nothing', async (ctx) => {
    const s = await vendorScene(ctx, oktaOrg(`https://${unique('org')}.okta.test`))
    const pat = s.person('pat')
    s.idp.addUser({ ...pat, email_verified: false })
    const { callback } = await emailLogin(s, new Browser(), pat.sub, pat.email)
    expect(callback.status).toBe(302)
    expect(await rowsOf(pat.email)).toEqual([
      { id: expect.any(String), team_id: s.team.teamId, subject: pat.sub },
    ])
    s.tally.accepted()

    const out = { sub: unique('sub'), email: `out@${unique('x')}.example`, email_verified: false }
    s.idp.addUser(out)
    await s.tally.baseline()
    const path = `/sso/initiate/${s.team.connectionId}`
    const refused = await initiatedLogin(s, new Browser(), out.sub, path)
    await s.tally.refused(refused.callback, { status: 403, code: 'email_unverified' })
  })

  it('Google: an `hd` that is not the email’s domain is refused (hosted_domain_mismatch inside the team’s domains), writing nothing', async (ctx) => {
    const s = await vendorScene(ctx, google())
    const sam = s.person('sam')
    s.idp.addUser({ ...google().user(sam), hd: `${unique('other')}.example` })
    await s.tally.baseline()
    const path = `/sso/initiate/${s.team.connectionId}`
    const { callback } = await initiatedLogin(s, new Browser(), sam.sub, path)
    await s.tally.refused(callback, { status: 403, code: 'hosted_domain_mismatch' })
  })
})

describe('setting a vendor IdP up', () => {
  it('a second team saves Google’s issuer on its setup page while another team is active on it; the page says what to enter per IdP', async (ctx) => {
    const s = await vendorScene(ctx, google())
    const other = await addTeam(s.rig, { connect: false })
    const minted = await s.rig.admin('POST', `/admin/api/teams/${other.teamId}/setup-links`)
    expect(minted.status).toBe(201)
    const path = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
    const admin = new Browser()
    const page = await (await s.rig.fetch(admin, path)).text()
    expect(page).toContain('data-testid="idp-hints"')
    for (const idp of ['Okta', 'Microsoft Entra ID', 'Google Workspace', 'JumpCloud'])
      expect(page).toContain(`<dt>${idp}</dt>`)
    const saved = await s.rig.fetch(
      admin,
      `${path}/connection`,
      formPost({
        clientId: other.clientId,
        clientSecret: other.clientSecret,
        issuer: 'https://accounts.google.com/.well-known/openid-configuration',
      }),
    )
    expect(saved.status, await saved.clone().text()).toBe(303)
    expect(
      await query(
        'select team_id, issuer, status from sso_connections where team_id in (?, ?) order by status',
        s.team.teamId,
        other.teamId,
      ),
    ).toEqual([
      { team_id: s.team.teamId, issuer: 'https://accounts.google.com', status: 'active' },
      { team_id: other.teamId, issuer: 'https://accounts.google.com', status: 'draft' },
    ])
    s.tally.accepted()
  })

  it('refuses Entra’s multi-tenant aliases, naming the tenant issuer to use, and saves nothing', async (ctx) => {
    const s = await vendorScene(ctx, entra(crypto.randomUUID()))
    const other = await addTeam(s.rig, { connect: false })
    for (const alias of ['common', 'organizations']) {
      const refused = await s.rig.admin('POST', '/admin/api/sso-connections', {
        ownerEmail: other.ownerEmail,
        clientId: other.clientId,
        clientSecret: other.clientSecret,
        issuer: `https://login.microsoftonline.com/${alias}/v2.0`,
      })
      const { body } = await s.tally.refused(refused, { status: 400, code: 'issuer_mismatch' })
      expect(body).toContain('https://login.microsoftonline.com/<your tenant ID>/v2.0')
    }
    expect(await query('select id from sso_connections where team_id = ?', other.teamId)).toEqual(
      [],
    )
  })
})
