// SCIM 2.0 as Okta provisions: its test flow against the worker, token scoping, deactivation and groups.
import { describe, expect, it } from 'vitest'
import {
  adminToken,
  Browser,
  createRig,
  expectRefusal,
  formPost,
  me,
  publicOrigin,
  unique,
} from './harness'
import { query, teamEvents } from './rows'
import { register, tileLogin } from './logins'
import { addTeam, expectSignedIn, scene } from './scene'
import {
  body,
  expectScimError,
  groupSchema,
  oktaUser,
  patch,
  scimClient,
  withToken,
} from './scim-helpers'

const listOf = (filter: string) =>
  `/Users?filter=${encodeURIComponent(filter)}&startIndex=1&count=100`

async function scimRig() {
  const s = await scene()
  const scim = await scimClient(s.rig, s.team.connectionId)
  return { ...s, scim, advance: (seconds: number) => s.advance(seconds * 1000) }
}

describe('SCIM token', () => {
  it('is shown once, stored as its SHA-256 only, marks the connection scimEnabled, and a new one replaces it at once', async () => {
    const rig = await createRig()
    const team = await addTeam(rig)
    const before = await body(
      await rig.admin('GET', `/admin/api/sso-connections/${team.connectionId}`),
    )
    expect(before.scimEnabled).toBe(false)
    const first = await scimClient(rig, team.connectionId)
    expect(first.baseUrl).toBe(`${publicOrigin}/scim/v2`)
    expect(first.token.length).toBeGreaterThanOrEqual(43)
    const [row] = await query<{ scim_token_hash: string }>(
      'select scim_token_hash from sso_connections where id = ?',
      team.connectionId,
    )
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(first.token))
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
    expect(row!.scim_token_hash).toBe(hex)
    const after = await body(
      await rig.admin('GET', `/admin/api/sso-connections/${team.connectionId}`),
    )
    expect(after.scimEnabled).toBe(true)
    expect((await first('GET', '/Users')).status).toBe(200)

    const second = await scimClient(rig, team.connectionId)
    await expectScimError(await first('GET', '/Users'), 401)
    expect((await second('GET', '/Users')).status).toBe(200)
    const events = await query<{ action: string; outcome: string }>(
      "select action, outcome from events where team_id = ? and action = 'post_scim_token'",
      team.teamId,
    )
    expect(events).toHaveLength(2)
  })

  it('refuses a missing, malformed or unknown token with 401 in the SCIM error schema', async () => {
    const { rig } = await scimRig()
    const noHeader = await rig.fetch(new Browser(), '/scim/v2/Users')
    await expectScimError(noHeader, 401)
    expect(noHeader.headers.get('www-authenticate')).toMatch(/^Bearer/)
    await expectScimError(await withToken(rig, 'x')('GET', '/Users'), 401)
    await expectScimError(await withToken(rig, 'A'.repeat(43))('GET', '/Users'), 401)
  })

  it('is 404 for an unknown connection', async () => {
    const rig = await createRig()
    expect((await rig.admin('POST', '/admin/api/sso-connections/missing/scim-token')).status).toBe(
      404,
    )
  })
})

describe('SCIM request bodies', () => {
  it('refuses a body over 64 KB with 413 in the SCIM error schema, creating no user', async () => {
    const { scim, team } = await scimRig()
    const email = `big@${team.domain}`
    const huge = { ...oktaUser(email), displayName: 'x'.repeat(70 * 1024) }
    await expectScimError(await scim('POST', '/Users', huge), 413)
    expect(await query('select id from users where email = ?', email)).toEqual([])
  })
})

