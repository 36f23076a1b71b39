// Regression tests for the security review of d273349 (R1's linking half, R13): linking by email across a
// team's connections, the domain proof it needs, the mails it sends, and an IdP email that is not one address.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, formPost, me, publicOrigin, unique } from './harness'
import { query } from './rows'
import { register, tileLogin } from './logins'
import { TestIdp } from './idp/provider'
import { connectTeam, scene, sub } from './scene'

const area = 'Account linking'

const identitiesOf = async (email: string) =>
  query<{ connection_id: string }>(
    'select i.connection_id from identities i join users u on u.id = i.user_id where u.email = ? order by i.connection_id',
    email,
  )

/** The scene's team with a second connection (another Okta org, made by support). */
async function twoConnections(ctx: TestContext) {
  const other = await TestIdp.create({ issuer: `https://${unique('acquired')}.okta.test` })
  const s = await scene({ ctx, area, idps: [other] })
  const second = { ...s.team, clientId: unique('client'), clientSecret: unique('secret-') }
  const secondId = await connectTeam(s.rig, second, undefined, other)
  return { ...s, other, secondId }
}

/** A login at the connection's own initiate URI through `idp`. */
async function loginAt(
  s: Awaited<ReturnType<typeof twoConnections>>,
  person: string,
  browser = new Browser(),
) {
  const initiate = await s.rig.fetch(browser, `/sso/initiate/${s.secondId}`, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  expect(initiate.status).toBe(302)
  const callback = await s.rig.fetch(
    browser,
    s.other.authorize(initiate.headers.get('location')!, person),
    { headers: { 'sec-fetch-site': 'cross-site' } },
  )
  return { browser, callback }
}

describe('linking across a team’s connections', () => {
  it('a member linked at one connection is refused identity_conflict by email at another connection of the team', async (ctx) => {
    // Before: identity_conflict was per connection, so the second connection linked the member by email and
    // signed its IdP's user in as them (a second IdP of the team took over every account).
    const s = await twoConnections(ctx)
    const ada = new Browser()
    expect((await tileLogin(s.rig, ada, sub)).callback.status).toBe(303)
    s.other.addUser({ sub: 'someone-else', email: s.email, email_verified: true })
    const mails = s.rig.mails.length
    await s.tally.baseline()
    const { browser, callback } = await loginAt(s, 'someone-else')
    await s.tally.refused(callback, { status: 403, code: 'identity_conflict' })
    expect((await me(s.rig, browser)).status).toBe(401)
    expect((await me(s.rig, ada)).status).toBe(200)
    expect(await identitiesOf(s.email)).toEqual([{ connection_id: s.team.connectionId }])
    expect(s.rig.mails.length).toBe(mails)
  })

  it('linking an existing member by email needs the email’s domain to be a verified domain of the team', async (ctx) => {
    // Before: a member (here the owner) outside the team's verified domains was linked by email with no
    // domain proof, so any IdP of the team signed in as them.
    const s = await scene({ ctx, area, connect: false })
    const ownerEmail = `boss@${unique('unproven')}.example`
    const created = await s.rig.admin('POST', '/admin/api/teams', {
      name: 'Unproven Co',
      ownerEmail,
      domains: [`${unique('proven')}.example`],
    })
    expect(created.status).toBe(201)
    await connectTeam(s.rig, { ownerEmail, clientId: unique('client'), clientSecret: 'secret-1' })
    s.rig.idp.addUser({ sub: 'okta-boss', email: ownerEmail, email_verified: true })
    await s.tally.baseline()
    const browser = new Browser()
    const { callback } = await tileLogin(s.rig, browser, 'okta-boss')
    await s.tally.refused(callback, { status: 403, code: 'domain_not_allowed' })
    expect(await identitiesOf(ownerEmail)).toEqual([])
  })
})

describe('mail when an identity is added to an account', () => {
  it('linking an existing account by email mails the account and the team’s owner', async (ctx) => {
    // Before: an account was linked to an IdP identity (its password cleared, sessions ended) and nobody was told.
    const s = await scene({ ctx, area })
    // Ada registered with a password while the team's SSO was off.
    const path = `/admin/api/sso-connections/${s.team.connectionId}`
    await s.rig.admin('PATCH', path, { enabled: false })
    await register(s.rig, new Browser(), s.email, { password: 'ada password' })
    await s.rig.admin('PATCH', path, { enabled: true })
    const mails = s.rig.mails.length
    const ada = new Browser()
    expect((await tileLogin(s.rig, ada, sub)).callback.status).toBe(303)
    expect(await identitiesOf(s.email)).toEqual([{ connection_id: s.team.connectionId }])
    const sent = s.rig.mails.slice(mails)
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      [s.email, 'A new sign-in was added to your account'],
      [s.team.ownerEmail, `A sign-in was added to ${s.email} in Team ${s.team.domain}`],
    ])
    for (const mail of sent) {
      expect(mail.text).toContain(s.rig.idp.issuer)
      expect(mail.text).not.toMatch(/secret|token/i)
    }
    s.tally.accepted()
  })

  it('a just-in-time account (its first and only identity) and a returning member send no mail', async (ctx) => {
    const s = await scene({ ctx, area })
    const mails = s.rig.mails.length
    expect((await tileLogin(s.rig, new Browser(), sub)).callback.status).toBe(303)
    expect((await tileLogin(s.rig, new Browser(), sub)).callback.status).toBe(303)
    expect(s.rig.mails.slice(mails)).toEqual([])
    s.tally.accepted()
  })

  it('the owner linked by email gets one mail, not two', async (ctx) => {
    const s = await scene({ ctx, area })
    s.rig.idp.addUser({ sub: 'okta-owner', email: s.team.ownerEmail, email_verified: true })
    const mails = s.rig.mails.length
    expect((await tileLogin(s.rig, new Browser(), 'okta-owner')).callback.status).toBe(303)
    expect(s.rig.mails.slice(mails).map((m) => m.to)).toEqual([s.team.ownerEmail])
    s.tally.accepted()
  })
})

