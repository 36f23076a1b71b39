// Okta Universal Logout: a request signed by the team's issuer ends the member's sessions; forgeries change nothing.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, me, publicOrigin, unique, type Rig } from './harness'
import { byEmail, logoutRequest, logoutTyp } from './logout-requests'
import { query } from './rows'
import { tileLogin } from './logins'
import { expectSignedIn, scene } from './scene'
import { generateSigningKey, signJwt } from './idp/jwt'
import { TestIdp } from './idp/provider'

const endpoint = `${publicOrigin}/sso/universal-logout`

/** The scene's Ada, signed in through the tile, with a second Okta org the worker can reach. */
async function signedInMember(ctx?: TestContext) {
  const other = await TestIdp.create({ issuer: `https://${unique('other')}.okta.test` })
  const s = await scene({ ctx, area: 'Universal Logout forgeries', idps: [other] })
  const { rig, email } = s
  const browser = await expectSignedIn(s)
  const [user] = await query<{ id: string }>('select id from users where email = ?', email)
  const now = () => Math.floor(rig.runtime.now() / 1000)
  return {
    ...s,
    other,
    browser,
    userId: user!.id,
    now,
    advance: (seconds: number) => s.advance(seconds * 1000),
    /** Okta's claims for a request to `aud`, at the test clock's now. */
    claims: (overrides: Record<string, unknown> = {}) => ({
      iss: rig.idp.issuer,
      aud: endpoint,
      iat: now(),
      exp: now() + 300,
      jti: unique('jti'),
      ...overrides,
    }),
  }
}

const typ = logoutTyp

function logout(rig: Rig, token: string | undefined, body: unknown, path?: string) {
  return logoutRequest(rig, { token, body, path })
}

async function liveSessions(userId: string) {
  return (
    await query<{ n: number }>(
      'select count(*) as n from sessions where user_id = ? and revoked_at is null',
      userId,
    )
  )[0]!.n
}

