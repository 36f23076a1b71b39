// Outgoing mail: the send_email binding (miniflare's, as under wrangler dev), the dev outbox and its route, the templates.
import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../src/env'
import { AppError } from '../src/errors'
import { listOutbox, outboxEnabled } from '../src/mail/outbox'
import { type Mail, sendMail, sender } from '../src/mail/send'
import {
  emailVerificationMail,
  escapeHtml,
  passwordResetMail,
  passwordResetSsoOnlyMail,
  ssoEnabledMail,
} from '../src/mail/templates'
import { devOutboxRoutes } from '../src/routes/dev-outbox'
import { unique } from './harness'

const from = 'edge-sso <no-reply@localhost>'
const mail = (to: string, subject = 'Hello'): Mail => ({
  to,
  subject,
  text: `Text for ${to}`,
  html: `<p>HTML for ${escapeHtml(to)}</p>`,
})

/** The real binding, with what it was handed written down. */
function recordingBinding() {
  const handed: EmailMessageBuilder[] = []
  const email = {
    send: (message: EmailMessageBuilder) => {
      handed.push(message)
      return env.EMAIL.send(message)
    },
  } as Pick<SendEmail, 'send'>
  return { email, handed }
}

describe('sendMail', () => {
  it('sends through the send_email binding from MAIL_FROM', async () => {
    const { email, handed } = recordingBinding()
    const result = await sendMail({ email, from }, mail('ada@acme.example'))
    expect(result.messageId).toMatch(/@/)
    expect(handed).toEqual([
      {
        from: { name: 'edge-sso', email: 'no-reply@localhost' },
        to: 'ada@acme.example',
        subject: 'Hello',
        text: 'Text for ada@acme.example',
        html: '<p>HTML for ada@acme.example</p>',
      },
    ])
  })

  it('keeps a subject on one line (a team name cannot add a header)', async () => {
    const { email, handed } = recordingBinding()
    await sendMail(
      { email, from },
      mail('ada@acme.example', 'SSO is on for X\r\nBcc: eve@evil.example'),
    )
    expect(handed[0]!.subject).toBe('SSO is on for X Bcc: eve@evil.example')
  })

  it('keeps nothing when the outbox is off', async () => {
    const to = `${unique('off')}@acme.example`
    await sendMail({ email: env.EMAIL, from }, mail(to))
    expect(await listOutbox(env.CACHE, to)).toEqual([])
  })

  it('keeps every message in the outbox when on, newest first, per recipient', async () => {
    const to = `${unique('dev')}@acme.example`
    let now = Date.parse('2026-11-27T06:00:00Z')
    const deps = { email: env.EMAIL, from, outbox: env.CACHE, now: () => now }
    await sendMail(deps, mail(to, 'First'))
    now += 1_000
    await sendMail(deps, mail(to, 'Second'))
    await sendMail(deps, mail(`other-${to}`, 'Not yours'))
    expect(await listOutbox(env.CACHE, to.toUpperCase())).toEqual([
      { to, subject: 'Second', text: `Text for ${to}`, at: '2026-11-27T06:00:01.000Z' },
      { to, subject: 'First', text: `Text for ${to}`, at: '2026-11-27T06:00:00.000Z' },
    ])
  })
})

describe('sender', () => {
  it('reads MAIL_FROM as a name and an address, or a bare address', () => {
    expect(sender('edge-sso <no-reply@sso.example.com>')).toEqual({
      name: 'edge-sso',
      email: 'no-reply@sso.example.com',
    })
    expect(sender('"Edge SSO" <a@b.example>')).toEqual({ name: 'Edge SSO', email: 'a@b.example' })
    expect(sender('<a@b.example>')).toBe('a@b.example')
    expect(sender('a@b.example')).toBe('a@b.example')
  })
})

describe('outboxEnabled', () => {
  const on = {
    devMailOutbox: '1',
    publicUrl: 'http://localhost:8787',
    requestUrl: 'http://127.0.0.1:8787/x',
  }
  it('is on only with DEV_MAIL_OUTBOX=1 and both PUBLIC_URL and the request on loopback', () => {
    expect(outboxEnabled(on)).toBe(true)
    expect(outboxEnabled({ ...on, devMailOutbox: '' })).toBe(false)
    expect(outboxEnabled({ ...on, devMailOutbox: undefined })).toBe(false)
    expect(outboxEnabled({ ...on, publicUrl: 'https://sso.example.com' })).toBe(false)
    expect(outboxEnabled({ ...on, requestUrl: 'https://sso.example.com/dev/outbox' })).toBe(false)
    expect(outboxEnabled({ ...on, requestUrl: 'http://localhost.evil.example/dev/outbox' })).toBe(
      false,
    )
  })
})