describe('Okta SCIM test flow (users)', () => {
  it('creates, finds by filter and id, updates, deactivates, reactivates; duplicate 409; unknown 404', async () => {
    const { team, scim } = await scimRig()
    const email = `Ada.Lovelace@${team.domain}`
    const lower = email.toLowerCase()

    // 1. Okta looks the user up first: nobody yet.
    const none = await scim('GET', listOf(`userName eq "${email}"`))
    expect(none.status).toBe(200)
    expect(none.headers.get('content-type')).toMatch(/^application\/scim\+json/)
    expect(await body(none)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    })

    // 2. Create.
    const created = await scim('POST', '/Users', oktaUser(email))
    expect(created.status).toBe(201)
    const user = await body(created)
    expect(user).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: lower, type: 'work', primary: true }],
      active: true,
      externalId: oktaUser(email).externalId,
      meta: { resourceType: 'User', location: `${publicOrigin}/scim/v2/Users/${user.id}` },
    })
    const [row] = await query<{ id: string; name: string }>(
      'select id, name from users where email = ?',
      lower,
    )
    expect(row).toEqual({ id: user.id, name: 'Ada Lovelace' })
    const [membership] = await query<{ team_id: string; role: string; permission: string }>(
      'select team_id, role, permission from memberships where user_id = ?',
      user.id,
    )
    expect(membership).toEqual({ team_id: team.teamId, role: 'member', permission: 'private' })
    const [scimRow] = await query<{ status: string }>(
      'select status from scim_users where user_id = ? and team_id = ?',
      user.id,
      team.teamId,
    )
    expect(scimRow!.status).toBe('active')

    // 3. Find by filter (case-insensitive userName) and by id.
    const found = await body(await scim('GET', listOf(`userName eq "${email.toUpperCase()}"`)))
    expect(found.totalResults).toBe(1)
    expect(found.Resources[0].id).toBe(user.id)
    const byId = await scim('GET', `/Users/${user.id}`)
    expect(byId.status).toBe(200)
    expect((await body(byId)).userName).toBe(email)

    // 4. Update (PUT, as Okta's profile push does).
    const put = await scim('PUT', `/Users/${user.id}`, {
      ...oktaUser(email, 'Augusta', 'King'),
      id: user.id,
    })
    expect(put.status).toBe(200)
    expect((await body(put)).name).toMatchObject({ givenName: 'Augusta', familyName: 'King' })
    expect(
      (await query<{ name: string }>('select name from users where id = ?', user.id))[0]!.name,
    ).toBe('Augusta King')

    // 5. Deactivate, Okta's way.
    const off = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', value: { active: false } }),
    )
    expect(off.status).toBe(200)
    expect((await body(off)).active).toBe(false)
    expect(
      (
        await query<{ status: string }>('select status from scim_users where user_id = ?', user.id)
      )[0]!.status,
    ).toBe('inactive')
    expect((await body(await scim('GET', `/Users/${user.id}`))).active).toBe(false)

    // 6. Reactivate, with the path form.
    const on = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', path: 'active', value: true }),
    )
    expect(on.status).toBe(200)
    expect((await body(on)).active).toBe(true)

    // 7. Duplicate → 409 uniqueness; 8. unknown → 404.
    await expectScimError(await scim('POST', '/Users', oktaUser(email)), 409, 'uniqueness')
    await expectScimError(await scim('GET', '/Users/not-a-user'), 404)
    await expectScimError(
      await scim('PATCH', '/Users/not-a-user', patch({ op: 'replace', value: { active: false } })),
      404,
    )

    const actions = ['created', 'updated', 'deactivated', 'reactivated']
    expect(await teamEvents(team.teamId, "action like 'scim_user_%'")).toEqual(
      actions.map((action) => `scim_user_${action}`),
    )
  })

  it('applies every PATCH form Okta sends: name.givenName, emails[type eq "work"].value, userName, path-less replace', async () => {
    const { team, scim } = await scimRig()
    const email = `grace@${team.domain}`
    const user = await body(await scim('POST', '/Users', oktaUser(email, 'Grace', 'Hopper')))
    const given = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', path: 'name.givenName', value: 'Amazing' }),
    )
    expect(given.status).toBe(200)
    expect((await body(given)).name).toMatchObject({ givenName: 'Amazing', familyName: 'Hopper' })
    const emails = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch(
        { op: 'replace', path: 'emails[type eq "work"].value', value: email },
        { op: 'replace', path: 'name.familyName', value: 'Murray' },
      ),
    )
    expect(emails.status).toBe(200)
    expect((await body(emails)).name).toMatchObject({ givenName: 'Amazing', familyName: 'Murray' })
    expect(
      (await query<{ name: string }>('select name from users where id = ?', user.id))[0]!.name,
    ).toBe('Amazing Murray')
    // userName is the IdP's name for the user: it changes alone; the email follows emails.
    const renamed = `Grace.Hopper@${team.domain}`
    const userName = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', value: { userName: renamed, active: true } }),
    )
    expect((await body(userName)).userName).toBe(renamed)
    expect(await query('select email from users where id = ?', user.id)).toEqual([{ email }])
    const moved = `grace.h@${team.domain}`
    const changed = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'replace', path: 'emails[type eq "work"].value', value: moved }),
    )
    expect(await body(changed)).toMatchObject({
      userName: renamed,
      emails: [{ value: moved, type: 'work', primary: true }],
    })
    expect(await query('select id from users where email = ?', moved)).toEqual([{ id: user.id }])
    await expectScimError(
      await scim(
        'PATCH',
        `/Users/${user.id}`,
        patch({
          op: 'replace',
          path: 'emails[type eq "work"].value',
          value: 'g@elsewhere.example',
        }),
      ),
      400,
      'invalidValue',
    )
    expect(await query('select email from users where id = ?', user.id)).toEqual([{ email: moved }])
    await expectScimError(
      await scim('PATCH', `/Users/${user.id}`, { Operations: [{ op: 'replace' }] }),
      400,
    )
    await expectScimError(
      await scim('PATCH', `/Users/${user.id}`, patch({ op: 'move', path: 'active', value: true })),
      400,
    )
  })

  it('refuses a domain outside the team (400 invalidValue) and a member of another team (409), writing nothing', async () => {
    const { rig, team, scim } = await scimRig()
    const count = async () =>
      (
        await query<{ n: number }>(
          'select (select count(*) from users) + (select count(*) from memberships) + (select count(*) from scim_users) as n',
        )
      )[0]!.n
    const before = await count()
    await expectScimError(
      await scim('POST', '/Users', oktaUser(`ada@${unique('other')}.example`)),
      400,
      'invalidValue',
    )
    await expectScimError(
      await scim('POST', '/Users', { schemas: [], userName: 'not an email' }),
      400,
      'invalidValue',
    )
    expect(await count()).toBe(before)
    // Someone with this team's domain who runs a team of their own (self-service, before SSO).
    // (SSO off meanwhile, so /register takes the domain's email; a proven email creates a team.)
    const email = `rogue@${team.domain}`
    const browser = new Browser()
    await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: false })
    await register(rig, browser, email)
    const own = await rig.fetch(browser, '/api/team', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: publicOrigin },
      body: JSON.stringify({ name: 'Rogue', defaultPermission: 'public' }),
    })
    expect(own.status).toBe(201)
    const middle = await count()
    await expectScimError(await scim('POST', '/Users', oktaUser(email)), 409, 'uniqueness')
    expect(await count()).toBe(middle)
    const refused = "action = 'scim_post_users' and outcome = 'refused'"
    expect(await teamEvents(team.teamId, refused, 'error_code')).toEqual([
      'invalid_request',
      'invalid_request',
      'scim_conflict',
    ])
  })

  it('a user of another team is 404 to this token; a teamless account with the email joins with its id', async () => {
    const { rig, team, scim } = await scimRig()
    const other = await addTeam(rig)
    const otherScim = await scimClient(rig, other.connectionId)
    const theirs = await body(await otherScim('POST', '/Users', oktaUser(`bob@${other.domain}`)))
    await expectScimError(await scim('GET', `/Users/${theirs.id}`), 404)
    await expectScimError(
      await scim(
        'PATCH',
        `/Users/${theirs.id}`,
        patch({ op: 'replace', value: { active: false } }),
      ),
      404,
    )
    await expectScimError(await scim('DELETE', `/Users/${theirs.id}`), 404)
    expect(
      (await body(await scim('GET', listOf(`userName eq "bob@${other.domain}"`)))).totalResults,
    ).toBe(0)

    // An account made while the team's SSO was off (/register refuses an SSO domain's email).
    const email = `solo@${team.domain}`
    await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: false })
    const registered = await rig.fetch(new Browser(), '/register', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicOrigin },
      body: new URLSearchParams({ email, password: 'long enough password' }),
    })
    expect(registered.status).toBe(303)
    const [account] = await query<{ id: string }>('select id from users where email = ?', email)
    const joined = await scim('POST', '/Users', oktaUser(email))
    expect(joined.status).toBe(201)
    expect((await body(joined)).id).toBe(account!.id)
    // Before: the password chosen before the team existed still opened the account once SSO was off.
    expect(await query('select password_hash from users where id = ?', account!.id)).toEqual([
      { password_hash: null },
    ])
    expect(
      await query('select id from sessions where user_id = ? and revoked_at is null', account!.id),
    ).toEqual([])
  })

  it('lists with startIndex and count, and refuses filters it does not support', async () => {
    const { team, scim } = await scimRig()
    for (const name of ['a', 'b', 'c'])
      expect((await scim('POST', '/Users', oktaUser(`${name}@${team.domain}`))).status).toBe(201)
    // The owner is a member too: four users.
    const page = await body(await scim('GET', '/Users?startIndex=2&count=2'))
    expect(page).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 })
    const count0 = await body(await scim('GET', '/Users?count=0'))
    expect(count0).toMatchObject({ totalResults: 4, itemsPerPage: 0 })
    await expectScimError(
      await scim('GET', `/Users?filter=${encodeURIComponent('userName sw "a"')}`),
      400,
      'invalidFilter',
    )
    await expectScimError(
      await scim('GET', `/Users?filter=${encodeURIComponent('title eq "x"')}`),
      400,
      'invalidFilter',
    )
  })

  it('serves ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const { scim } = await scimRig()
    const config = await body(await scim('GET', '/ServiceProviderConfig'))
    expect(config).toMatchObject({
      patch: { supported: true },
      filter: { supported: true },
      bulk: { supported: false },
    })
    expect(config.authenticationSchemes[0].type).toBe('oauthbearertoken')
    const types = await body(await scim('GET', '/ResourceTypes'))
    expect(types.Resources.map((t: any) => t.endpoint)).toEqual(['/Users', '/Groups'])
    const schemas = await body(await scim('GET', '/Schemas'))
    expect(schemas.Resources.map((s: any) => s.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      groupSchema,
    ])
    await expectScimError(await scim('GET', '/Nothing'), 404)
  })
})

