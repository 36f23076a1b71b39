// Real email, proven: the verification link, password reset (no enumeration, single use), "SSO is on", mail failures.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../src/app'
import { hashToken } from '../src/crypto/tokens'
import { Browser, expectRefusal, formPost, jsonPost, me, type Rig, unique } from './harness'
import { query } from './rows'
import { register } from './logins'
import { lastMailTo, linkIn } from './mailbox'
import { addTeam, connectTeam, scene } from './scene'

afterEach(() => vi.restoreAllMocks())

/** A rig on a movable clock and an email of no team's domain. */
async function solo() {
  const s = await scene({ connect: false })
  return { ...s, email: `${unique('pat')}@solo.${s.team.domain}` }
}

const emailVerified = async (rig: Rig, browser: Browser) =>
  ((await (await me(rig, browser)).json()) as { user: { emailVerified: boolean } }).user
    .emailVerified

/** Sends the password form (register or sign in) for `email` with the password `register` uses. */
const passwordForm = (rig: Rig, browser: Browser, path: string, email: string) =>
  rig.fetch(browser, path, formPost({ email, password: 'a good password' }))

const forgot = (rig: Rig, email: string) =>
  rig.fetch(new Browser(), '/password/forgot', formPost({ email }))

describe('email verification', () => {
  it('mails a 24-hour link on /register, stored hashed, that proves the email once', async () => {
    const { rig, email } = await solo()
    const browser = new Browser()
    await register(rig, browser, email, { verify: false })
    expect(await emailVerified(rig, browser)).toBe(false)
    const mail = lastMailTo(rig, email)
    expect(mail.subject).toBe('Confirm your email address')
    const link = linkIn(mail, '/verify-email/')
    const token = link.split('/').pop()!
    const rows = await query<{ id: string; purpose: string }>(
      'select t.id, t.purpose from email_tokens t join users u on u.id = t.user_id where u.email = ?',
      email,
    )
    expect(rows).toEqual([{ id: await hashToken(token), purpose: 'verify_email' }])
    const page = await rig.fetch(browser, link)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-testid="email-verified"')
    expect(await emailVerified(rig, browser)).toBe(true)
    expect(await query('select email_verified from users where email = ?', email)).toEqual([
      { email_verified: 1 },
    ])
    await expectRefusal(await rig.fetch(new Browser(), link), { status: 400, code: 'link_invalid' })
  })

  it('refuses an expired or unknown verification link, changing nothing', async () => {
    const { rig, email, advance } = await solo()
    await register(rig, new Browser(), email, { verify: false })
    const link = linkIn(lastMailTo(rig, email), '/verify-email/')
    advance(24 * 60 * 60 * 1000 + 1000)
    await expectRefusal(await rig.fetch(new Browser(), link), { status: 400, code: 'link_invalid' })
    await expectRefusal(await rig.fetch(new Browser(), `/verify-email/${'x'.repeat(43)}`), {
      status: 400,
      code: 'link_invalid',
    })
    await expectRefusal(await rig.fetch(new Browser(), '/verify-email/short'), {
      status: 400,
      code: 'link_invalid',
    })
    expect(await query('select email_verified from users where email = ?', email)).toEqual([
      { email_verified: 0 },
    ])
  })

  it('an unverified account signs in with its password but cannot create a team', async () => {
    const { rig, email } = await solo()
    await register(rig, new Browser(), email, { verify: false })
    const browser = new Browser()
    const login = await passwordForm(rig, browser, '/login/password', email)
    expect(login.status).toBe(303)
    const { body } = await expectRefusal(
      await rig.fetch(browser, '/api/team', jsonPost({ name: 'T', defaultPermission: 'public' })),
      { status: 403, code: 'email_unverified' },
    )
    expect(body).toContain('Confirm your email address first')
    expect(
      await query(
        'select count(*) as n from memberships m join users u on u.id = m.user_id where u.email = ?',
        email,
      ),
    ).toEqual([{ n: 0 }])
  })
})

