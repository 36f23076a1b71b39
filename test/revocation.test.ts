// Access ends within one recheck interval: support's removal and revocation, disabled or deleted connections,
// roles in /api/me, and RP-initiated logout at the IdP.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/env'
import { Browser, expectRefusal, me, publicOrigin, type Rig, unique } from './harness'
import { query } from './rows'
import { register, tileLogin } from './logins'
import { addTeam, expectSignedIn, scene } from './scene'

const recheckSeconds = 60

/** The scene's Ada, signed in through the tile; `advance` moves the worker's clock by seconds. */
async function signedInMember() {
  const s = await scene()
  const browser = await expectSignedIn(s)
  const [user] = await query<{ id: string }>('select id from users where email = ?', s.email)
  return {
    ...s,
    browser,
    userId: user!.id,
    advance: (seconds: number) => s.advance(seconds * 1000),
  }
}

type Member = Awaited<ReturnType<typeof signedInMember>>

const liveSessions = async (userId: string) =>
  (
    await query<{ n: number }>(
      'select count(*) as n from sessions where user_id = ? and revoked_at is null',
      userId,
    )
  )[0]!.n

/** Still signed in until the interval ends, then 401: and between rechecks, no D1 read. */
async function expectEndsAtRecheck(m: Member) {
  m.rig.resetCounters()
  expect((await me(m.rig, m.browser)).status).toBe(200)
  expect(m.rig.counters.d1).toBe(0)
  m.advance(recheckSeconds + 1)
  expect((await me(m.rig, m.browser)).status).toBe(401)
}

describe('recheck interval', () => {
  it('defaults to 60 seconds', () => {
    const config = readConfig({ ...env, SESSION_RECHECK_SECONDS: '' } as Env, `${publicOrigin}/`)
    expect(config.sessionRecheckSeconds).toBe(60)
    expect(env.SESSION_RECHECK_SECONDS).toBe('60')
  })
})

describe('support ends access', () => {
  it('removes a member (204): membership gone, sessions revoked, 401 at the recheck; they may join again through SSO', async () => {
    const m = await signedInMember()
    const removed = await m.rig.admin(
      'DELETE',
      `/admin/api/teams/${m.team.teamId}/members/${m.userId}`,
    )
    expect(removed.status).toBe(204)
    expect(await query('select * from memberships where user_id = ?', m.userId)).toEqual([])
    expect(await liveSessions(m.userId)).toBe(0)
    const [event] = await query<{ outcome: string; email: string }>(
      "select outcome, email from events where team_id = ? and kind = 'admin' and action = 'delete_team_member'",
      m.team.teamId,
    )
    expect(event).toEqual({ outcome: 'success', email: m.email })
    await expectEndsAtRecheck(m)
    const again = new Browser()
    expect((await tileLogin(m.rig, again, 'okta-ada')).callback.status).toBe(303)
    const body = (await (await me(m.rig, again)).json()) as any
    expect([body.user.id, body.team.id, body.role]).toEqual([m.userId, m.team.teamId, 'member'])
  })

  it('refuses to remove the owner (409) and answers 404 for someone not in the team', async () => {
    const m = await signedInMember()
    const [owner] = await query<{ id: string }>(
      'select id from users where email = ?',
      m.team.ownerEmail,
    )
    const refused = await m.rig.admin(
      'DELETE',
      `/admin/api/teams/${m.team.teamId}/members/${owner!.id}`,
    )
    await expectRefusal(refused, { status: 409, code: 'owner_not_removable' })
    expect(await query('select * from memberships where user_id = ?', owner!.id)).toHaveLength(1)
    const other = await addTeam(m.rig)
    expect(
      (await m.rig.admin('DELETE', `/admin/api/teams/${other.teamId}/members/${m.userId}`)).status,
    ).toBe(404)
    expect(
      (await m.rig.admin('DELETE', `/admin/api/teams/${m.team.teamId}/members/nobody`)).status,
    ).toBe(404)
    expect(await liveSessions(m.userId)).toBe(1)
  })

  it('revokes every session of a user (204) and they end at the recheck; 404 for an unknown user', async () => {
    const m = await signedInMember()
    const second = new Browser()
    await tileLogin(m.rig, second, 'okta-ada')
    expect(await liveSessions(m.userId)).toBe(2)
    expect((await m.rig.admin('DELETE', `/admin/api/users/${m.userId}/sessions`)).status).toBe(204)
    expect(await liveSessions(m.userId)).toBe(0)
    await expectEndsAtRecheck(m)
    expect((await me(m.rig, second)).status).toBe(401)
    expect((await m.rig.admin('DELETE', '/admin/api/users/nobody/sessions')).status).toBe(404)
    // Revoked is not removed: a new login works.
    expect((await tileLogin(m.rig, new Browser(), 'okta-ada')).callback.status).toBe(303)
  })
})

