// Logins cannot be ground down: the product's own rate limits (wrangler.toml) on anonymous routes, password attempts and console login.
import { expect, it } from 'vitest'
import { adminToken, Browser, formPost, me, unique } from './harness'
import { query } from './rows'
import { inOneWindow } from './limits'
import { initiatePath, type Scene, scene } from './scene'

const form = (fields: Record<string, string>) => formPost(fields)

async function expectRateLimited(s: Scene, answer: Response, retryAfter: string) {
  expect(answer.headers.get('retry-after')).toBe(retryAfter)
  await s.tally.refused(answer, { status: 429, code: 'rate_limited' })
}

it('anonymous login routes, 100 per 10 seconds per client: a client flooding /sso/initiate is refused 429 from the 101st request, on every anonymous route', async (ctx) => {
  // Broke before: nothing limited the anonymous routes, so one client could send any number.
  const s = await scene({ ctx, area: 'Rate limits' })
  // The cheapest refusal (no issuer: no D1 read, one counted event), so the flood fits one window.
  const noIssuer = '/sso/initiate'
  const { flooder, refused } = await inOneWindow(10, 6000, async () => {
    const flooder = new Browser()
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => s.rig.fetch(flooder, noIssuer)),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(400))
    await s.tally.baseline()
    return { flooder, refused: await s.rig.fetch(flooder, initiatePath(s)) }
  })
  await expectRateLimited(s, refused, '10')
  const others: [string, RequestInit][] = [
    [`/sso/initiate/${s.team.connectionId}`, {}],
    ['/sso/start', form({ email: s.email })],
    ['/login/password', form({ email: s.email, password: 'whatever' })],
    ['/register', form({ email: `new@${s.team.domain}`, password: 'long enough' })],
    ['/password/forgot', form({ email: s.email })],
  ]
  for (const [path, init] of others)
    await expectRateLimited(s, await s.rig.fetch(flooder, path, init), '10')
  expect((await me(s.rig, flooder)).status).toBe(401)
  const redirect = await s.rig.fetch(new Browser(), initiatePath(s))
  expect(redirect.status, 'another client is let through').toBe(302)
}, 60_000)

it('password attempts, 10 a minute per email: password grinding, after 10 wrong passwords in a minute even the right one is refused 429', async (ctx) => {
  // Broke before: any number of guesses per email; the right one after 10 wrong ones signed in.
  const s = await scene({ ctx, area: 'Rate limits' })
  const email = `${unique('grind')}@example.org`
  const password = 'the right password'
  expect((await s.rig.fetch(new Browser(), '/register', form({ email, password }))).status).toBe(
    303,
  )
  const { browser, right } = await inOneWindow(60, 10_000, async () => {
    for (let i = 1; i <= 10; i++) {
      const wrong = await s.rig.fetch(
        new Browser(),
        '/login/password',
        form({ email, password: `guess ${i}` }),
      )
      expect(wrong.status, `guess ${i} from its own client`).toBe(401)
    }
    await s.tally.baseline()
    const browser = new Browser()
    return {
      browser,
      right: await s.rig.fetch(browser, '/login/password', form({ email, password })),
    }
  })
  await expectRateLimited(s, right, '60')
  expect((await me(s.rig, browser)).status).toBe(401)
  const sessions = await query(
    'select s.id from sessions s join users u on u.id = s.user_id where u.email = ?',
    email,
  )
  expect(sessions, 'only the registration signed in').toHaveLength(1)
  const other = `${unique('other')}@example.org`
  const otherAnswer = await s.rig.fetch(
    new Browser(),
    '/login/password',
    form({ email: other, password: 'x' }),
  )
  expect(otherAnswer.status, 'another email is still checked').toBe(401)
}, 40_000)

it('console login, 10 a minute per client: admin token grinding, the 11th console login from one client is refused 429, even with the right token', async (ctx) => {
  // Broke before: the console login took any number of token guesses.
  const s = await scene({ ctx, area: 'Rate limits' })
  const { guesser, right } = await inOneWindow(60, 10_000, async () => {
    const guesser = new Browser()
    for (let i = 1; i <= 10; i++) {
      const wrong = await s.rig.fetch(guesser, '/admin/login', form({ token: `guess-${i}` }))
      expect(wrong.status, `guess ${i}`).toBe(401)
    }
    await s.tally.baseline()
    return {
      guesser,
      right: await s.rig.fetch(guesser, '/admin/login', form({ token: adminToken })),
    }
  })
  await expectRateLimited(s, right, '60')
  expect([...guesser.cookies.keys()]).toEqual([])
  const support = new Browser()
  const signedIn = await s.rig.fetch(support, '/admin/login', form({ token: adminToken }))
  expect(signedIn.status, 'another client signs in').toBe(303)
}, 40_000)
