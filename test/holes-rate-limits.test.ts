// Holes the review of d273349 found in the limits (R6, R11, R12): forged reset links, reset-mail floods, admin token guessing.
import { expect, it } from 'vitest'
import { emailLinksPerHour } from '../src/db/email-tokens'
import { adminToken, Browser, formPost, unique } from './harness'
import { register } from './logins'
import { query } from './rows'
import { inOneWindow } from './limits'
import { scene } from './scene'

const forgedToken = () => `${unique('t')}${'A'.repeat(43)}`.slice(0, 43).replace(/[^\w-]/g, 'A')

it('R6: a forged reset token is refused before PBKDF2 runs, and reset posts from one client stop at the anonymous limit', async (ctx) => {
  // Broke before: POST /password/reset/<token> hashed the new password first and no limit covered the route.
  const s = await scene({ ctx, area: 'Rate limits' })
  const post = (client: Browser) =>
    s.rig.fetch(
      client,
      `/password/reset/${forgedToken()}`,
      formPost({ password: 'x'.repeat(1024) }),
    )
  const { forged, over } = await inOneWindow(10, 6000, async () => {
    const client = new Browser()
    const forged = await Promise.all(Array.from({ length: 100 }, () => post(client)))
    await s.tally.baseline()
    return { forged, over: await post(client) }
  })
  expect(forged.map((a) => a.status)).toEqual(Array(100).fill(400))
  await s.tally.refused(await post(new Browser()), { status: 400, code: 'link_invalid' })
  await s.tally.refused(over, { status: 429, code: 'rate_limited' })
  // The hash is not computed for a forged link: a refused post costs what the GET's lookup does.
  const timed = async (init?: RequestInit) => {
    const started = performance.now()
    for (let i = 0; i < 20; i++)
      await (await s.rig.fetch(new Browser(), `/password/reset/${forgedToken()}`, init)).text()
    return (performance.now() - started) / 20
  }
  const getMs = await timed()
  const postMs = await timed(formPost({ password: 'x'.repeat(1024) }))
  expect(postMs, `POST ${postMs.toFixed(1)} ms, GET ${getMs.toFixed(1)} ms`).toBeLessThan(
    getMs * 2 + 5,
  )
}, 60_000)

it('R11: /password/forgot sends one address at most 3 reset mails, from any number of clients, and answers the same page', async (ctx) => {
  // Broke before: only the client address was limited, so a victim was sent a mail per request (150 in a second).
  const s = await scene({ ctx, area: 'Rate limits' })
  const victim = `${unique('victim')}@solo.example`
  await register(s.rig, new Browser(), victim)
  const before = s.rig.mails.filter((m) => m.to === victim).length
  for (let i = 0; i < 30; i++) {
    const page = await s.rig.fetch(new Browser(), '/password/forgot', formPost({ email: victim }))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-testid="forgot-sent"')
  }
  expect(s.rig.mails.filter((m) => m.to === victim).length - before).toBe(emailLinksPerHour)
  const [links] = await query<{ n: number }>(
    `select count(*) as n from email_tokens t join users u on u.id = t.user_id
     where u.email = ? and t.purpose = 'reset_password'`,
    victim,
  )
  expect(links!.n, 'no link made past the limit').toBe(emailLinksPerHour)
  s.tally.accepted()
}, 60_000)

it('R11: links made over an hour ago do not count: the address is sent a reset link again', async (ctx) => {
  // The hourly cap is counted in D1 from each link's creation time, so it frees itself.
  const s = await scene({ ctx, area: 'Rate limits' })
  const victim = `${unique('victim')}@solo.example`
  await register(s.rig, new Browser(), victim)
  for (let i = 0; i < emailLinksPerHour; i++)
    await query(
      `insert into email_tokens (id, user_id, purpose, expires_at, created_at)
       select ?, id, 'reset_password', unixepoch() - 1, unixepoch() - 3601 from users where email = ?`,
      unique('old-link'),
      victim,
    )
  const before = s.rig.mails.filter((m) => m.to === victim).length
  await s.rig.fetch(new Browser(), '/password/forgot', formPost({ email: victim }))
  expect(s.rig.mails.filter((m) => m.to === victim).length - before).toBe(1)
  s.tally.accepted()
})

it('R12: wrong admin API tokens from one client are refused 429 from the 11th, while another client and the right token still work', async (ctx) => {
  // Broke before: /admin/api/* compared any number of guessed tokens (200 in a row, 401 each).
  const s = await scene({ ctx, area: 'Rate limits' })
  const statuses = await inOneWindow(60, 10_000, async () => {
    const guesser = new Browser()
    const seen: number[] = []
    for (let i = 0; i < 11; i++) {
      const answer = await s.rig.fetch(guesser, '/admin/api/teams', {
        headers: { authorization: `Bearer guess-${i}-0123456789abcdef0123456789` },
      })
      seen.push(answer.status)
      if (i < 10) await answer.text()
      else await s.tally.refused(answer, { status: 429, code: 'rate_limited' })
    }
    return seen
  })
  expect(statuses).toEqual([...Array<number>(10).fill(401), 429])
  const support = await s.rig.fetch(new Browser(), '/admin/api/teams', {
    headers: { authorization: `Bearer ${adminToken}` },
  })
  expect(support.status, "support's own calls are never counted").toBe(200)
  s.tally.accepted()
}, 60_000)