const patchConnection = (m: { rig: Rig; team: { connectionId: string } }, body: object) =>
  m.rig.admin('PATCH', `/admin/api/sso-connections/${m.team.connectionId}`, body)

describe('connections', () => {
  it('disabling the connection ends its SSO sessions at the next recheck', async () => {
    const m = await signedInMember()
    const patched = await patchConnection(m, { enabled: false })
    expect(patched.status).toBe(200)
    await expectEndsAtRecheck(m)
  })

  it('deleting the connection ends its SSO sessions at the next recheck', async () => {
    const m = await signedInMember()
    expect(
      (await m.rig.admin('DELETE', `/admin/api/sso-connections/${m.team.connectionId}`)).status,
    ).toBe(204)
    await expectEndsAtRecheck(m)
  })
})

describe('roles in /api/me', () => {
  it('owner for the owner, member for a member, null without a team', async () => {
    const m = await signedInMember()
    expect(((await (await me(m.rig, m.browser)).json()) as any).role).toBe('member')
    m.rig.idp.addUser({ sub: 'okta-owner', email: m.team.ownerEmail, email_verified: true })
    const owner = new Browser()
    await tileLogin(m.rig, owner, 'okta-owner')
    expect(((await (await me(m.rig, owner)).json()) as any).role).toBe('owner')
    const solo = new Browser()
    // A verified email (main's second stage): only a proven account creates a team.
    await register(m.rig, solo, `solo@${unique('solo')}.example`)
    expect(((await (await me(m.rig, solo)).json()) as any).role).toBeNull()
    const team = await m.rig.fetch(solo, '/api/team', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: publicOrigin },
      body: JSON.stringify({ name: 'Solo', defaultPermission: 'private' }),
    })
    expect(team.status).toBe(201)
    expect(((await (await me(m.rig, solo)).json()) as any).role).toBe('owner')
    m.advance(recheckSeconds + 1)
    expect(((await (await me(m.rig, solo)).json()) as any).role).toBe('owner')
  })
})

describe('RP-initiated logout', () => {
  it('with endIdpSession, POST /logout of an SSO session goes to end_session_endpoint with id_token_hint, client_id, state, post_logout_redirect_uri', async () => {
    const m = await signedInMember()
    const patched = await patchConnection(m, { endIdpSession: true })
    expect(((await patched.json()) as any).endIdpSession).toBe(true)
    const [row] = await query<{ id_token_sealed: string }>(
      'select id_token_sealed from sessions where user_id = ? and revoked_at is null',
      m.userId,
    )
    expect(row!.id_token_sealed).toMatch(/^v1\./)
    const response = await m.rig.fetch(m.browser, '/logout', {
      method: 'POST',
      headers: { origin: publicOrigin },
    })
    expect(response.status).toBe(303)
    const location = new URL(response.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe(`${m.rig.idp.issuer}/v1/logout`)
    const params = location.searchParams
    expect(params.get('client_id')).toBe(m.team.clientId)
    expect(params.get('post_logout_redirect_uri')).toBe(`${publicOrigin}/`)
    expect(params.get('state')).toMatch(/^[\w-]{16,}$/)
    const [, payload] = params.get('id_token_hint')!.split('.')
    const claims = JSON.parse(atob(payload!.replaceAll('-', '+').replaceAll('_', '/')))
    expect([claims.iss, claims.sub, claims.aud]).toEqual([
      m.rig.idp.issuer,
      'okta-ada',
      m.team.clientId,
    ])
    expect(m.browser.cookies.has('__Host-edge_sso_session')).toBe(false)
    expect(await liveSessions(m.userId)).toBe(0)
    expect(JSON.stringify(response.headers.getSetCookie())).not.toContain(
      params.get('id_token_hint'),
    )
  })

  it('without endIdpSession (the default) logout stays local', async () => {
    const m = await signedInMember()
    const response = await m.rig.fetch(m.browser, '/logout', {
      method: 'POST',
      headers: { origin: publicOrigin },
    })
    expect([response.status, response.headers.get('location')]).toEqual([303, '/'])
    expect(await liveSessions(m.userId)).toBe(0)
  })
})
