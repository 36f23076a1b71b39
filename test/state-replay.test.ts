// A callback's state signs in once: replaying the callback (copied cookie, an IdP that redeems a code twice) is refused.
import { describe, expect, it } from 'vitest'
import { Browser, me } from './harness'
import { finishLogin } from './logins'
import { query } from './rows'
import { pendingLogin, type Scene, scene } from './scene'

/** A login waiting at an IdP that redeems a code twice, and a second browser holding a copy of its cookies. */
async function copiedLogin(s: Scene) {
  s.rig.idp.behaviour.reusableCodes = true
  const { browser, callbackUrl } = await pendingLogin(s)
  const copy = new Browser()
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value)
  return { browser, copy, callbackUrl }
}

describe('callback replay', () => {
  it('replayed callback with a copied transaction cookie is refused when the IdP redeems the code twice', async (ctx) => {
    // Broke before: the transaction cookie was the only record, so a copy of it plus a code the IdP
    // accepted again signed in a second time (two sessions from one login).
    const s = await scene({ ctx, area: 'Login replay' })
    const { browser, copy, callbackUrl } = await copiedLogin(s)

    const first = await finishLogin(s.rig, browser, callbackUrl)
    expect(first.callback.status).toBe(303)
    expect((await me(s.rig, browser)).status).toBe(200)

    await s.tally.baseline()
    const replay = await s.rig.fetch(copy, callbackUrl, {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    await s.tally.refused(replay, { status: 400, code: 'login_expired' })
    expect((await me(s.rig, copy)).status).toBe(401)
    const sessions = await query(
      'select s.id from sessions s join users u on u.id = s.user_id where u.email = ?',
      s.email,
    )
    expect(sessions).toHaveLength(1)
    expect(s.rig.idp.count('token'), 'the IdP did redeem the code twice').toBe(2)
  })

  it('a used state is never retried as a lost race: the replay costs one insert, not three batches', async (ctx) => {
    const s = await scene({ ctx, area: 'Login replay' })
    const { browser, copy, callbackUrl } = await copiedLogin(s)
    expect((await finishLogin(s.rig, browser, callbackUrl)).callback.status).toBe(303)
    s.rig.resetCounters()
    const replay = await s.rig.fetch(copy, callbackUrl)
    await s.tally.refused(replay, { status: 400, code: 'login_expired' })
    // The refused used-state insert and the refusal's event row: no facts read, no login batch.
    expect(s.rig.counters.d1).toBe(2)
  })
})
