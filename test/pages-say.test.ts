// Pages that say what happened: refused forms keep what was typed, errors fit their person, ended sessions explain.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, expectRefusal, formPost, me, publicOrigin, refusalOf } from './harness'
import { lastMailTo } from './mailbox'
import { query } from './rows'
import { expectSignedIn, scene } from './scene'
import { oktaUser, patch, scimClient } from './scim-helpers'

const inputOf = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0]

/** The scene's owner with a password (support made the team; a reset sets it), signed out. */
async function ownerWithPassword(ctx: TestContext) {
  const s = await scene({ connect: false, ctx, area: 'pages' })
  const owner = new Browser()
  await s.rig.fetch(owner, '/password/forgot', formPost({ email: s.team.ownerEmail }))
  const reset = lastMailTo(s.rig, s.team.ownerEmail).text.match(/\/password\/reset\/[\w-]+/)![0]
  await s.rig.fetch(owner, reset, formPost({ password: 'the owner password' }))
  return { ...s, owner, password: 'the owner password' }
}

const eventsOf = (referenceId: string | undefined) =>
  query<{ error_code: string }>('select error_code from events where reference_id = ?', referenceId)

describe('refused forms show themselves again', () => {
  it('a wrong password: the sign-in page again, the email kept, the error beside the password, never the password', async (ctx) => {
    const s = await ownerWithPassword(ctx)
    await s.tally.baseline()
    const refused = await s.rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email: s.team.ownerEmail, password: 'not the password' }),
    )
    const { body } = await s.tally.refused(refused, { status: 401, code: 'invalid_credentials' })
    expect(inputOf(body, 'pw-email')).toContain(`value="${s.team.ownerEmail}"`)
    expect(inputOf(body, 'pw-password')).toContain('aria-invalid="true"')
    expect(inputOf(body, 'pw-password')).toContain('aria-describedby="pw-password-error"')
    expect(body).toContain('id="pw-password-error"')
    expect(body).not.toContain('not the password')
  })

  it('registration refused: name and email kept in the open form, the error beside its field, the password rule shown', async (ctx) => {
    const s = await ownerWithPassword(ctx)
    await s.tally.baseline()
    const short = await s.rig.fetch(
      new Browser(),
      '/register',
      formPost({ name: 'Grace', email: `grace@${s.team.domain}x`, password: 'short' }),
    )
    const { body } = await s.tally.refused(short, { status: 400, code: 'invalid_request' })
    expect(inputOf(body, 'reg-name')).toContain('value="Grace"')
    expect(inputOf(body, 'reg-email')).toContain(`value="grace@${s.team.domain}x"`)
    expect(inputOf(body, 'reg-password')).toContain('aria-invalid="true"')
    expect(body).toContain('<details class="card" open="">')
    expect(body).toContain('At least 8 characters.')
    expect(body).not.toContain('value="short"')
  })

  it('the setup values refused: client ID and issuer kept, the secret never, the error beside the issuer; DNS “Check now” beside its domain', async (ctx) => {
    const s = await scene({ connect: false, ctx, area: 'pages' })
    const minted = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/setup-links`)
    const path = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
    const admin = new Browser()
    await s.tally.baseline()
    const values = await s.rig.fetch(
      admin,
      `${path}/connection`,
      formPost({
        clientId: 'the-client-id',
        clientSecret: 'the-typed-secret',
        issuer: 'http://not-https.example',
      }),
    )
    const { body } = await s.tally.refused(values, { status: 400, code: 'issuer_invalid' })
    expect(inputOf(body, 'setup-client-id')).toContain('value="the-client-id"')
    expect(inputOf(body, 'setup-issuer')).toContain('value="http://not-https.example"')
    expect(inputOf(body, 'setup-issuer')).toContain('aria-invalid="true"')
    expect(body).not.toContain('the-typed-secret')
    expect(await query('select id from sso_connections where team_id = ?', s.team.teamId)).toEqual(
      [],
    )

    const domain = `pending-${s.team.domain}`
    await s.rig.fetch(admin, `${path}/domains`, formPost({ domain }))
    const check = await s.rig.fetch(admin, `${path}/domains/${domain}/verify`, formPost({}))
    const dns = await s.tally.refused(check, { status: 409, code: 'domain_verification_failed' })
    expect(dns.body).toContain('id="dns-check-error-0"')
    expect(dns.body).toContain(`aria-label="Check now: ${domain}"`)
  })
})

describe('error pages fit their person', () => {
  it('a signed-in non-owner at /settings/sso is told “That did not work” and led back to their account', async (ctx) => {
    const s = await ownerWithPassword(ctx)
    const member = new Browser()
    const registered = await s.rig.fetch(
      member,
      '/register',
      formPost({ email: 'someone@elsewhere.example', password: 'a good password' }),
    )
    expect(registered.status).toBe(303)
    const { body } = await expectRefusal(await s.rig.fetch(member, '/settings/sso'), {
      status: 403,
      code: 'owner_only',
    })
    expect(body).not.toContain('We could not sign you in')
    expect(body).toContain('That did not work')
    expect(body).toContain('href="/app"')
  })

  it('reloading a refused callback shows the same refusal and reference id, with one event row', async (ctx) => {
    const s = await scene({ ctx, area: 'pages' })
    s.rig.idp.addUser({
      sub: 'okta-outsider',
      email: 'out@elsewhere.example',
      email_verified: true,
    })
    const browser = new Browser()
    const initiate = await s.rig.fetch(
      browser,
      `/sso/initiate?iss=${encodeURIComponent(s.rig.idp.issuer)}`,
      { headers: { 'sec-fetch-site': 'cross-site' } },
    )
    const callbackUrl = s.rig.idp.authorize(initiate.headers.get('location')!, 'okta-outsider')
    const first = await refusalOf(
      await s.rig.fetch(browser, callbackUrl, { headers: { 'sec-fetch-site': 'cross-site' } }),
    )
    expect(first.code).toBe('domain_not_allowed')
    expect(first.body).toContain('We could not sign you in')
    const again = await s.rig.fetch(browser, callbackUrl, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    const reloaded = await refusalOf(again)
    expect([again.status, reloaded.code, reloaded.referenceId]).toEqual([
      403,
      'domain_not_allowed',
      first.referenceId,
    ])
    expect(await eventsOf(first.referenceId)).toEqual([{ error_code: 'domain_not_allowed' }])
    // Another browser (no record of the first answer) still meets login_expired.
    const elsewhere = await refusalOf(await s.rig.fetch(new Browser(), callbackUrl))
    expect(elsewhere.code).toBe('login_expired')
  })
})

describe('an ended session says so on the sign-in page', () => {
  it('SCIM deactivation: the sign-in page says so once', async (ctx) => {
    const s = await scene({ ctx, area: 'pages' })
    const scim = await scimClient(s.rig, s.team.connectionId)
    const user = (await (await scim('POST', '/Users', oktaUser(s.email))).json()) as { id: string }
    const browser = await expectSignedIn(s)
    await scim('PATCH', `/Users/${user.id}`, patch({ op: 'replace', value: { active: false } }))
    s.advance(61_000)
    const app = await s.rig.fetch(browser, '/app')
    expect([app.status, app.headers.get('location')]).toEqual([302, '/'])
    const page = await (await s.rig.fetch(browser, '/')).text()
    expect(page).toMatch(/data-testid="session-ended">You were signed out: [^<]*deactivated/)
    expect(await (await s.rig.fetch(browser, '/')).text()).not.toContain('session-ended')
  })

  it('revocation by support (as Universal Logout does): the sentence names it, on the very page whose recheck ended it', async (ctx) => {
    const s = await scene({ ctx, area: 'pages' })
    const browser = await expectSignedIn(s)
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    expect((await s.rig.admin('DELETE', `/admin/api/users/${user!.id}/sessions`)).status).toBe(204)
    s.advance(61_000)
    const page = await (await s.rig.fetch(browser, '/')).text()
    expect(page).toMatch(/data-testid="session-ended">[^<]*Universal Logout/)
    expect((await me(s.rig, browser)).status).toBe(401)
  })
})

describe('signed-out visits return after sign-in', () => {
  it('/team and /settings/sso send to sign-in and back; an off-site return_to lands on the app', async (ctx) => {
    const s = await ownerWithPassword(ctx)
    for (const path of ['/team', '/settings/sso']) {
      const browser = new Browser()
      const visit = await s.rig.fetch(browser, path)
      expect([visit.status, visit.headers.get('location')]).toEqual([
        302,
        `/?return_to=${encodeURIComponent(path)}`,
      ])
      const login = await (await s.rig.fetch(browser, visit.headers.get('location')!)).text()
      expect(login).toContain(`<input type="hidden" name="return_to" value="${path}"/>`)
      const signedIn = await s.rig.fetch(
        browser,
        '/login/password',
        formPost({ email: s.team.ownerEmail, password: s.password, return_to: path }),
      )
      expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, path])
      expect((await s.rig.fetch(browser, path)).status).toBe(200)
    }
    const offSite = await s.rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email: s.team.ownerEmail, password: s.password, return_to: '//evil.example/' }),
    )
    expect(offSite.headers.get('location')).toBe(`${publicOrigin}/app`)
  })
})