describe('password reset', () => {
  it('answers the same page whatever the email, with the same D1 work, and mails only a real account', async () => {
    const { rig, email } = await solo()
    await register(rig, new Browser(), email, { verify: false })
    const pages: string[] = []
    const d1: number[] = []
    for (const address of [email, `nobody-${email}`]) {
      rig.resetCounters()
      const response = await forgot(rig, address)
      expect(response.status).toBe(200)
      d1.push(rig.counters.d1)
      pages.push(await response.text())
    }
    expect(pages[0]).toBe(pages[1])
    expect(pages[0]).toContain('data-testid="forgot-sent"')
    expect(d1[0]).toBe(d1[1])
    expect(rig.mails.filter((m) => m.to === `nobody-${email}`)).toEqual([])
    expect(lastMailTo(rig, email).subject).toBe('Reset your password')
  })

  it('sets a new password once, proves the email and ends every session of the account', async () => {
    const { rig, email, advance } = await solo()
    const old = new Browser()
    await register(rig, old, email, { verify: false, password: 'the old password' })
    await forgot(rig, email)
    const link = linkIn(lastMailTo(rig, email), '/password/reset/')
    const form = await rig.fetch(new Browser(), link)
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(html).toContain('<form class="card" method="post">')
    expect(html).not.toContain(link.split('/').pop()!)
    const set = await rig.fetch(new Browser(), link, formPost({ password: 'the new password' }))
    expect(set.status).toBe(200)
    expect(await set.text()).toContain('data-testid="password-set"')
    expect(await query('select email_verified from users where email = ?', email)).toEqual([
      { email_verified: 1 },
    ])
    expect(
      await query<{ live: number }>(
        'select count(*) as live from sessions s join users u on u.id = s.user_id where u.email = ? and s.revoked_at is null',
        email,
      ),
    ).toEqual([{ live: 0 }])
    advance(301_000)
    expect((await me(rig, old)).status).toBe(401)
    const signIn = (password: string) =>
      rig.fetch(new Browser(), '/login/password', formPost({ email, password }))
    await expectRefusal(await signIn('the old password'), {
      status: 401,
      code: 'invalid_credentials',
    })
    expect((await signIn('the new password')).status).toBe(303)
    // Single use: the same link again, as a form or a post, is refused and changes nothing.
    await expectRefusal(await rig.fetch(new Browser(), link), { status: 400, code: 'link_invalid' })
    await expectRefusal(
      await rig.fetch(new Browser(), link, formPost({ password: 'a third password' })),
      { status: 400, code: 'link_invalid' },
    )
    expect((await signIn('the new password')).status).toBe(303)
  })

  it('a refused link’s log line names the route, never the token', async () => {
    const { rig, email } = await solo()
    await register(rig, new Browser(), email, { verify: false })
    const link = linkIn(lastMailTo(rig, email), '/verify-email/')
    await rig.fetch(new Browser(), link)
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    await rig.fetch(new Browser(), link)
    await rig.fetch(new Browser(), link.replace('/verify-email/', '/password/reset/'))
    const token = link.split('/').pop()!
    expect(lines.join('\n')).toContain('"code":"link_invalid"')
    expect(lines.join('\n')).not.toContain(token)
    expect(lines.join('\n')).toContain('/password/reset/:token')
  })

  it('two concurrent uses of one reset link: exactly one sets its password', async () => {
    const { rig, email } = await solo()
    await register(rig, new Browser(), email, { verify: false })
    await forgot(rig, email)
    const link = linkIn(lastMailTo(rig, email), '/password/reset/')
    const passwords = ['first racer pw', 'second racer pw']
    const answers = await Promise.all(
      passwords.map((password) => rig.fetch(new Browser(), link, formPost({ password }))),
    )
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400])
    const winner = passwords[answers.findIndex((a) => a.status === 200)]!
    const loser = passwords.find((p) => p !== winner)!
    const signIn = (password: string) =>
      rig.fetch(new Browser(), '/login/password', formPost({ email, password }))
    expect((await signIn(winner)).status).toBe(303)
    expect((await signIn(loser)).status).toBe(401)
  })

  it('a reset link expires after an hour', async () => {
    const { rig, email, advance } = await solo()
    await register(rig, new Browser(), email, { verify: false })
    await forgot(rig, email)
    const link = linkIn(lastMailTo(rig, email), '/password/reset/')
    advance(60 * 60 * 1000 + 1000)
    await expectRefusal(
      await rig.fetch(new Browser(), link, formPost({ password: 'whatever pw' })),
      {
        status: 400,
        code: 'link_invalid',
      },
    )
  })

  it('a member of an SSO-only team gets a mail pointing to SSO and no reset link; an old link stops working', async () => {
    const { rig, team } = await scene({ connect: false })
    const ownerEmail = team.ownerEmail
    // The owner (made by support) asks for a reset while the team has no SSO: a link is mailed.
    await forgot(rig, ownerEmail)
    const link = linkIn(lastMailTo(rig, ownerEmail), '/password/reset/')
    await connectTeam(rig, team)
    const before = rig.mails.length
    const page = await forgot(rig, ownerEmail)
    expect(await page.text()).toContain('data-testid="forgot-sent"')
    const [mail, ...more] = rig.mails.slice(before)
    expect(more).toEqual([])
    expect(mail).toMatchObject({ to: ownerEmail, subject: 'Sign in with single sign-on' })
    expect(mail!.text).toContain(`Team ${team.domain}`)
    expect(mail!.text).not.toContain('/password/reset/')
    await expectRefusal(
      await rig.fetch(new Browser(), link, formPost({ password: 'a password!' })),
      {
        status: 403,
        code: 'sso_required',
      },
    )
    expect(await query('select password_hash from users where email = ?', ownerEmail)).toEqual([
      { password_hash: null },
    ])
  })
})