describe('GET /dev/outbox', () => {
  const app = new Hono<AppEnv>()
    .route('/dev', devOutboxRoutes)
    .onError((error, c) =>
      error instanceof AppError
        ? c.json({ error: { code: error.code } }, error.status)
        : c.json({ error: { code: 'internal_error' } }, 500),
    )
  const devEnv = { ...env, DEV_MAIL_OUTBOX: '1', PUBLIC_URL: 'http://localhost:8787' } as Env

  it('lists what was sent to the address, newest first', async () => {
    const to = `${unique('route')}@acme.example`
    let now = Date.parse('2026-11-27T06:00:00Z')
    const deps = { email: env.EMAIL, from, outbox: env.CACHE, now: () => now }
    await sendMail(deps, emailVerificationMail({ to, link: 'http://localhost:8787/verify/t1' }))
    now += 60_000
    await sendMail(deps, passwordResetMail({ to, link: 'http://localhost:8787/password/reset/t2' }))
    const response = await app.request(
      `http://localhost:8787/dev/outbox?to=${encodeURIComponent(to)}`,
      {},
      devEnv,
    )
    expect(response.status).toBe(200)
    const { messages } = (await response.json()) as { messages: Record<string, string>[] }
    expect(messages.map((m) => [m.to, m.subject, m.at])).toEqual([
      [to, 'Reset your password', '2026-11-27T06:01:00.000Z'],
      [to, 'Confirm your email address', '2026-11-27T06:00:00.000Z'],
    ])
    expect(messages[0]!.text).toContain('http://localhost:8787/password/reset/t2')
    expect(Object.keys(messages[0]!).sort()).toEqual(['at', 'subject', 'text', 'to'])
  })

  it('is 404 when the outbox is off, on a deployed origin, or asked from elsewhere', async () => {
    const url = 'http://localhost:8787/dev/outbox?to=a@acme.example'
    for (const [requestUrl, testEnv] of [
      [url, { ...devEnv, DEV_MAIL_OUTBOX: '' }],
      [url, { ...devEnv, PUBLIC_URL: 'https://sso.example.com' }],
      [
        'https://sso.example.com/dev/outbox?to=a@acme.example',
        { ...devEnv, PUBLIC_URL: 'https://sso.example.com' },
      ],
    ] as const) {
      const response = await app.request(requestUrl, {}, testEnv as Env)
      expect(response.status).toBe(404)
    }
  })

  it('is 400 without an address', async () => {
    const response = await app.request('http://localhost:8787/dev/outbox', {}, devEnv)
    expect(response.status).toBe(400)
  })
})

describe('templates', () => {
  const to = 'ada@acme.example'

  it('email verification: the link in text and HTML, valid 24 hours', () => {
    const m = emailVerificationMail({ to, link: 'https://sso.example.com/verify/abc' })
    expect(m.to).toBe(to)
    expect(m.subject).toBe('Confirm your email address')
    expect(m.text).toContain('https://sso.example.com/verify/abc')
    expect(m.text).toContain('24 hours')
    expect(m.html).toContain('href="https://sso.example.com/verify/abc"')
  })

  it('password reset: the link, valid 1 hour', () => {
    const m = passwordResetMail({ to, link: 'https://sso.example.com/password/reset/abc' })
    expect(m.text).toContain('https://sso.example.com/password/reset/abc')
    expect(m.text).toContain('1 hour')
  })

  it('password reset for an SSO-only member: points to SSO and carries no reset link', () => {
    const m = passwordResetSsoOnlyMail({
      to,
      teamName: 'Acme',
      ssoLink: 'https://sso.example.com/login?sso=1',
    })
    expect(m.text).toContain('https://sso.example.com/login?sso=1')
    expect(m.text).toContain('Acme')
    expect(m.text).not.toContain('/password/reset/')
  })

  it('SSO is on: names the team in the subject and escapes it in HTML', () => {
    const m = ssoEnabledMail({
      to,
      teamName: '<script>alert("x")</script> & Co',
      issuer: 'https://acme.okta.com',
      ssoLink: 'https://sso.example.com/login?a=1&b=2',
    })
    expect(m.subject).toBe('SSO is on for <script>alert("x")</script> & Co')
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co')
    expect(m.html).toContain('href="https://sso.example.com/login?a=1&amp;b=2"')
    expect(m.text).toContain('<script>alert("x")</script> & Co')
  })

  it('refuses a link that is not http(s)', () => {
    expect(() => passwordResetMail({ to, link: 'javascript:alert(1)' })).toThrow(TypeError)
    expect(() => passwordResetMail({ to, link: '/relative' })).toThrow(TypeError)
  })
})
