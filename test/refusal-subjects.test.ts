// Whom a refusal's event row names: the same team, email and action on every path, whoever learnt them.
import { describe, expect, it } from 'vitest'
import { Browser, formPost, publicOrigin, refusalOf, unique } from './harness'
import { tileLogin } from './logins'
import { query } from './rows'
import { addTeam, scene, type Scene } from './scene'
import { oktaUser, withToken } from './scim-helpers'

interface Row {
  kind: string
  action: string
  outcome: string
  error_code: string
  team_id: string | null
  email: string | null
}

const columns = 'kind, action, outcome, error_code, team_id, email'

/** The event row behind an answer's reference id (HTML page or JSON). */
async function rowOf(response: Response): Promise<Row | undefined> {
  const { referenceId } = await refusalOf(response)
  const [row] = await query<Row>(
    `select ${columns} from events where reference_id = ?`,
    referenceId,
  )
  return row
}

/** A team with no connection yet, its setup link and a draft connection with a wrong secret. */
async function draftWithWrongSecret(s: Scene) {
  const team = await addTeam(s.rig, { connect: false })
  const minted = await s.rig.admin('POST', `/admin/api/teams/${team.teamId}/setup-links`)
  const path = ((await minted.json()) as { url: string }).url.slice(publicOrigin.length)
  s.rig.idp.addClient({
    client_id: team.clientId,
    client_secret: team.clientSecret,
    redirect_uri: `${publicOrigin}/sso/callback`,
  })
  const admin = new Browser()
  const form = { clientId: team.clientId, clientSecret: 'wrong', issuer: s.rig.idp.issuer }
  expect((await s.rig.fetch(admin, `${path}/connection`, formPost(form))).status).toBe(303)
  const [draft] = await query<{ id: string }>(
    'select id from sso_connections where team_id = ?',
    team.teamId,
  )
  return { team, path, admin, draftId: draft!.id }
}

describe('the event row of a refusal names whom it concerned', () => {
  it('on a page, in the admin API, in SCIM, at the test sign-in and at Universal Logout', async () => {
    const s = await scene()
    const { teamId, connectionId, ownerEmail } = s.team
    const rows: Record<string, Row | undefined> = {}

    // A page: a wrong password for an account without a team (the form's email, no team).
    const person = `${unique('pw')}@example.org`
    await s.rig.fetch(
      new Browser(),
      '/register',
      formPost({ email: person, password: 'right one' }),
    )
    const wrong = formPost({ email: person, password: 'wrong one' })
    rows.password = await rowOf(await s.rig.fetch(new Browser(), '/login/password', wrong))

    // A page: the SSO callback refuses someone outside the team's domains (team and IdP's email).
    s.rig.idp.addUser({ sub: 'okta-eve', email: 'eve@elsewhere.example', email_verified: true })
    rows.callback = await rowOf((await tileLogin(s.rig, new Browser(), 'okta-eve')).callback)

    // The admin API: the path's team, the input's owner email, the path's member.
    rows.domain = await rowOf(
      await s.rig.admin('POST', `/admin/api/teams/${teamId}/domains`, { domain: 'gmail.com' }),
    )
    const nobody = `${unique('nobody')}@example.org`
    rows.connection = await rowOf(
      await s.rig.admin('POST', '/admin/api/sso-connections', {
        ownerEmail: nobody,
        clientId: 'c',
        clientSecret: 's',
        issuer: s.rig.idp.issuer,
      }),
    )
    const [owner] = await query<{ id: string }>('select id from users where email = ?', ownerEmail)
    rows.member = await rowOf(
      await s.rig.admin('DELETE', `/admin/api/teams/${teamId}/members/${owner!.id}`),
    )

    // SCIM: the token's team and the body's email.
    const issued = await s.rig.admin(
      'POST',
      `/admin/api/sso-connections/${connectionId}/scim-token`,
    )
    const scim = withToken(s.rig, ((await issued.json()) as { token: string }).token)
    expect((await scim('POST', '/Users', oktaUser('eve@elsewhere.example'))).status).toBe(400)
    ;[rows.scim] = await query<Row>(
      `select ${columns} from events where team_id = ? and action = 'scim_post_users'`,
      teamId,
    )

    // Universal Logout: the connection's team and the subject's email.
    const audience = `${publicOrigin}/sso/universal-logout/${connectionId}`
    const now = Math.floor(s.rig.runtime.now() / 1000)
    const claims = {
      iss: s.rig.idp.issuer,
      aud: audience,
      iat: now,
      exp: now + 300,
      jti: unique('j'),
    }
    const token = await s.rig.idp.signToken(claims, { typ: 'global-token-revocation+jwt' })
    const unknown = `gone@${s.team.domain}`
    rows.logout = await rowOf(
      await s.rig.fetch(new Browser(), audience, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'sec-fetch-site': 'cross-site',
        },
        body: JSON.stringify({ sub_id: { format: 'email', email: unknown } }),
      }),
    )

    // The test sign-in: the tested connection's team.
    const draft = await draftWithWrongSecret(s)
    const start = await s.rig.fetch(
      draft.admin,
      `${draft.path}/test`,
      formPost({ connectionId: draft.draftId }),
    )
    const back = s.rig.idp.authorize(start.headers.get('location')!, 'okta-ada')
    rows.test = await rowOf(
      await s.rig.fetch(draft.admin, back, { headers: { 'sec-fetch-site': 'cross-site' } }),
    )

    const refused = (
      kind: string,
      action: string,
      code: string,
      team: string | null,
      email: string | null,
    ) => ({ kind, action, outcome: 'refused', error_code: code, team_id: team, email })
    expect(rows).toEqual({
      password: refused('login', 'password_login', 'invalid_credentials', null, person),
      callback: refused(
        'login',
        'sso_callback',
        'domain_not_allowed',
        teamId,
        'eve@elsewhere.example',
      ),
      domain: refused('admin', 'post_team_domain', 'domain_not_allowed', teamId, null),
      connection: refused('admin', 'post_sso_connections', 'team_not_found', null, nobody),
      member: refused('admin', 'delete_team_member', 'owner_not_removable', teamId, ownerEmail),
      scim: refused('admin', 'scim_post_users', 'invalid_request', teamId, 'eve@elsewhere.example'),
      logout: refused('login', 'universal_logout', 'logout_subject_unknown', teamId, unknown),
      test: refused('login', 'setup_test', 'code_rejected', draft.team.teamId, null),
    })
  })
})
