// Proven domains: verified or pending claims, free-mail refused, DNS proof over a DoH resolver, routing by verified domains only.
import { describe, expect, it } from 'vitest'
import { Browser, type Rig, createRig, formPost, jsonPost, me, unique } from './harness'
import { query } from './rows'
import { register, tileLogin } from './logins'
import { Tally } from './figures'
import { addTeam, connectTeam } from './scene'

interface TeamBody {
  id: string
  domains: string[]
  pendingDomains: { domain: string; dnsName: string; dnsValue: string }[]
}

const teamOf = async (response: Response) => (await response.json()) as TeamBody

/** A person who registers `email`, proves it, and turns on team management (their domain: pending). */
async function selfServiceTeam(rig: Rig, email: string) {
  const browser = new Browser()
  await register(rig, browser, email)
  const created = await rig.fetch(
    browser,
    '/api/team',
    jsonPost({ name: 'Mine', defaultPermission: 'public' }),
  )
  expect(created.status).toBe(201)
  const { team } = (await created.json()) as { team: { id: string } }
  return { browser, teamId: team.id }
}

const countRows = async () =>
  (
    await query<Record<string, number>>(
      'select (select count(*) from users) as users, (select count(*) from memberships) as memberships, (select count(*) from identities) as identities, (select count(*) from team_domains) as domains, (select count(*) from teams) as teams',
    )
  )[0]!

describe('self-service claims are pending', () => {
  it('a self-service team claiming victim.example cannot JIT or link victims through its own IdP, and the victim is not locked out', async (ctx) => {
    // Before: POST /api/team claimed the domain outright, so the attacker's IdP signed in as victim@.
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const victimDomain = `${unique('victim')}.example`
    const attacker = `mallory@${victimDomain}`
    const victim = `victim@${victimDomain}`
    await register(rig, new Browser(), victim, { password: 'victim password 1' })
    const { teamId } = await selfServiceTeam(rig, attacker)
    const team = await teamOf(await rig.admin('GET', `/admin/api/teams/${teamId}`))
    expect(team.domains).toEqual([])
    expect(team.pendingDomains).toEqual([
      {
        domain: victimDomain,
        dnsName: `_edge-sso.${victimDomain}`,
        dnsValue: expect.stringMatching(/^edge-sso-verify=[\w-]{43}$/),
      },
    ])
    await connectTeam(rig, { ownerEmail: attacker, clientId: 'evil', clientSecret: 'evil-secret' })
    rig.idp.addUser({ sub: 'evil-victim', email: victim })
    rig.idp.addUser({ sub: 'evil-new', email: `newhire@${victimDomain}` })
    const before = await countRows()
    for (const sub of ['evil-victim', 'evil-new']) {
      const { callback } = await tileLogin(rig, new Browser(), sub)
      await tally.refused(callback, { status: 403, code: 'domain_not_allowed' })
    }
    expect(await countRows()).toEqual(before)
    // The pending domain routes no email login, and the victim still signs in with a password.
    await tally.refused(await rig.fetch(new Browser(), '/sso/start', formPost({ email: victim })), {
      status: 404,
      code: 'no_sso_for_domain',
    })
    const login = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email: victim, password: 'victim password 1' }),
    )
    expect(login.status).toBe(303)
  })

  it('squatting a pending domain blocks neither the real customer’s support-created team nor its hires', async (ctx) => {
    // Before: the squatter's claim made support's onboarding 409 domain_taken, and a pre-registered
    // newhire@ account stayed the squatter's (its password kept working after the real hire's SSO).
    let offsetMs = 0
    const rig = await createRig({ now: () => Date.now() + offsetMs })
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const domain = `${unique('customer')}.example`
    await selfServiceTeam(rig, `squatter@${domain}`)
    const squatterHire = new Browser()
    await register(rig, squatterHire, `newhire@${domain}`, { password: 'squatter password' })
    const created = await rig.admin('POST', '/admin/api/teams', {
      name: 'Customer',
      ownerEmail: `owner@${domain}`,
    })
    expect(created.status).toBe(201)
    const customer = await teamOf(created)
    expect([customer.domains, customer.pendingDomains]).toEqual([[domain], []])
    await connectTeam(rig, {
      ownerEmail: `owner@${domain}`,
      clientId: 'customer',
      clientSecret: 'customer-secret',
    })
    rig.idp.addUser({ sub: 'okta-hire', email: `newhire@${domain}`, email_verified: true })
    const hire = new Browser()
    expect((await tileLogin(rig, hire, 'okta-hire')).callback.status).toBe(303)
    expect(((await (await me(rig, hire)).json()) as any).team.id).toBe(customer.id)
    expect(
      await query('select password_hash from users where email = ?', `newhire@${domain}`),
    ).toEqual([{ password_hash: null }])
    offsetMs += 301_000
    expect((await me(rig, squatterHire)).status).toBe(401)
    const squatterLogin = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email: `newhire@${domain}`, password: 'squatter password' }),
    )
    // Its password is gone, and as a member of an SSO-only team it meets sso_required whatever is typed.
    await tally.refused(squatterLogin, { status: 403, code: 'sso_required' })
  })
})

