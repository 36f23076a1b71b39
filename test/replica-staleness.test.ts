// A lagging read replica (test/replica.ts: reads a replica may serve come from a copy of D1 taken earlier)
// neither keeps a revoked user in past the recheck interval nor lets a refused login through.
import { describe, expect, it } from 'vitest'
import { countingD1 } from '../instrumentation/counting'
import { Browser, me } from './harness'
import { tileLogin } from './logins'
import { query } from './rows'
import { LaggingReplica } from './replica'
import { expectSignedIn, scene } from './scene'

const recheckSeconds = 60

/** The scene's Ada signed in twice (two browsers), with the worker's D1 behind a replica that lags. */
async function signedInBehindALaggingReplica() {
  const s = await scene()
  const replica = await LaggingReplica.create()
  s.rig.testEnv.DB = countingD1(replica.binding(), s.rig.counters)
  await replica.snapshot() // the replica has caught up with the team's setup
  const first = await expectSignedIn(s)
  const second = await expectSignedIn(s)
  const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
  return { ...s, replica, first, second, userId: user!.id }
}

describe('a lagging read replica', () => {
  it('keeps no revoked user in past the recheck interval, though it still shows their sessions live', async () => {
    // What broke with a recheck that renews the cookie from a replica read as if it were fresh: a replica
    // that has not seen the revocation renews the session for a whole new interval after it.
    const s = await signedInBehindALaggingReplica()
    s.advance((recheckSeconds + 1) * 1000)
    // The first browser's recheck reads the primary (this isolate's last primary bookmark is too old) and
    // leaves a fresh one; the replica copies the state as it is now.
    expect((await me(s.rig, s.first)).status).toBe(200)
    await s.replica.snapshot()
    s.advance(10_000)
    expect((await s.rig.admin('DELETE', `/admin/api/users/${s.userId}/sessions`)).status).toBe(204)
    s.advance(10_000)
    // The second browser's recheck, after the revocation: the replica (anchored at that recent bookmark)
    // has not seen it and lets Ada in, but counts the interval from the bookmark's time, not from now.
    const replicaReads = s.replica.replicaReads
    expect((await me(s.rig, s.second)).status).toBe(200)
    expect(s.replica.replicaReads).toBe(replicaReads + 1)
    // One recheck interval after the revocation (10 s before the second browser's recheck), neither is let in.
    s.advance((recheckSeconds - 10) * 1000)
    expect((await me(s.rig, s.second)).status).toBe(401)
    expect((await me(s.rig, s.first)).status).toBe(401)
  })

  it('lets no refused login through: a disabled connection starts at a stale initiate, and the callback refuses', async () => {
    // The callback reads the login's facts from a replica at least as fresh as its own spent state, so a
    // replica that has not seen the connection disabled cannot sign anyone in through it.
    const s = await signedInBehindALaggingReplica()
    await s.replica.snapshot()
    const disabled = await s.rig.admin(
      'PATCH',
      `/admin/api/sso-connections/${s.team.connectionId}`,
      { enabled: false },
    )
    expect(disabled.status).toBe(200)
    await s.tally.baseline()
    const browser = new Browser()
    const { initiate, callback } = await tileLogin(s.rig, browser, 'okta-ada')
    expect(initiate.status, 'the replica still shows the connection enabled').toBe(302)
    await s.tally.refused(callback, { status: 403, code: 'connection_disabled' })
    expect((await me(s.rig, browser)).status).toBe(401)
  })
})
