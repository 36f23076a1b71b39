// Races: concurrent first logins, a double-submitted callback, concurrent admin writes to one connection or team.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { fromBase64Url } from '../src/crypto/encoding'
import { unseal } from '../src/crypto/secret-box'
import type { Tally } from './figures'
import { Browser, formPost, publicOrigin, unique } from './harness'
import { asksToConfirm, finishLogin } from './logins'
import { query } from './rows'
import { addTeam, expectSignedIn, pendingLogin, scene, sub } from './scene'

const area = 'Races'

/** Concurrent attempts of which exactly one may win (`won` status); each loser must be refused with `lost`. */
async function expectOneWinner(
  tally: Tally,
  responses: Response[],
  won: number,
  lost: { status: number; code: string },
) {
  expect(responses.filter((r) => r.status === won)).toHaveLength(1)
  tally.accepted()
  for (const loser of responses.filter((r) => r.status !== won)) await tally.refused(loser, lost)
}
const dataKey = fromBase64Url(env.DATA_KEY)

describe('concurrent logins', () => {
  it('20 concurrent first logins for one new email create exactly one user, membership and identity', async (ctx) => {
    const s = await scene({ ctx, area })
    const pending = []
    for (let i = 0; i < 20; i++) pending.push(await pendingLogin(s))
    const logins = await Promise.all(
      pending.map(({ browser, callbackUrl }) => finishLogin(s.rig, browser, callbackUrl)),
    )
    const callbacks = logins.map((l) => l.callback)
    expect(callbacks.map((r) => [r.status, r.headers.get('location')])).toEqual(
      pending.map(() => [303, `${publicOrigin}/app`]),
    )
    callbacks.forEach(() => s.tally.accepted())
    const users = await query<{ id: string }>('select id from users where email = ?', s.email)
    expect(users).toHaveLength(1)
    const userId = users[0]!.id
    expect(await query('select * from memberships where user_id = ?', userId)).toMatchObject([
      { team_id: s.team.teamId, role: 'member' },
    ])
    expect(await query('select * from identities where user_id = ?', userId)).toMatchObject([
      { connection_id: s.team.connectionId, subject: sub },
    ])
    expect(await query('select * from sessions where user_id = ?', userId)).toHaveLength(20)
    const events = await query<{ outcome: string }>(
      "select outcome from events where email = ? and action = 'sso_callback'",
      s.email,
    )
    expect(events.map((e) => e.outcome)).toEqual(Array(20).fill('success'))
  })

  it('one callback sent twice at once (a double submit): one session, the other refused as a used code', async (ctx) => {
    const s = await scene({ ctx, area })
    const { browser, callbackUrl } = await pendingLogin(s)
    const twin = new Browser()
    for (const [name, value] of browser.cookies) twin.cookies.set(name, value)
    const [first, second] = await Promise.all([
      s.rig.fetch(browser, callbackUrl),
      s.rig.fetch(twin, callbackUrl),
    ])
    const [won, lost] = first!.status === 200 ? [first!, second!] : [second!, first!]
    expect(await asksToConfirm(won)).toBe(true)
    const winner = won === first ? browser : twin
    const confirmed = await s.rig.fetch(winner, '/sso/confirm', formPost({}))
    expect(confirmed.headers.get('location')).toBe(`${publicOrigin}/app`)
    s.tally.accepted()
    await s.tally.refused(lost, { status: 400, code: 'code_rejected' })
    const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
    expect(await query('select * from sessions where user_id = ?', user!.id)).toHaveLength(1)
  })

  it('10 concurrent registrations of one email: one account, the others refused as taken', async (ctx) => {
    const { rig, tally } = await scene({ ctx, area })
    const email = `lin@${unique('solo')}.example`
    const register = () =>
      rig.fetch(new Browser(), '/register', formPost({ email, password: 'correct horse battery' }))
    const responses = await Promise.all(Array.from({ length: 10 }, register))
    await expectOneWinner(tally, responses, 303, { status: 409, code: 'email_taken' })
    const users = await query<{ id: string }>('select id from users where email = ?', email)
    expect(users).toHaveLength(1)
    expect(await query('select * from sessions where user_id = ?', users[0]!.id)).toHaveLength(1)
  })
})