describe('deprovisioning ends access', () => {
  async function signedInMember() {
    const s = await scimRig()
    const user = await body(await s.scim('POST', '/Users', oktaUser(s.email)))
    return { ...s, user, browser: await expectSignedIn(s) }
  }

  it('active:false ends the session within the recheck interval and refuses SSO login with user_deactivated until reactivated', async () => {
    const { rig, team, scim, user, browser, advance } = await signedInMember()
    await scim('PATCH', `/Users/${user.id}`, patch({ op: 'replace', value: { active: false } }))
    const revoked = await query<{ revoked_at: number | null }>(
      'select revoked_at from sessions where user_id = ?',
      user.id,
    )
    expect(revoked.every((s) => s.revoked_at !== null)).toBe(true)
    advance(61)
    expect((await me(rig, browser)).status).toBe(401)

    const rows = () =>
      query('select id, revoked_at from sessions where user_id = ? order by id', user.id)
    const sessionsBefore = await rows()
    const retry = new Browser()
    const { callback } = await tileLogin(rig, retry, 'okta-ada')
    expect(await rows()).toEqual(sessionsBefore)
    await expectRefusal(callback, { status: 403, code: 'user_deactivated' })
    expect((await me(rig, retry)).status).toBe(401)
    const [refusal] = await query<{ error_code: string; team_id: string }>(
      "select error_code, team_id from events where action = 'sso_callback' and outcome = 'refused' and team_id = ?",
      team.teamId,
    )
    expect(refusal).toEqual({ error_code: 'user_deactivated', team_id: team.teamId })

    await scim('PATCH', `/Users/${user.id}`, patch({ op: 'replace', path: 'active', value: true }))
    const again = new Browser()
    expect((await tileLogin(rig, again, 'okta-ada')).callback.status).toBe(303)
    expect(((await (await me(rig, again)).json()) as any).user.id).toBe(user.id)
  })

  it('a deactivated user is not let in by email either: a second Okta subject with the same email is refused', async () => {
    const { rig, scim, user, email } = await signedInMember()
    await scim('PATCH', `/Users/${user.id}`, patch({ op: 'replace', value: { active: false } }))
    rig.idp.addUser({ sub: 'okta-ada-2', email, email_verified: true })
    const { callback } = await tileLogin(rig, new Browser(), 'okta-ada-2')
    expect(callback.status).toBe(403)
    expect(await callback.text()).toContain('user_deactivated')
  })

  it('DELETE leaves the team, ends sessions, refuses SSO login, and a new POST returns the same id', async () => {
    const { rig, team, scim, user, browser, advance, email } = await signedInMember()
    const deleted = await scim('DELETE', `/Users/${user.id}`)
    expect(deleted.status).toBe(204)
    expect(await query('select * from memberships where user_id = ?', user.id)).toEqual([])
    await expectScimError(await scim('GET', `/Users/${user.id}`), 404)
    advance(61)
    expect((await me(rig, browser)).status).toBe(401)
    const { callback } = await tileLogin(rig, new Browser(), 'okta-ada')
    expect(callback.status).toBe(403)
    expect(await callback.text()).toContain('user_deactivated')
    expect(await query('select * from memberships where user_id = ?', user.id)).toEqual([])

    const back = await scim('POST', '/Users', oktaUser(email))
    expect(back.status).toBe(201)
    expect((await body(back)).id).toBe(user.id)
    const [membership] = await query<{ team_id: string }>(
      'select team_id from memberships where user_id = ?',
      user.id,
    )
    expect(membership!.team_id).toBe(team.teamId)
    expect((await tileLogin(rig, new Browser(), 'okta-ada')).callback.status).toBe(303)
  })
  it('a deactivated user cannot sign in with a password either, even once SSO is turned off', async () => {
    const { rig, team, scim } = await scimRig()
    const email = `pat@${team.domain}`
    await rig.admin('PATCH', `/admin/api/sso-connections/${team.connectionId}`, { enabled: false })
    await rig.fetch(
      new Browser(),
      '/register',
      formPost({ email, password: 'long enough password' }),
    )
    const [chosen] = await query<{ password_hash: string }>(
      'select password_hash from users where email = ?',
      email,
    )
    const user = await body(await scim('POST', '/Users', oktaUser(email)))
    // Adoption cleared the password chosen before; the member sets one again (as a reset link would).
    await query('update users set password_hash = ? where id = ?', chosen!.password_hash, user.id)
    const allowed = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email, password: 'long enough password' }),
    )
    expect(allowed.status).toBe(303)
    await scim('PATCH', `/Users/${user.id}`, patch({ op: 'replace', value: { active: false } }))
    const refused = await rig.fetch(
      new Browser(),
      '/login/password',
      formPost({ email, password: 'long enough password' }),
    )
    await expectRefusal(refused, { status: 403, code: 'user_deactivated' })
  })
})

