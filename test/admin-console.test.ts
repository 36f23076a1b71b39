// The support console at /admin: the token sign-in, its end when ADMIN_TOKEN changes, and every form by its outcome.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import { fromBase64Url, sha256Hex } from '../src/crypto/encoding'
import { unseal } from '../src/crypto/secret-box'
import {
  adminToken,
  Browser,
  expectRefusal,
  formPost,
  me,
  publicOrigin,
  unique,
  type Rig,
} from './harness'
import { lastMailTo } from './mailbox'
import { query, teamEvents } from './rows'
import { expectSignedIn, initiatePath, scene } from './scene'
import { withToken } from './scim-helpers'

const consoleCookie = '__Host-edge_sso_admin'

/** Support signed in to the console with the admin token. */
async function signIn(rig: Rig): Promise<Browser> {
  const support = new Browser()
  const response = await rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
  expect([response.status, response.headers.get('location')]).toEqual([303, '/admin'])
  expect(support.cookies.has(consoleCookie)).toBe(true)
  return support
}

/** A console form sent as the browser sends it; the answer must be the redirect back to the console. */
async function submit(rig: Rig, support: Browser, path: string, fields: Record<string, string>) {
  const response = await rig.fetch(support, path, formPost(fields))
  expect(response.status, await response.clone().text()).toBe(303)
  return new URL(response.headers.get('location')!, publicOrigin)
}

const page = async (rig: Rig, browser: Browser, path = '/admin') =>
  (await rig.fetch(browser, path)).text()

const signedInPage = (html: string) => html.includes('data-testid="events"')

describe('support console sign-in', () => {
  it('asks for the token, refuses a wrong one, and keeps the right one in a signed cookie', async () => {
    const { rig } = await scene()
    const anonymous = new Browser()
    const login = await page(rig, anonymous)
    expect([login.includes('action="/admin/login"'), signedInPage(login)]).toEqual([true, false])
    const wrong = await rig.fetch(anonymous, '/admin/login', formPost({ token: `${adminToken}x` }))
    await expectRefusal(wrong, { status: 401, code: 'admin_login_required' })
    expect(anonymous.cookies.has(consoleCookie)).toBe(false)

    const support = await signIn(rig)
    expect(signedInPage(await page(rig, support))).toBe(true)
    await submit(rig, support, '/admin/logout', {})
    expect(support.cookies.has(consoleCookie)).toBe(false)
    expect(signedInPage(await page(rig, support))).toBe(false)
  })

  it('a changed ADMIN_TOKEN ends console sessions made with the old one', async () => {
    const { rig } = await scene()
    const support = await signIn(rig)
    const rotatedEnv = { ...rig.testEnv, ADMIN_TOKEN: 'a-new-admin-token-fedcba9876543210' }
    const app = createApp(rig.runtime)
    const send = (path: string, init: RequestInit = {}) =>
      app.request(
        `${publicOrigin}${path}`,
        { ...init, headers: { ...init.headers, cookie: support.header() } },
        rotatedEnv,
      )
    expect(signedInPage(await (await send('/admin')).text())).toBe(false)
    const ownerEmail = `owner@${unique('rotated')}.example`
    const create = await send('/admin/teams', formPost({ name: 'Too late', ownerEmail }))
    await expectRefusal(create, { status: 401, code: 'admin_login_required' })
    expect(await query('select * from users where email = ?', ownerEmail)).toEqual([])
    // The same cookie still works under the token it was made with.
    expect(signedInPage(await page(rig, support))).toBe(true)
  })

  it('refuses every form action without a console sign-in, writing nothing', async () => {
    const { rig, team } = await scene()
    const forms: [string, Record<string, string>][] = [
      ['/admin/teams', { name: 'Nope', ownerEmail: `x@${unique('nope')}.example` }],
      [`/admin/connections/${team.connectionId}/enabled`, { enabled: 'false' }],
      [`/admin/connections/${team.connectionId}/delete`, { confirm: 'yes' }],
    ]
    for (const [path, fields] of forms) {
      const response = await rig.fetch(new Browser(), path, formPost(fields))
      await expectRefusal(response, { status: 401, code: 'admin_login_required' })
    }
    expect(
      await query('select enabled from sso_connections where id = ?', team.connectionId),
    ).toEqual([{ enabled: 1 }])
  })
})

