// Break-glass recovery: support mints a mailed one-hour link for the owner or an admin; one use, a one-hour session.
import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { hashToken } from '../src/crypto/tokens'
import { adminToken, Browser, formPost, me } from './harness'
import { lastMailTo, linkIn } from './mailbox'
import { query, teamEvents } from './rows'
import { type Scene, scene } from './scene'

afterEach(() => vi.restoreAllMocks())

const hourMs = 60 * 60 * 1000

const mint = (s: Scene, email: string) =>
  s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/recovery-links`, { email })

/** Support mints a link for the owner; the path of the link mailed to them. */
async function mailedLink(s: Scene): Promise<string> {
  const minted = await mint(s, s.team.ownerEmail)
  expect(minted.status).toBe(201)
  return linkIn(lastMailTo(s.rig, s.team.ownerEmail), '/recover/')
}

const recoveryTokens = (email: string) =>
  query<{ id: string; consumed_by: string | null }>(
    `select t.id, t.consumed_by from email_tokens t join users u on u.id = t.user_id
     where u.email = ? and t.purpose = 'recovery'`,
    email,
  )

describe('minting a recovery link', () => {
  it('mails the owner a one-hour link, stored hashed and never in the answer', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    const started = s.rig.runtime.now()
    const minted = await mint(s, s.team.ownerEmail)
    expect(minted.status).toBe(201)
    const body = (await minted.json()) as Record<string, string>
    expect(Object.keys(body)).toEqual(['expiresAt'])
    const expiresMs = Date.parse(body.expiresAt!)
    expect(expiresMs - started).toBeGreaterThan(hourMs - 5000)
    expect(expiresMs - started).toBeLessThanOrEqual(hourMs + 1000)
    const mail = lastMailTo(s.rig, s.team.ownerEmail)
    expect(mail.subject).toContain('Recovery sign-in')
    const token = linkIn(mail, '/recover/').split('/').pop()!
    expect(await recoveryTokens(s.team.ownerEmail)).toEqual([
      { id: await hashToken(token), consumed_by: null },
    ])
    expect(JSON.stringify(body)).not.toContain(token)
    expect(lines.join('\n')).not.toContain(token)
    const events = await query<{ email: string; outcome: string }>(
      `select email, outcome from events where team_id = ? and action = 'post_recovery_link'`,
      s.team.teamId,
    )
    expect(events).toEqual([{ email: s.team.ownerEmail, outcome: 'success' }])
    s.tally.accepted()
  })

  it('refuses an email that is neither the owner nor an admin: 400, nothing mailed or stored', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    // The IdP's person joins the team as a plain member.
    const { expectSignedIn } = await import('./scene')
    await expectSignedIn(s)
    for (const email of [s.email, 'nobody@elsewhere.example']) {
      const mailsBefore = s.rig.mails.length
      await s.tally.baseline()
      await s.tally.refused(await mint(s, email), { status: 400, code: 'recovery_not_allowed' })
      expect(s.rig.mails.length).toBe(mailsBefore)
      expect(await recoveryTokens(email)).toEqual([])
    }
  })

  it('caps links at three a person an hour', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    for (let i = 0; i < 3; i++) expect((await mint(s, s.team.ownerEmail)).status).toBe(201)
    const mailsBefore = s.rig.mails.length
    await s.tally.refused(await mint(s, s.team.ownerEmail), { status: 429, code: 'rate_limited' })
    expect(s.rig.mails.length).toBe(mailsBefore)
    expect(await recoveryTokens(s.team.ownerEmail)).toHaveLength(3)
  })
})

describe('using a recovery link', () => {
  it('confirms, then signs in with authMethod recovery for one hour and tells the owner', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    const link = await mailedLink(s)
    const browser = new Browser()
    const page = await s.rig.fetch(browser, link)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(`data-testid="recovery-email">${s.team.ownerEmail}<`)
    expect(html).toContain('<form method="post">')
    // Viewing the page neither uses the link nor signs in.
    expect((await recoveryTokens(s.team.ownerEmail))[0]?.consumed_by).toBeNull()
    expect((await me(s.rig, browser)).status).toBe(401)
    const mailsBefore = s.rig.mails.length
    const used = await s.rig.fetch(browser, link, formPost({}))
    expect([used.status, used.headers.get('location')]).toEqual([
      303,
      'https://sso.example.com/app',
    ])
    const who = (await (await me(s.rig, browser)).json()) as {
      user: { email: string }
      authMethod: string
    }
    expect([who.user.email, who.authMethod]).toEqual([s.team.ownerEmail, 'recovery'])
    const token = (await (await s.rig.fetch(browser, '/api/token')).json()) as { token: string }
    expect(decodeJwt(token.token)).toMatchObject({ amr: ['recovery'], role: 'owner' })
    const sessions = await query<{ auth_method: string; expires_at: number; created_at: number }>(
      `select s.auth_method, s.expires_at from sessions s join users u on u.id = s.user_id where u.email = ?`,
      s.team.ownerEmail,
    )
    const nowS = Math.floor(s.rig.runtime.now() / 1000)
    expect(sessions).toHaveLength(1)
    expect(sessions[0]!.auth_method).toBe('recovery')
    expect(sessions[0]!.expires_at - nowS).toBeLessThanOrEqual(3600)
    expect(sessions[0]!.expires_at - nowS).toBeGreaterThan(3590)
    expect(await teamEvents(s.team.teamId, `action = 'recovery_login'`, 'action')).toEqual([
      'recovery_login',
    ])
    const notice = s.rig.mails.slice(mailsBefore)
    expect(notice.map((m) => [m.to, m.subject])).toEqual([
      [s.team.ownerEmail, expect.stringContaining('A recovery link was used')],
    ])
    // Never renewed: rechecks keep it, and it ends one hour after the link was used.
    s.advance(30 * 60 * 1000)
    expect((await me(s.rig, browser)).status).toBe(200)
    s.advance(30 * 60 * 1000 + 1000)
    expect((await me(s.rig, browser)).status).toBe(401)
    s.tally.accepted()
  })

  it('answers one 404 page for a link used twice, an expired one and a forged one', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    const used = await mailedLink(s)
    expect((await s.rig.fetch(new Browser(), used, formPost({}))).status).toBe(303)
    const expired = await mailedLink(s)
    s.advance(hourMs + 1000)
    const forged = `/recover/${'A'.repeat(43)}`
    const pages: string[] = []
    for (const link of [used, expired, forged, '/recover/short']) {
      for (const init of [undefined, formPost({})]) {
        await s.tally.baseline()
        const browser = new Browser()
        const { body } = await s.tally.refused(await s.rig.fetch(browser, link, init), {
          status: 404,
          code: 'recovery_link_invalid',
        })
        pages.push(body.replace(/data-testid="reference-id">[\w-]*</, ''))
        expect((await me(s.rig, browser)).status).toBe(401)
      }
    }
    expect(new Set(pages).size).toBe(1)
    expect(
      await teamEvents(s.team.teamId, `action = 'recovery_login' and outcome = 'success'`),
    ).toEqual(['recovery_login'])
  })

  it('refuses a cross-site post, leaving the link unused', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    const link = await mailedLink(s)
    await s.tally.baseline()
    const crossSite = formPost(
      {},
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    )
    await s.tally.refused(await s.rig.fetch(new Browser(), link, crossSite), {
      status: 403,
      code: 'csrf_refused',
    })
    expect((await recoveryTokens(s.team.ownerEmail))[0]?.consumed_by).toBeNull()
  })
})

describe('the console', () => {
  it('sends a recovery link from the team card, mailed only', async (ctx) => {
    const s = await scene({ ctx, area: 'recovery' })
    const support = new Browser()
    await s.rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    const card = await (await s.rig.fetch(support, `/admin?team=${s.team.teamId}`)).text()
    expect(card).toContain(`action="/admin/teams/${s.team.teamId}/recovery-links"`)
    expect(card).toContain('Send a recovery link')
    const sent = await s.rig.fetch(
      support,
      `/admin/teams/${s.team.teamId}/recovery-links`,
      formPost({ email: s.team.ownerEmail }),
    )
    expect(sent.status).toBe(303)
    const notice = await (await s.rig.fetch(support, sent.headers.get('location')!)).text()
    expect(notice).toContain('A recovery link was mailed')
    const token = linkIn(lastMailTo(s.rig, s.team.ownerEmail), '/recover/').split('/').pop()!
    expect(notice).not.toContain(token)
    expect(await teamEvents(s.team.teamId, `action = 'console_recovery_link'`)).toEqual([
      'console_recovery_link',
    ])
    s.tally.accepted()
  })
})
