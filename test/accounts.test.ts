// The account side: login page, registration, password login, team management, /app, logout, CSRF.
import { describe, expect, it } from 'vitest'
import { Browser, expectRefusal, formPost, jsonPost, me, publicOrigin } from './harness'
import { query } from './rows'
import { lastMailTo, linkIn } from './mailbox'
import { scene } from './scene'

/** A fresh scene's rig and an email domain of its own (no team, no SSO). */
async function solo() {
  const { rig, team } = await scene({ connect: false })
  return { rig, domain: `solo.${team.domain}` }
}

describe('accounts', () => {
  it('shows the login page with both forms', async () => {
    const { rig } = await solo()
    const html = await (await rig.fetch(new Browser(), '/')).text()
    expect(html).toContain('action="/sso/start"')
    expect(html).toContain('Continue with SSO')
    expect(html).toContain('action="/login/password"')
  })

  it('registers with a PBKDF2 hash, signs in, and lands on /app', async () => {
    const { rig, domain } = await solo()
    const email = `reg@${domain}`
    const browser = new Browser()
    const response = await rig.fetch(
      browser,
      '/register',
      formPost({ email: email.toUpperCase(), password: 'a good password', name: 'Reg' }),
    )
    expect([response.status, response.headers.get('location')]).toEqual([
      303,
      `${publicOrigin}/app`,
    ])
    const [user] = await query<{ password_hash: string; name: string }>(
      'select password_hash, name from users where email = ?',
      email,
    )
    expect(user!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[\w-]{22}\$[\w-]{43}$/)
    expect(user!.name).toBe('Reg')
    expect(await (await me(rig, browser)).json()).toMatchObject({
      user: { email, name: 'Reg' },
      team: null,
      authMethod: 'password',
    })
    const page = await (await rig.fetch(browser, '/app')).text()
    expect(page).toContain(email)
    const again = await rig.fetch(
      new Browser(),
      '/register',
      formPost({ email, password: 'another password' }),
    )
    await expectRefusal(again, { status: 409, code: 'email_taken' })
  })

  it('logs in with the right password only', async () => {
    const { rig, domain } = await solo()
    const email = `pw@${domain}`
    await rig.fetch(new Browser(), '/register', formPost({ email, password: 'right password' }))
    const wrong = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email, password: 'wrong password' }),
    )
    await expectRefusal(wrong, { status: 401, code: 'invalid_credentials' })
    const unknown = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email: 'nobody@nowhere.example', password: 'x' }),
    )
    await expectRefusal(unknown, { status: 401, code: 'invalid_credentials' })
    const [event] = await query<{ outcome: string; error_code: string }>(
      'select outcome, error_code from events where email = ? order by at desc limit 1',
      email,
    )
    expect(event).toEqual({ outcome: 'refused', error_code: 'invalid_credentials' })
    const browser = new Browser()
    expect(
      (await rig.fetch(browser, '/login/password', formPost({ email, password: 'right password' })))
        .status,
    ).toBe(303)
    expect((await me(rig, browser)).status).toBe(200)
  })

  it('turns on team management once, with the caller as owner and their domain', async () => {
    const { rig, domain } = await solo()
    const browser = new Browser()
    await rig.fetch(
      browser,
      '/register',
      formPost({ email: `own@${domain}`, password: 'owner password' }),
    )
    const post = (body: unknown) => rig.fetch(browser, '/api/team', jsonPost(body))
    expect((await post({ name: 'T', defaultPermission: 'everyone' })).status).toBe(400)
    // Second stage: an unproven email cannot create a team; the mailed link proves it.
    await expectRefusal(await post({ name: 'T', defaultPermission: 'private' }), {
      status: 403,
      code: 'email_unverified',
    })
    await rig.fetch(browser, linkIn(lastMailTo(rig, `own@${domain}`), '/verify-email/'))
    const created = await post({ name: 'T', defaultPermission: 'private' })
    expect(created.status).toBe(201)
    const { team } = (await created.json()) as { team: { id: string } }
    expect(
      await query('select domain, verified from team_domains where team_id = ?', team.id),
    ).toEqual([{ domain, verified: 0 }])
    expect(
      await query('select role, permission from memberships where team_id = ?', team.id),
    ).toEqual([{ role: 'owner', permission: 'private' }])
    expect((await post({ name: 'Again', defaultPermission: 'public' })).status).toBe(409)
    expect(
      (
        await rig.fetch(new Browser(), '/api/team', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401)
  })

  it('sends /app to the login page without a session, and logout ends the session', async () => {
    const { rig, domain } = await solo()
    const anonymous = await rig.fetch(new Browser(), '/app')
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([302, '/'])
    const browser = new Browser()
    await rig.fetch(
      browser,
      '/register',
      formPost({ email: `out@${domain}`, password: 'logout password' }),
    )
    expect((await rig.fetch(browser, '/logout', formPost({}))).status).toBe(303)
    expect((await me(rig, browser)).status).toBe(401)
  })

  it('refuses cross-site form posts (CSRF) and writes no account', async () => {
    const { rig, domain } = await solo()
    const email = `csrf@${domain}`
    const viaOrigin = await rig.fetch(
      new Browser(),
      '/register',
      formPost(
        { email, password: 'csrf password' },
        { origin: 'https://evil.example', 'sec-fetch-site': '' },
      ),
    )
    const viaSite = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email, password: 'x' }, { 'sec-fetch-site': 'cross-site' }),
    )
    await expectRefusal(viaOrigin, { status: 403, code: 'csrf_refused' })
    await expectRefusal(viaSite, { status: 403, code: 'csrf_refused' })
    expect(await query('select * from users where email = ?', email)).toEqual([])
  })
})
