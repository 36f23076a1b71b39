// The account side: login page, registration, password login, team management, /app, logout, CSRF.
import { describe, expect, it } from 'vitest'
import { Browser, createRig, lastMailTo, linkIn, me, publicOrigin, query, unique } from './harness'

const form = (
  fields: Record<string, string>,
  headers: Record<string, string> = { origin: publicOrigin },
) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields),
})

const errorCode = async (response: Response) =>
  /data-testid="error-code">([^<]+)</.exec(await response.text())?.[1]

describe('accounts', () => {
  it('shows the login page with both forms', async () => {
    const rig = await createRig()
    const html = await (await rig.fetch(new Browser(), '/')).text()
    expect(html).toContain('action="/sso/start"')
    expect(html).toContain('Continue with SSO')
    expect(html).toContain('action="/login/password"')
  })

  it('registers with a PBKDF2 hash, signs in, and lands on /app', async () => {
    const rig = await createRig()
    const email = `reg@${unique('r')}.example`
    const browser = new Browser()
    const response = await rig.fetch(
      browser,
      '/register',
      form({ email: email.toUpperCase(), password: 'a good password', name: 'Reg' }),
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
      form({ email, password: 'another password' }),
    )
    expect([again.status, await errorCode(again)]).toEqual([409, 'email_taken'])
  })

  it('logs in with the right password only', async () => {
    const rig = await createRig()
    const email = `pw@${unique('p')}.example`
    await rig.fetch(new Browser(), '/register', form({ email, password: 'right password' }))
    const wrong = await rig.fetch(
      new Browser(),
      '/login/password',
      form({ email, password: 'wrong password' }),
    )
    expect([wrong.status, await errorCode(wrong)]).toEqual([401, 'invalid_credentials'])
    const unknown = await rig.fetch(
      new Browser(),
      '/login/password',
      form({ email: 'nobody@nowhere.example', password: 'x' }),
    )
    expect([unknown.status, await errorCode(unknown)]).toEqual([401, 'invalid_credentials'])
    const [event] = await query<{ outcome: string; error_code: string }>(
      'select outcome, error_code from events where email = ? order by at desc limit 1',
      email,
    )
    expect(event).toEqual({ outcome: 'refused', error_code: 'invalid_credentials' })
    const browser = new Browser()
    expect(
      (await rig.fetch(browser, '/login/password', form({ email, password: 'right password' })))
        .status,
    ).toBe(303)
    expect((await me(rig, browser)).status).toBe(200)
  })

  it('turns on team management once, with the caller as owner and their domain', async () => {
    const rig = await createRig()
    const domain = `${unique('t')}.example`
    const browser = new Browser()
    await rig.fetch(
      browser,
      '/register',
      form({ email: `own@${domain}`, password: 'owner password' }),
    )
    const post = (body: unknown) =>
      rig.fetch(browser, '/api/team', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: publicOrigin },
        body: JSON.stringify(body),
      })
    expect((await post({ name: 'T', defaultPermission: 'everyone' })).status).toBe(400)
    // Second stage: an unproven email cannot create a team; the mailed link proves it.
    const unverified = await post({ name: 'T', defaultPermission: 'private' })
    expect(unverified.status).toBe(403)
    expect(((await unverified.json()) as any).error.code).toBe('email_unverified')
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
    const rig = await createRig()
    const anonymous = await rig.fetch(new Browser(), '/app')
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([302, '/'])
    const browser = new Browser()
    await rig.fetch(
      browser,
      '/register',
      form({ email: `out@${unique('o')}.example`, password: 'logout password' }),
    )
    expect(
      (await rig.fetch(browser, '/logout', { method: 'POST', headers: { origin: publicOrigin } }))
        .status,
    ).toBe(303)
    expect((await me(rig, browser)).status).toBe(401)
  })

  it('refuses cross-site form posts (CSRF) and writes no account', async () => {
    const rig = await createRig()
    const email = `csrf@${unique('c')}.example`
    const viaOrigin = await rig.fetch(
      new Browser(),
      '/register',
      form(
        { email, password: 'csrf password' },
        { origin: 'https://evil.example', 'sec-fetch-site': '' },
      ),
    )
    const viaSite = await rig.fetch(
      new Browser(),
      '/login/password',
      form({ email, password: 'x' }, { 'sec-fetch-site': 'cross-site' }),
    )
    expect([viaOrigin.status, await errorCode(viaOrigin)]).toEqual([403, 'csrf_refused'])
    expect([viaSite.status, await errorCode(viaSite)]).toEqual([403, 'csrf_refused'])
    expect(await query('select * from users where email = ?', email)).toEqual([])
  })
})