describe('support console forms', () => {
  it('creates a team, connects it, rotates, disables, enables and deletes the connection, each seen in D1', async () => {
    const s = await scene()
    const { rig } = s
    const support = await signIn(rig)
    const domain = `${unique('console')}.example`
    const ownerEmail = `owner@${domain}`

    const created = await submit(rig, support, '/admin/teams', {
      name: 'Console Co',
      ownerEmail,
      defaultPermission: 'public',
      domains: `${domain}, eu.${domain}`,
    })
    const teamId = created.searchParams.get('id')!
    expect(created.searchParams.get('done')).toBe('team_created')
    expect(await query('select name, default_permission from teams where id = ?', teamId)).toEqual([
      { name: 'Console Co', default_permission: 'public' },
    ])
    expect(
      await query('select domain from team_domains where team_id = ? order by domain', teamId),
    ).toEqual([{ domain }, { domain: `eu.${domain}` }])
    expect(
      await query(
        'select m.role from memberships m join users u on u.id = m.user_id where u.email = ?',
        ownerEmail,
      ),
    ).toEqual([{ role: 'owner' }])
    expect(await page(rig, support, `${created.pathname}${created.search}`)).toContain(
      'data-testid="notice"',
    )

    rig.idp.addClient({
      client_id: 'console-client',
      client_secret: 'console-secret-1',
      redirect_uri: `${publicOrigin}/sso/callback`,
      auth_method: 'client_secret_post',
    })
    await submit(rig, support, '/admin/connections', {
      ownerEmail,
      clientId: 'console-client',
      clientSecret: 'console-secret-1',
      issuer: rig.idp.issuer,
      tokenEndpointAuthMethod: 'client_secret_post',
    })
    type Row = { id: string; client_id: string; client_secret_sealed: string; enabled: number }
    const connection = async () =>
      (
        await query<Row & { token_endpoint_auth_method: string }>(
          'select * from sso_connections where team_id = ?',
          teamId,
        )
      )[0]
    const first = (await connection())!
    expect([first.client_id, first.token_endpoint_auth_method, first.enabled]).toEqual([
      'console-client',
      'client_secret_post',
      1,
    ])
    const dataKey = fromBase64Url(env.DATA_KEY)
    expect(await unseal(dataKey, first.client_secret_sealed, first.id)).toBe('console-secret-1')

    const base = `/admin/connections/${first.id}`
    await submit(rig, support, `${base}/rotate`, {
      clientId: 'console-client-2',
      clientSecret: 'console-secret-2',
    })
    const rotated = (await connection())!
    expect(rotated.client_id).toBe('console-client-2')
    expect(await unseal(dataKey, rotated.client_secret_sealed, first.id)).toBe('console-secret-2')

    const disabled = await submit(rig, support, `${base}/enabled`, { enabled: 'false' })
    expect(disabled.searchParams.get('done')).toBe('connection_disabled')
    expect((await connection())!.enabled).toBe(0)
    const initiate = await rig.fetch(new Browser(), `/sso/initiate/${first.id}`)
    await expectRefusal(initiate, { status: 403, code: 'connection_disabled' })
    await submit(rig, support, `${base}/enabled`, { enabled: 'true' })
    expect((await connection())!.enabled).toBe(1)

    const deleted = await submit(rig, support, `${base}/delete`, { confirm: 'yes' })
    expect([deleted.searchParams.get('done'), deleted.searchParams.get('id')]).toEqual([
      'connection_deleted',
      teamId,
    ])
    expect(await connection()).toBeUndefined()
    expect((await rig.admin('GET', `/admin/api/sso-connections/${first.id}`)).status).toBe(404)

    const actions = await query<{ action: string; outcome: string }>(
      "select action, outcome from events where team_id = ? and kind = 'admin' order by at, rowid",
      teamId,
    )
    expect(actions).toEqual(
      [
        'console_team_create',
        'console_connection_create',
        'console_connection_rotate',
        'console_connection_enable',
        'console_connection_enable',
        'console_connection_delete',
      ].map((action) => ({ action, outcome: 'success' })),
    )
    // The other scene team is untouched.
    expect(
      await query('select enabled from sso_connections where id = ?', s.team.connectionId),
    ).toEqual([{ enabled: 1 }])
  })

  it('looks a user up by email, case-insensitively, and says when there is none', async () => {
    const { rig, team } = await scene()
    const support = await signIn(rig)
    const found = await page(
      rig,
      support,
      `/admin?email=${encodeURIComponent(team.ownerEmail.toUpperCase())}`,
    )
    expect(found).toContain(
      `${team.ownerEmail} exists and is a member of Team ${team.domain}: owner (from owner).`,
    )
    const missing = await page(rig, support, '/admin?email=nobody%40nowhere.example')
    expect(missing).toContain('No user has the email nobody@nowhere.example.')
  })

  it('lists recent events with their error codes and reference ids', async () => {
    const s = await scene()
    const support = await signIn(s.rig)
    const refused = await s.rig.fetch(new Browser(), `${initiatePath(s)}x`)
    const { referenceId } = await expectRefusal(refused, { status: 404, code: 'unknown_issuer' })
    const html = await page(s.rig, support)
    const events = html.slice(html.indexOf('data-testid="events"'))
    expect(events).toContain(`<code>${referenceId}</code>`)
    expect(events).toContain('<code>unknown_issuer</code>')
  })

  it('shows pending domains with their TXT record, proves one by DNS, attests and removes domains', async () => {
    const { rig, team } = await scene({ connect: false })
    const support = await signIn(rig)
    const base = `/admin/teams/${team.teamId}/domains`
    const pending = `${unique('pend')}.example`
    const attested = `${unique('att')}.example`
    expect((await submit(rig, support, base, { domain: pending })).search).toBe(
      `?done=domain_added&id=${team.teamId}`,
    )
    await submit(rig, support, base, { domain: attested, verified: 'true' })
    const html = await page(rig, support)
    expect(html).toContain(`<code>_edge-sso.${pending}</code>`)
    const dnsValue = /data-testid="dns-value">([^<]+)</.exec(html)![1]!
    expect(dnsValue).toMatch(/^edge-sso-verify=[\w-]{43}$/)
    const failed = await rig.fetch(support, `${base}/${pending}/verify`, formPost({}))
    await expectRefusal(failed, { status: 409, code: 'domain_verification_failed' })
    rig.dns.set(`_edge-sso.${pending}`, [dnsValue])
    await submit(rig, support, `${base}/${pending}/verify`, {})
    await submit(rig, support, `${base}/${attested}/delete`, {})
    expect(
      await query(
        'select domain, verified from team_domains where team_id = ? order by domain',
        team.teamId,
      ),
    ).toEqual(
      [
        { domain: team.domain, verified: 1 },
        { domain: pending, verified: 1 },
      ].sort((a, b) => a.domain.localeCompare(b.domain)),
    )
  })
})

