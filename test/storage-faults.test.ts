// Faults in our own storage: D1 failing before, during and inside the provisioning write; KV unavailable or corrupt.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { Browser, formPost, me } from './harness'
import { injectD1Fault, loginWithHeldWriteBehind, type Verdict } from './d1-faults'
import { query } from './rows'
import { expectRefusedLogin, expectSignedIn, initiatePath, pendingLogin, scene } from './scene'

const area = 'Storage faults'
const storageUnavailable = { status: 503, code: 'storage_unavailable' }

const provisions = (sqls: string[]) => sqls.some((sql) => /^insert into "users"/i.test(sql))

async function rowsFor(email: string) {
  const users = await query<{ id: string }>('select id from users where email = ?', email)
  const ids = users.map((u) => u.id)
  const count = async (table: string) =>
    (
      await query(
        `select * from ${table} where user_id in (${ids.map(() => '?').join(',') || "''"})`,
        ...ids,
      )
    ).length
  return {
    users: users.length,
    memberships: await count('memberships'),
    identities: await count('identities'),
    sessions: await count('sessions'),
  }
}

describe('D1 faults during a just-in-time login', () => {
  it('the provisioning write rejected: a clean 503 page, no half-created user, and the next login works', async (ctx) => {
    const s = await scene({ ctx, area })
    const restore = injectD1Fault(s.rig, (sqls) => (provisions(sqls) ? 'reject' : 'run'))
    await expectRefusedLogin(s, storageUnavailable)
    restore()
    expect(await rowsFor(s.email)).toEqual({ users: 0, memberships: 0, identities: 0, sessions: 0 })
    await expectSignedIn(s)
    expect(await rowsFor(s.email)).toEqual({ users: 1, memberships: 1, identities: 1, sessions: 1 })
  })

  it('a statement failing inside D1 after the user and membership inserts ran: all of it rolled back', async (ctx) => {
    const s = await scene({ ctx, area })
    const batches: string[][] = []
    const restore = injectD1Fault(s.rig, (sqls) => {
      batches.push(sqls)
      return provisions(sqls) ? 'poison' : 'run'
    })
    await expectRefusedLogin(s, storageUnavailable)
    restore()
    const written = batches.find(provisions)!
    expect(written.map((sql) => /^(?:insert into|update) "(\w+)"/i.exec(sql)?.[1])).toEqual([
      'events',
      'users',
      'memberships',
      'identities',
      'sso_connections',
    ])
    expect(await rowsFor(s.email)).toEqual({ users: 0, memberships: 0, identities: 0, sessions: 0 })
    await expectSignedIn(s)
    expect(await rowsFor(s.email)).toEqual({ users: 1, memberships: 1, identities: 1, sessions: 1 })
  })

  it('the callback facts read failing: a clean 503 page, nothing written', async (ctx) => {
    const s = await scene({ ctx, area })
    const { browser, callbackUrl } = await pendingLogin(s)
    await s.tally.baseline()
    s.rig.faults.d1Batch = true
    const callback = await s.rig.fetch(browser, callbackUrl)
    s.rig.faults.d1Batch = false
    await s.tally.refused(callback, storageUnavailable)
    await expectSignedIn(s)
  })

  it('D1 reads failing at initiate: a clean 503 page, no redirect to the IdP', async (ctx) => {
    const s = await scene({ ctx, area })
    await s.tally.baseline()
    const restore = injectD1Fault(s.rig, (sqls) =>
      sqls.every((sql) => /^select/i.test(sql)) ? 'reject' : 'run',
    )
    const initiate = await s.rig.fetch(new Browser(), initiatePath(s))
    restore()
    expect(initiate.headers.get('location')).toBeNull()
    await s.tally.refused(initiate, storageUnavailable)
  })

  it('registration with the write rejected: a clean 503 page, no user', async (ctx) => {
    const s = await scene({ ctx, area })
    await s.tally.baseline()
    const restore = injectD1Fault(s.rig, (sqls) => (provisions(sqls) ? 'reject' : 'run'))
    const email = `grace@${s.team.domain.replace(/^acme/, 'solo')}`
    const response = await s.rig.fetch(
      new Browser(),
      '/register',
      formPost({ email, password: 'correct horse battery' }),
    )
    restore()
    await s.tally.refused(response, storageUnavailable)
    expect(await rowsFor(email)).toEqual({ users: 0, memberships: 0, identities: 0, sessions: 0 })
  })
})