describe('SSO is on', () => {
  it('mails the team owner when a connection is created or re-enabled, not when disabled', async () => {
    const { rig, team } = await scene()
    const sent = () => rig.mails.filter((m) => m.subject === `SSO is on for Team ${team.domain}`)
    expect(sent().map((m) => m.to)).toEqual([team.ownerEmail])
    expect(sent()[0]!.text).toContain(`/sso/initiate/${team.connectionId}`)
    const path = `/admin/api/sso-connections/${team.connectionId}`
    await rig.admin('PATCH', path, { enabled: false })
    await rig.admin('PATCH', path, { clientSecret: 'rotated-secret' })
    expect(sent()).toHaveLength(1)
    await rig.admin('PATCH', path, { enabled: true })
    await rig.admin('PATCH', path, { enabled: true })
    expect(sent()).toHaveLength(2)
  })
})

describe('mail failures', () => {
  it('a failing mail service never fails the request: registration, reset and connections go on, the failure is logged', async () => {
    const { rig, email } = await solo()
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    rig.faults.mailDown = true
    const browser = new Browser()
    const registered = await passwordForm(rig, browser, '/register', email)
    expect(registered.status).toBe(303)
    expect((await forgot(rig, email)).status).toBe(200)
    const team = await addTeam(rig)
    expect(team.connectionId).not.toBe('')
    const lines = errors.mock.calls.map(([line]) => String(line))
    const failures = lines.filter((l) => l.includes('"event":"mail_failed"'))
    expect(failures.map((l) => JSON.parse(l).mail)).toEqual([
      'email_verification',
      'password_reset',
      'sso_enabled',
    ])
    expect(failures.join('\n')).not.toMatch(/verify-email|password\/reset/)
  })
})

/** The app as `wrangler dev` runs it on loopback with DEV_MAIL_OUTBOX=1: a request, its background work awaited. */
function devApp() {
  const app = createApp()
  const devEnv = { ...env, PUBLIC_URL: 'http://localhost:8787', DEV_MAIL_OUTBOX: '1' } as Env
  return async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext()
    const response = await app.fetch(new Request(`http://localhost:8787${path}`, init), devEnv, ctx)
    await waitOnExecutionContext(ctx)
    return response
  }
}

describe('dev outbox', () => {
  it('under wrangler dev on loopback with DEV_MAIL_OUTBOX=1, the verification link is read back from GET /dev/outbox', async () => {
    const send = devApp()
    const email = `${unique('dev')}@solo.example`
    const registered = await send(
      '/register',
      formPost({ email, password: 'a good password' }, { origin: 'http://localhost:8787' }),
    )
    expect(registered.status).toBe(303)
    const outbox = await send(`/dev/outbox?to=${encodeURIComponent(email)}`)
    const { messages } = (await outbox.json()) as { messages: { subject: string; text: string }[] }
    expect(messages[0]!.subject).toBe('Confirm your email address')
    const link = /http:\/\/localhost:8787(\/verify-email\/[\w-]{43})/.exec(messages[0]!.text)![1]!
    expect((await send(link)).status).toBe(200)
  })

  it('is a page for a browser: its links clickable, a form without ?to=; JSON for Accept: application/json', async () => {
    const send = devApp()
    const html = { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } }
    const email = `${unique('dev')}@solo.example`
    await send(
      '/register',
      formPost({ email, password: 'a good password' }, { origin: 'http://localhost:8787' }),
    )
    const page = await send(`/dev/outbox?to=${encodeURIComponent(email)}`, html)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toMatch(
      /<a href="http:\/\/localhost:8787\/verify-email\/[\w-]{43}">http:\/\/localhost:8787\/verify-email\//,
    )
    const form = await send('/dev/outbox', html)
    expect(form.status).toBe(200)
    expect(await form.text()).toContain('<input id="outbox-to" name="to" type="email" required')
    const json = await send(`/dev/outbox?to=${encodeURIComponent(email)}`, {
      headers: { accept: 'application/json' },
    })
    expect(((await json.json()) as { messages: unknown[] }).messages).toHaveLength(1)
    expect((await send('/dev/outbox', { headers: { accept: 'application/json' } })).status).toBe(
      400,
    )
  })
})