describe('support console: setup links and several connections', () => {
  it('makes a setup link (its URL shown once, mailed when asked), lists and revokes it; lists every connection', async () => {
    const { rig, team } = await scene()
    const support = await signIn(rig)
    await rig.admin('POST', '/admin/api/sso-connections', {
      ownerEmail: team.ownerEmail,
      clientId: 'second-instance',
      clientSecret: 'second-secret',
      issuer: rig.idp.issuer,
    })
    const card = await page(rig, support, `/admin?team=${team.teamId}`)
    expect(card.match(/data-testid="connection"/g)).toHaveLength(2)
    const base = `/admin/teams/${team.teamId}/setup-links`
    const minted = await rig.fetch(support, base, formPost({ email: 'it@customer.example' }))
    const html = await minted.text()
    const url = /data-testid="setup-url">([^<]+)</.exec(html)![1]!
    expect(url).toMatch(new RegExp(`^${publicOrigin}/setup/[\\w-]{43}$`))
    expect(lastMailTo(rig, 'it@customer.example').text).toContain(url)
    expect((await page(rig, support, base)).includes(url)).toBe(false)
    const [link] = await query<{ id: string; email: string }>(
      'select id, email from setup_links where team_id = ?',
      team.teamId,
    )
    expect(link!.email).toBe('it@customer.example')
    const revoked = await rig.fetch(support, `${base}/${link!.id}/revoke`, formPost({}))
    expect(revoked.status).toBe(303)
    expect(await page(rig, support, base)).toContain('>revoked<')
    const path = url.slice(publicOrigin.length)
    await expectRefusal(await rig.fetch(new Browser(), path), {
      status: 404,
      code: 'setup_link_invalid',
    })
    expect(await teamEvents(team.teamId, "action like 'console_setup_link_%'")).toEqual([
      'console_setup_link_create',
      'console_setup_link_revoke',
    ])
  })
})