describe('R13: an IdP email must be exactly one address', () => {
  it('R13: "ceo@victim.example@<team domain>" is refused email_invalid, writing nothing but the event row', async (ctx) => {
    // Before: the domain check read the last "@", so this string became an account of the team, and
    // /api/me handed it to the host app (which may read the part after the first "@").
    const s = await scene({ ctx, area })
    const weird = `ceo@victim.example@${s.team.domain}`
    s.rig.idp.addUser({ sub: 'weird', email: weird, email_verified: true })
    await s.tally.baseline()
    const browser = new Browser()
    const { callback } = await tileLogin(s.rig, browser, 'weird')
    await s.tally.refused(callback, { status: 403, code: 'email_invalid' })
    expect((await me(s.rig, browser)).status).toBe(401)
    expect(await query('select id from users where email = ?', weird)).toEqual([])
    expect(await query('select email from events where email = ?', weird)).toHaveLength(1)
  })

  it('R13: the test sign-in says the same (email_invalid) and marks nothing tested', async (ctx) => {
    const s = await scene({ ctx, area, connect: false })
    const minted = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/setup-links`)
    const link = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
    s.rig.idp.addClient({
      client_id: s.team.clientId,
      client_secret: s.team.clientSecret,
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const admin = new Browser()
    await s.rig.fetch(
      admin,
      `${link}/connection`,
      formPost({
        clientId: s.team.clientId,
        clientSecret: s.team.clientSecret,
        issuer: s.rig.idp.issuer,
      }),
    )
    const [draft] = await query<{ id: string }>(
      'select id from sso_connections where team_id = ?',
      s.team.teamId,
    )
    s.rig.idp.addUser({ sub: 'weird', email: `a@b.example@${s.team.domain}`, email_verified: true })
    const start = await s.rig.fetch(admin, `${link}/test`, formPost({ connectionId: draft!.id }))
    const page = await (
      await s.rig.fetch(admin, s.rig.idp.authorize(start.headers.get('location')!, 'weird'))
    ).text()
    expect(page).toContain('data-testid="refusal-code">email_invalid<')
    const [row] = await query<{ tested_at: number | null }>(
      'select tested_at from sso_connections where id = ?',
      draft!.id,
    )
    expect(row!.tested_at).toBeNull()
    s.tally.countRefused()
  })
})