describe('groups and the admin group', () => {
  it('creates, finds, patches, replaces and deletes groups; the admin group gives role admin at login and recheck', async () => {
    const { rig, team, scim, advance } = await scimRig()
    const email = `ada@${team.domain}`
    rig.idp.addUser({ sub: 'okta-ada', email, email_verified: true })
    const ada = await body(await scim('POST', '/Users', oktaUser(email)))
    const bob = await body(await scim('POST', '/Users', oktaUser(`bob@${team.domain}`, 'Bob', 'B')))

    const browser = new Browser()
    await tileLogin(rig, browser, 'okta-ada')
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('member')

    const missing = await body(
      await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Admins"')}`),
    )
    expect(missing.totalResults).toBe(0)
    const created = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      displayName: 'Admins',
      members: [{ value: bob.id, display: bob.userName }],
    })
    expect(created.status).toBe(201)
    const group = await body(created)
    expect(group).toMatchObject({ displayName: 'Admins', members: [{ value: bob.id }] })
    await expectScimError(
      await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'Admins' }),
      409,
      'uniqueness',
    )

    const teamView = await rig.admin('PATCH', `/admin/api/teams/${team.teamId}`, {
      adminGroup: 'Admins',
    })
    expect(teamView.status).toBe(200)
    expect((await body(teamView)).adminGroup).toBe('Admins')

    const added = await scim(
      'PATCH',
      `/Groups/${group.id}`,
      patch({ op: 'add', path: 'members', value: [{ value: ada.id, display: email }] }),
    )
    expect(added.status).toBe(204)
    expect(await added.text()).toBe('')
    expect(
      (await body(await scim('GET', `/Groups/${group.id}`))).members
        .map((m: any) => m.value)
        .sort(),
    ).toEqual([ada.id, bob.id].sort())
    expect(
      await query(
        'select user_id from scim_group_members where group_id = ? order by user_id',
        group.id,
      ),
    ).toHaveLength(2)

    // Role is re-read at the recheck...
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('member')
    advance(61)
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('admin')
    // ...and at login.
    const fresh = new Browser()
    await tileLogin(rig, fresh, 'okta-ada')
    expect(((await (await me(rig, fresh)).json()) as any).role).toBe('admin')

    const removed = await scim(
      'PATCH',
      `/Groups/${group.id}`,
      patch({ op: 'remove', path: `members[value eq "${ada.id}"]` }),
    )
    expect(removed.status).toBe(204)
    expect(
      await query('select user_id from scim_group_members where group_id = ?', group.id),
    ).toEqual([{ user_id: bob.id }])
    advance(61)
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('member')

    const renamed = await scim('PUT', `/Groups/${group.id}`, {
      schemas: [groupSchema],
      displayName: 'Admins 2',
      members: [{ value: ada.id }],
    })
    expect(await body(renamed)).toMatchObject({
      displayName: 'Admins 2',
      members: [{ value: ada.id }],
    })
    advance(61)
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('member')
    await scim(
      'PATCH',
      `/Groups/${group.id}`,
      patch({ op: 'replace', value: { displayName: 'Admins' } }),
    )
    advance(61)
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('admin')

    const slim = await body(await scim('GET', `/Groups/${group.id}?excludedAttributes=members`))
    expect(slim.members).toBeUndefined()
    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204)
    await expectScimError(await scim('GET', `/Groups/${group.id}`), 404)
    expect(await query('select * from scim_group_members where group_id = ?', group.id)).toEqual([])
    advance(61)
    expect(((await (await me(rig, browser)).json()) as any).role).toBe('member')
  })

  it('keeps another team’s users out of a group; the admin group is named by support', async () => {
    const { rig, team, scim } = await scimRig()
    const other = await addTeam(rig)
    const otherScim = await scimClient(rig, other.connectionId)
    const stranger = await body(await otherScim('POST', '/Users', oktaUser(`x@${other.domain}`)))
    const group = await body(
      await scim('POST', '/Groups', {
        schemas: [groupSchema],
        displayName: 'G',
        members: [{ value: stranger.id }],
      }),
    )
    expect(group.members).toEqual([])
    expect((await rig.admin('PATCH', '/admin/api/teams/missing', { adminGroup: 'G' })).status).toBe(
      404,
    )
    expect(
      (await rig.admin('PATCH', `/admin/api/teams/${team.teamId}`, { adminGroup: '' })).status,
    ).toBe(400)
  })
})

describe('support console', () => {
  it('shows whether SCIM is on, whether sign-out ends the Okta session, and the admin group', async () => {
    const { rig, team } = await scimRig()
    await rig.admin('PATCH', `/admin/api/teams/${team.teamId}`, { adminGroup: 'Acme Admins' })
    const console = new Browser()
    const login = await rig.fetch(console, '/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicOrigin },
      body: new URLSearchParams({ token: adminToken }),
    })
    expect(login.status).toBe(303)
    const page = await (await rig.fetch(console, '/admin')).text()
    const card = page.slice(page.indexOf(`id="team-${team.teamId}"`))
    expect(card).toContain('data-testid="connection-scim">Token issued<')
    expect(card).toContain('Sign-out ends the Okta session')
    expect(card).toContain('admins: Okta group “Acme Admins”')
  })
})