describe('support console: ending and shaping access', () => {
  it('issues a SCIM token shown once (only its hash in D1; a second replaces it) and toggles endIdpSession', async () => {
    const s = await scene()
    const { rig, team } = s
    const support = await signIn(rig)
    const base = `/admin/connections/${team.connectionId}`
    const storedHash = async () =>
      (
        await query<{ scim_token_hash: string | null; end_idp_session: number }>(
          'select scim_token_hash, end_idp_session from sso_connections where id = ?',
          team.connectionId,
        )
      )[0]!
    const issue = async () => {
      const response = await rig.fetch(support, `${base}/scim-token`, formPost({}))
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const html = await response.text()
      expect(html).toContain(`${publicOrigin}/scim/v2`)
      return /data-testid="scim-token">([^<]+)</.exec(html)![1]!
    }
    const first = await issue()
    expect((await storedHash()).scim_token_hash).toBe(await sha256Hex(first))
    expect(await page(rig, support)).not.toContain(first)
    const second = await issue()
    expect((await storedHash()).scim_token_hash).toBe(await sha256Hex(second))
    expect((await withToken(rig, first)('GET', '/Users')).status).toBe(401)
    expect((await withToken(rig, second)('GET', '/Users')).status).toBe(200)

    const on = await submit(rig, support, `${base}/end-idp-session`, { endIdpSession: 'true' })
    expect(on.searchParams.get('done')).toBe('end_idp_session_on')
    expect((await storedHash()).end_idp_session).toBe(1)
    await submit(rig, support, `${base}/end-idp-session`, { endIdpSession: 'false' })
    expect((await storedHash()).end_idp_session).toBe(0)
    const actions = ['scim_token', 'scim_token', 'end_idp_session', 'end_idp_session']
    expect(await teamEvents(team.teamId, "action like 'console_%'")).toEqual(
      actions.map((action) => `console_${action}`),
    )
  })

  it('sets and clears the admin group, ends a user’s sessions, removes a member (never the owner)', async () => {
    const s = await scene()
    const { rig, team } = s
    const browser = await expectSignedIn(s)
    const [ada] = await query<{ id: string }>('select id from users where email = ?', s.email)
    const support = await signIn(rig)

    await submit(rig, support, `/admin/teams/${team.teamId}/admin-group`, {
      adminGroup: 'Acme Admins',
    })
    expect(await query('select admin_group from teams where id = ?', team.teamId)).toEqual([
      { admin_group: 'Acme Admins' },
    ])
    await submit(rig, support, `/admin/teams/${team.teamId}/admin-group`, { adminGroup: '' })
    expect(await query('select admin_group from teams where id = ?', team.teamId)).toEqual([
      { admin_group: null },
    ])

    const liveSessions = () =>
      query('select id from sessions where user_id = ? and revoked_at is null', ada!.id)
    expect(await liveSessions()).toHaveLength(1)
    const ended = await submit(rig, support, `/admin/users/${ada!.id}/sessions/end`, {
      teamId: team.teamId,
    })
    expect(ended.searchParams.get('done')).toBe('sessions_ended')
    expect(await liveSessions()).toEqual([])
    s.advance(61_000)
    expect((await me(rig, browser)).status).toBe(401)

    await expectSignedIn(s)
    const removed = await submit(
      rig,
      support,
      `/admin/teams/${team.teamId}/members/${ada!.id}/remove`,
      {},
    )
    expect(removed.searchParams.get('done')).toBe('member_removed')
    expect(await query('select * from memberships where user_id = ?', ada!.id)).toEqual([])
    expect(await liveSessions()).toEqual([])

    const [owner] = await query<{ id: string }>(
      'select id from users where email = ?',
      team.ownerEmail,
    )
    const refused = await rig.fetch(
      support,
      `/admin/teams/${team.teamId}/members/${owner!.id}/remove`,
      formPost({}),
    )
    await expectRefusal(refused, { status: 409, code: 'owner_not_removable' })
    expect(await query('select role from memberships where user_id = ?', owner!.id)).toEqual([
      { role: 'owner' },
    ])
  })
})