describe('concurrent admin writes', () => {
  it('concurrent updates of one connection end in one consistent state, with no secret lost', async (ctx) => {
    const s = await scene({ ctx, area })
    const pairs = Array.from({ length: 10 }, (_, i) => ({
      clientId: `${s.team.clientId}-v${i}`,
      clientSecret: `rotated-secret-${i}-${unique('s')}`,
    }))
    for (const pair of pairs)
      s.rig.idp.addClient({
        client_id: pair.clientId,
        client_secret: pair.clientSecret,
        redirect_uri: `${publicOrigin}/sso/callback`,
      })
    const path = `/admin/api/sso-connections/${s.team.connectionId}`
    const patches = [
      ...pairs,
      ...Array.from({ length: 5 }, () => ({ enabled: true })),
      ...Array.from({ length: 5 }, () => ({ tokenEndpointAuthMethod: 'client_secret_basic' })),
    ]
    const responses = await Promise.all(patches.map((patch) => s.rig.admin('PATCH', path, patch)))
    expect(responses.map((r) => r.status)).toEqual(patches.map(() => 200))
    for (const response of responses)
      expect(await response.text()).not.toMatch(/rotated-secret|secret_sealed|clientSecret/)
    const [row] = await query<{ client_id: string; client_secret_sealed: string; enabled: number }>(
      'select * from sso_connections where id = ?',
      s.team.connectionId,
    )
    const pair = pairs.find((p) => p.clientId === row!.client_id)
    expect(pair, 'the final client id is one of the patched ones').toBeDefined()
    expect(await unseal(dataKey, row!.client_secret_sealed, s.team.connectionId)).toBe(
      pair!.clientSecret,
    )
    expect(row!.enabled).toBe(1)
    const events = await query(
      "select * from events where team_id = ? and kind = 'admin' and outcome = 'success' and action like 'patch%'",
      s.team.teamId,
    )
    expect(events).toHaveLength(patches.length)
    await expectSignedIn(s)
  })

  it('concurrent connection creation for one team: each request makes its own connection (a team may have several)', async (ctx) => {
    const { rig, tally } = await scene({ ctx, area })
    const { ownerEmail, teamId } = await addTeam(rig, { connect: false })
    const create = (i: number) =>
      rig.admin('POST', '/admin/api/sso-connections', {
        ownerEmail,
        clientId: `client-${i}`,
        clientSecret: `secret-${i}-long-enough`,
        issuer: rig.idp.issuer,
      })
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => create(i)))
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201))
    responses.forEach(() => tally.accepted())
    const rows = await query<{ client_id: string }>(
      'select client_id from sso_connections where team_id = ?',
      teamId,
    )
    expect(rows.map((r) => r.client_id).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `client-${i}`).sort(),
    )
  })

  it('concurrent team creation for one owner: one team, the others refused as already in a team', async (ctx) => {
    const { rig, tally } = await scene({ ctx, area })
    const domain = `${unique('race')}.example`
    const ownerEmail = `owner@${domain}`
    // Each request names its own domain, so the only thing they compete for is the owner.
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        rig.admin('POST', '/admin/api/teams', {
          name: `Race ${i}`,
          ownerEmail,
          domains: [`d${i}.${domain}`],
        }),
      ),
    )
    await expectOneWinner(tally, responses, 201, { status: 409, code: 'already_in_team' })
    const users = await query<{ id: string }>('select id from users where email = ?', ownerEmail)
    expect(users).toHaveLength(1)
    expect(await query('select * from teams where owner_user_id = ?', users[0]!.id)).toHaveLength(1)
    expect(await query('select * from memberships where user_id = ?', users[0]!.id)).toHaveLength(1)
  })
})