describe('KV faults: the worker falls back to the IdP and stays correct', () => {
  it('KV down from a cold start: logins succeed from the IdP, in a fresh isolate too', async (ctx) => {
    const s = await scene({ ctx, area })
    s.rig.faults.kvDown = true
    await expectSignedIn(s)
    s.rig.runtime.documents.clear()
    s.rig.runtime.keyCaches.clear()
    await expectSignedIn(s)
    expect(s.rig.idp.count('discovery')).toBeGreaterThanOrEqual(3)
    expect(s.rig.idp.count('jwks')).toBe(2)
    expect(s.rig.counters.kvReads).toBeGreaterThan(0)
  })

  it('KV down: a forged signature is still refused', async (ctx) => {
    const s = await scene({ ctx, area })
    s.rig.faults.kvDown = true
    s.rig.idp.behaviour.idToken = { sign: 'wrongKey' }
    await expectRefusedLogin(s, { status: 403, code: 'token_invalid' })
  })

  it('KV down, memory empty and the IdP down: a clean 502 page', async (ctx) => {
    const s = await scene({ ctx, area })
    s.rig.faults.kvDown = true
    s.rig.idp.behaviour.down = { discovery: true, jwks: true }
    await s.tally.baseline()
    const initiate = await s.rig.fetch(new Browser(), initiatePath(s))
    await s.tally.refused(initiate, { status: 502, code: 'idp_unreachable' })
  })

  it('a corrupt KV entry is a cache miss: the IdP is asked and the login succeeds', async (ctx) => {
    const s = await scene({ ctx, area })
    await env.CACHE.put(`discovery:${s.rig.idp.issuer}`, '{not json')
    await env.CACHE.put(
      `jwks:${s.rig.idp.issuer}`,
      JSON.stringify({ value: { keys: 'nope' }, fetchedAt: 'yesterday' }),
    )
    await expectSignedIn(s)
    expect([s.rig.idp.count('discovery') >= 2, s.rig.idp.count('jwks')]).toEqual([true, 1])
  })
})

describe('D1 faults after the response (write-behind)', () => {
  const writesSession = (sqls: string[]) => sqls.some((sql) => /^insert into "sessions"/i.test(sql))

  /**
   * A returning user's login (in a browser that signed in and out before: not asked again) whose session
   * batch fails `failures` times after the response, with `verdict`.
   */
  async function returningLoginWithLostWrites(failures: number, verdict: Verdict = 'lost') {
    const s = await scene()
    const browser = await expectSignedIn(s)
    expect((await s.rig.fetch(browser, '/logout', formPost({}))).status).toBe(303)
    let failed = 0
    const restore = injectD1Fault(s.rig, (sqls) =>
      writesSession(sqls) && failed++ < failures ? verdict : 'run',
    )
    await expectSignedIn(s, browser)
    restore()
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    const sessions = await query('select id from sessions where user_id = ?', user!.id)
    return { s, browser, sessions, failed }
  }

  it('a session batch that D1 says lost its connection once is retried: the row is written', async () => {
    const { s, sessions } = await returningLoginWithLostWrites(1)
    expect(sessions).toHaveLength(2)
    expect(s.rig.runtime.writeBehindFailures).toBe(0)
  })

  it('a session batch lost twice is counted, and the session it would have stored ends at the next recheck', async () => {
    const { s, browser, sessions } = await returningLoginWithLostWrites(2)
    expect(sessions).toHaveLength(1)
    expect(s.rig.runtime.writeBehindFailures).toBe(1)
    s.advance(61_000)
    expect((await me(s.rig, browser)).status).toBe(401)
  })

  it('an error D1 does not call transient is not retried: one attempt, counted lost', async () => {
    // Before: any error was retried, and a unique violation on the retry was read as the first attempt's success.
    const { s, sessions, failed } = await returningLoginWithLostWrites(1, 'reject')
    expect(failed, 'attempts').toBe(1)
    expect(sessions).toHaveLength(1)
    expect(s.rig.runtime.writeBehindFailures).toBe(1)
  })

  it('a logout before the write-behind lands stores the row ended, and the real late write cannot revive it', async () => {
    // Before: logout updated a row that was not there yet; the login's write then stored it live.
    const s = await scene()
    const browser = await expectSignedIn(s)
    expect((await s.rig.fetch(browser, '/logout', formPost({}))).status).toBe(303)
    // The returning login's session row is its write-behind, held at D1 until the logout has run.
    const { callback, land } = await loginWithHeldWriteBehind(s.rig, {
      browser,
      initiatePath: initiatePath(s),
      person: 'okta-ada',
    })
    expect(callback.status).toBe(302)
    const copied = new Browser()
    copied.cookies.set('__Host-edge_sso_session', browser.cookies.get('__Host-edge_sso_session')!)
    expect((await s.rig.fetch(browser, '/logout', formPost({}))).status).toBe(303)
    await land()
    const rows = await query<{ revoked_at: number | null }>(
      'select s.revoked_at from sessions s join users u on u.id = s.user_id where u.email = ?',
      s.email,
    )
    expect(rows, 'both sessions stored, both ended').toHaveLength(2)
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true)
    expect(s.rig.runtime.writeBehindFailures).toBe(0)
    s.advance(61_000)
    expect((await me(s.rig, copied)).status).toBe(401)
  })
})