describe('Universal Logout', () => {
  it('ends the member’s sessions (204): revoked rows, an event, and 401 on /api/me after the recheck interval', async () => {
    const s = await signedInMember()
    const token = await s.rig.idp.signToken(s.claims(), typ)
    const response = await logout(s.rig, token, byEmail(s.email.toUpperCase()))
    expect(response.status).toBe(204)
    expect(await liveSessions(s.userId)).toBe(0)
    const [event] = await query<{ kind: string; outcome: string; team_id: string; email: string }>(
      "select kind, outcome, team_id, email from events where action = 'universal_logout' and email = ?",
      s.email,
    )
    expect(event).toEqual({
      kind: 'login',
      outcome: 'success',
      team_id: s.team.teamId,
      email: s.email,
    })
    expect((await me(s.rig, s.browser)).status).toBe(200)
    s.advance(61)
    expect((await me(s.rig, s.browser)).status).toBe(401)
    // Logged out is not deprovisioned: the member may sign in again.
    const again = new Browser()
    expect((await tileLogin(s.rig, again, 'okta-ada')).callback.status).toBe(303)
    expect((await me(s.rig, again)).status).toBe(200)
  })

  it('accepts the iss_sub subject, the `subject` member and the per-connection endpoint', async () => {
    const s = await signedInMember()
    const path = `/sso/universal-logout/${s.team.connectionId}`
    const token = await s.rig.idp.signToken(s.claims({ aud: `${publicOrigin}${path}` }))
    const body = { subject: { format: 'iss_sub', iss: s.rig.idp.issuer, sub: 'okta-ada' } }
    expect((await logout(s.rig, token, body, path)).status).toBe(204)
    expect(await liveSessions(s.userId)).toBe(0)
    // The bare endpoint's audience is not the per-connection one.
    await tileLogin(s.rig, new Browser(), 'okta-ada')
    const wrongAud = await s.rig.idp.signToken(s.claims())
    expect((await logout(s.rig, wrongAud, body, path)).status).toBe(401)
    expect(await liveSessions(s.userId)).toBe(1)
  })

  it('finds the iss_sub subject by an iss with a trailing slash, and by our own user id (also its SCIM id)', async (ctx) => {
    const s = await signedInMember(ctx)
    const issSub = (iss: string, sub: string) => ({ sub_id: { format: 'iss_sub', iss, sub } })
    const sign = () => s.rig.idp.signToken(s.claims(), typ)
    const slashed = await logout(s.rig, await sign(), issSub(`${s.rig.idp.issuer}/`, 'okta-ada'))
    expect(slashed.status).toBe(204)
    expect(await liveSessions(s.userId)).toBe(0)
    s.tally.accepted()

    await expectSignedIn(s)
    expect(await liveSessions(s.userId)).toBe(1)
    const byOurId = await logout(s.rig, await sign(), issSub(s.rig.idp.issuer, s.userId))
    expect(byOurId.status).toBe(204)
    expect(await liveSessions(s.userId)).toBe(0)
    expect(
      await query<{ action: string }>(
        "select action from events where team_id = ? and action = 'universal_logout' and outcome = 'success'",
        s.team.teamId,
      ),
    ).toHaveLength(2)
    s.tally.accepted()

    // Another issuer's iss (slash or not) names nobody here.
    await expectSignedIn(s)
    const foreign = await logout(s.rig, await sign(), issSub(`${s.other.issuer}/`, s.userId))
    await s.tally.refused(foreign, { status: 404, code: 'logout_subject_unknown' })
    expect(await liveSessions(s.userId)).toBe(1)
  })

  it.for<[string, (s: Awaited<ReturnType<typeof signedInMember>>) => Promise<string>]>([
    [
      'an unknown key',
      async (s: Awaited<ReturnType<typeof signedInMember>>) => {
        const key = await generateSigningKey()
        return signJwt({ alg: 'RS256', kid: key.kid }, s.claims(), key.privateKey)
      },
    ],
    [
      'a key not in the JWKS under the current kid',
      async (s: Awaited<ReturnType<typeof signedInMember>>) => {
        const key = await generateSigningKey()
        const kid = JSON.parse(atob((await s.rig.idp.signToken({})).split('.')[0]!)).kid
        return signJwt({ alg: 'RS256', kid }, s.claims(), key.privateKey)
      },
    ],
    [
      'no signature (alg none)',
      async (s: Awaited<ReturnType<typeof signedInMember>>) => signJwt({ alg: 'none' }, s.claims()),
    ],
    [
      'a wrong aud',
      async (s: Awaited<ReturnType<typeof signedInMember>>) =>
        s.rig.idp.signToken(s.claims({ aud: 'https://elsewhere.example/sso/universal-logout' })),
    ],
    [
      'an expired token',
      async (s: Awaited<ReturnType<typeof signedInMember>>) =>
        s.rig.idp.signToken(s.claims({ iat: s.now() - 120, exp: s.now() - 1 })),
    ],
    [
      'an iat older than five minutes',
      async (s: Awaited<ReturnType<typeof signedInMember>>) =>
        s.rig.idp.signToken(s.claims({ iat: s.now() - 301, exp: s.now() + 300 })),
    ],
    [
      'an iat in the future',
      async (s: Awaited<ReturnType<typeof signedInMember>>) =>
        s.rig.idp.signToken(s.claims({ iat: s.now() + 120, exp: s.now() + 400 })),
    ],
    [
      'an RS256 header over an HS256-style signature',
      async (s: Awaited<ReturnType<typeof signedInMember>>) => {
        const [h, p] = (await s.rig.idp.signToken(s.claims())).split('.')
        return `${h}.${p}.${btoa('hmac').replaceAll('=', '')}`
      },
    ],
    [
      'no jti',
      async (s: Awaited<ReturnType<typeof signedInMember>>) =>
        s.rig.idp.signToken(s.claims({ jti: undefined })),
    ],
    [
      'another issuer’s key claiming this issuer',
      async (s: Awaited<ReturnType<typeof signedInMember>>) => s.other.signToken(s.claims()),
    ],
    [
      'a tampered payload',
      async (s: Awaited<ReturnType<typeof signedInMember>>) => {
        const [h, , sig] = (await s.rig.idp.signToken(s.claims({ aud: 'x' }))).split('.')
        const forged = btoa(JSON.stringify(s.claims()))
          .replaceAll('+', '-')
          .replaceAll('/', '_')
          .replace(/=+$/, '')
        return `${h}.${forged}.${sig}`
      },
    ],
  ])('refuses %s with 401 and changes nothing', async ([, forge], ctx) => {
    const s = await signedInMember(ctx)
    const token = await forge(s)
    await s.tally.baseline()
    const response = await logout(s.rig, token, byEmail(s.email))
    await s.tally.refused(response, { status: 401, code: 'logout_token_invalid' })
    expect(await liveSessions(s.userId)).toBe(1)
    s.advance(61)
    expect((await me(s.rig, s.browser)).status).toBe(200)
  })

  it('refuses a replayed jti with 401, even after its first use named nobody', async (ctx) => {
    const s = await signedInMember(ctx)
    const token = await s.rig.idp.signToken(s.claims())
    expect((await logout(s.rig, token, byEmail(`nobody@${s.team.domain}`))).status).toBe(404)
    const replay = await logout(s.rig, token, byEmail(s.email))
    expect(replay.status).toBe(401)
    expect(await liveSessions(s.userId)).toBe(1)
    expect(
      await query('select jti from used_token_ids where issuer = ?', s.rig.idp.issuer),
    ).toHaveLength(1)
    s.tally.countRefused()
  })

  it('a valid token of another issuer cannot log out this team’s members (404)', async (ctx) => {
    const s = await signedInMember(ctx)
    const otherTeam = await s.rig.admin('POST', '/admin/api/teams', {
      name: 'Other',
      ownerEmail: `owner@${unique('othercorp')}.example`,
    })
    const ownerEmail = ((await otherTeam.json()) as any).ownerEmail
    s.other.addClient({
      client_id: 'o',
      client_secret: 'o-secret',
      redirect_uri: `${publicOrigin}/sso/callback`,
    })
    const created = await s.rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail,
      clientId: 'o',
      clientSecret: 'o-secret',
      issuer: s.other.issuer,
    })
    expect(created.status).toBe(201)
    const token = await s.other.signToken(s.claims({ iss: s.other.issuer }))
    const byMail = await logout(s.rig, token, byEmail(s.email))
    expect(byMail.status).toBe(404)
    const token2 = await s.other.signToken(s.claims({ iss: s.other.issuer }))
    const bySub = await logout(s.rig, token2, {
      sub_id: { format: 'iss_sub', iss: s.rig.idp.issuer, sub: 'okta-ada' },
    })
    expect(bySub.status).toBe(404)
    expect(await liveSessions(s.userId)).toBe(1)
    s.tally.countRefused()
    s.tally.countRefused()
  })

  it('answers 401 without a token or for an unknown issuer, 400 for a malformed body, unknown format or malformed email, 422 for an unusable iss', async (ctx) => {
    const s = await signedInMember(ctx)
    expect((await logout(s.rig, undefined, byEmail(s.email))).status).toBe(401)
    const stranger = await TestIdp.create({ issuer: `https://${unique('nobody')}.okta.test` })
    expect(
      (
        await logout(
          s.rig,
          await stranger.signToken(s.claims({ iss: stranger.issuer })),
          byEmail(s.email),
        )
      ).status,
    ).toBe(401)
    const sign = () => s.rig.idp.signToken(s.claims())
    expect((await logout(s.rig, await sign(), '{not json')).status).toBe(400)
    expect(
      (await logout(s.rig, await sign(), { sub_id: { format: 'opaque', id: 'x' } })).status,
    ).toBe(400)
    expect((await logout(s.rig, await sign(), { user: s.email })).status).toBe(400)
    for (let i = 0; i < 5; i++) s.tally.countRefused()
    await s.tally.baseline()
    // Okta's guide: 400 for a malformed request (it was 422).
    const malformed = await logout(s.rig, await sign(), byEmail('not-an-email'))
    await s.tally.refused(malformed, { status: 400, code: 'invalid_request' })
    const unusable = await logout(s.rig, await sign(), {
      sub_id: { format: 'iss_sub', iss: 'not a url', sub: 'okta-ada' },
    })
    await s.tally.refused(unusable, { status: 422, code: 'logout_unprocessable' })
    expect(
      (await s.rig.fetch(new Browser(), '/sso/universal-logout/nope', { method: 'POST' })).status,
    ).toBe(404)
    expect(await liveSessions(s.userId)).toBe(1)
  })
})