describe('free-mail and disposable domains', () => {
  it('gmail.com or outlook.com as an explicit domain is 400 domain_not_allowed and writes nothing', async (ctx) => {
    // Before: gmail.com, outlook.com were accepted as team domains (201).
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    for (const domain of ['gmail.com', 'Outlook.com', 'mailinator.com']) {
      const before = await countRows()
      const response = await rig.admin('POST', '/admin/api/teams', {
        name: 'Free',
        ownerEmail: `${unique('o')}@corp.example`,
        domains: [domain],
      })
      await tally.refused(response, { status: 400, code: 'domain_not_allowed' })
      expect(await countRows()).toEqual(before)
    }
    const { teamId } = await addTeam(rig, { connect: false })
    await tally.refused(
      await rig.admin('POST', `/admin/api/teams/${teamId}/domains`, { domain: 'gmail.com' }),
      { status: 400, code: 'domain_not_allowed' },
    )
  })

  it('a free-mail owner’s domain as the default is skipped, for support and self-service alike', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const created = await rig.admin('POST', '/admin/api/teams', {
      name: 'Gmail owner',
      ownerEmail: `${unique('boss')}@gmail.com`,
    })
    expect(created.status).toBe(201)
    expect(await teamOf(created)).toMatchObject({ domains: [], pendingDomains: [] })
    const { teamId } = await selfServiceTeam(rig, `${unique('me')}@outlook.com`)
    expect(await teamOf(await rig.admin('GET', `/admin/api/teams/${teamId}`))).toMatchObject({
      domains: [],
      pendingDomains: [],
    })
    tally.accepted()
  })
})

describe('domain routes', () => {
  it('adds a pending domain, proves it by its TXT record, and only then routes email login to the team', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const team = await addTeam(rig)
    const domain = `${unique('proof')}.example`
    const added = await rig.admin('POST', `/admin/api/teams/${team.teamId}/domains`, { domain })
    expect(added.status).toBe(201)
    const [pending] = (await teamOf(added)).pendingDomains
    expect(pending).toMatchObject({ domain, dnsName: `_edge-sso.${domain}` })
    rig.idp.addUser({ sub: 'okta-p', email: `pat@${domain}`, email_verified: true })
    const start = () => rig.fetch(new Browser(), '/sso/start', formPost({ email: `pat@${domain}` }))
    await tally.refused(await start(), { status: 404, code: 'no_sso_for_domain' })

    const verify = () =>
      rig.admin('POST', `/admin/api/teams/${team.teamId}/domains/${domain}/verify`)
    await tally.refused(await verify(), { status: 409, code: 'domain_verification_failed' })
    rig.dns.set(pending!.dnsName, ['v=spf1 -all', 'edge-sso-verify=someone-else'])
    await tally.refused(await verify(), { status: 409, code: 'domain_verification_failed' })
    rig.dns.set(pending!.dnsName, 'servfail')
    await tally.refused(await verify(), { status: 502, code: 'dns_unreachable' })
    rig.dns.set(pending!.dnsName, ['v=spf1 -all', pending!.dnsValue])
    const verified = await verify()
    expect(verified.status).toBe(200)
    expect(await teamOf(verified)).toMatchObject({
      domains: expect.arrayContaining([team.domain, domain]),
      pendingDomains: [],
    })
    expect((await start()).status).toBe(302)
    expect((await verify()).status).toBe(200) // already verified: nothing to prove again
  })

  it('a domain another team has verified is domain_taken to attest or to prove; a pending claim on it is allowed', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const owner = await addTeam(rig, { connect: false })
    const other = await addTeam(rig, { connect: false })
    const path = `/admin/api/teams/${other.teamId}/domains`
    await tally.refused(await rig.admin('POST', path, { domain: owner.domain, verified: true }), {
      status: 409,
      code: 'domain_taken',
    })
    const pending = await rig.admin('POST', path, { domain: owner.domain })
    expect(pending.status).toBe(201)
    const [record] = (await teamOf(pending)).pendingDomains
    rig.dns.set(record!.dnsName, [record!.dnsValue])
    await tally.refused(await rig.admin('POST', `${path}/${owner.domain}/verify`), {
      status: 409,
      code: 'domain_taken',
    })
    expect(
      await query(
        'select team_id from team_domains where domain = ? and verified = 1',
        owner.domain,
      ),
    ).toEqual([{ team_id: owner.teamId }])
  })

  it('attests a domain at once, upgrades a pending claim, and deletes a claim (204, then 404)', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const team = await addTeam(rig, { connect: false })
    const domain = `${unique('att')}.example`
    const path = `/admin/api/teams/${team.teamId}/domains`
    await rig.admin('POST', path, { domain })
    const attested = await rig.admin('POST', path, { domain: domain.toUpperCase(), verified: true })
    expect(attested.status).toBe(201)
    expect(await teamOf(attested)).toMatchObject({
      domains: [team.domain, domain],
      pendingDomains: [],
    })
    expect((await rig.admin('DELETE', `${path}/${domain}`)).status).toBe(204)
    await tally.refused(await rig.admin('DELETE', `${path}/${domain}`), {
      status: 404,
      code: 'not_found',
    })
    expect(
      (await teamOf(await rig.admin('GET', `/admin/api/teams/${team.teamId}`))).domains,
    ).toEqual([team.domain])
    await tally.refused(await rig.admin('POST', `/admin/api/teams/nope/domains`, { domain }), {
      status: 404,
      code: 'not_found',
    })
  })
})

describe('registration on a domain with SSO', () => {
  it('refuses /register for a domain a team with enabled SSO has verified, with a pointer to SSO', async (ctx) => {
    const rig = await createRig()
    const tally = new Tally(ctx, 'Proven domains').watch(rig)
    const team = await addTeam(rig)
    const before = await countRows()
    const response = await rig.fetch(
      new Browser(),
      '/register',
      formPost({ email: `new@${team.domain}`, password: 'a good password' }),
    )
    const { body } = await tally.refused(response, { status: 403, code: 'sso_required' })
    expect(body).toContain('Continue with SSO')
    expect(await countRows()).toEqual(before)
    await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: false })
    const allowed = await rig.fetch(
      new Browser(),
      '/register',
      formPost({ email: `new@${team.domain}`, password: 'a good password' }),
    )
    expect(allowed.status).toBe(303)
  })
})
