// SCIM as Okta and Entra really send it (interop findings 3, 6, 8, 10, 11): userName as sent, the email from emails, the filters, 405s.
import { describe, expect, it, type TestContext } from 'vitest'
import { publicOrigin, unique } from './harness'
import { inOneWindow } from './limits'
import wrangler from '../wrangler.toml?raw'
import { query } from './rows'
import { scene } from './scene'
import {
  body,
  errorSchema,
  expectScimError,
  groupSchema,
  patch,
  scimClient,
  userSchema,
} from './scim-helpers'
import { statementsOf } from './statements'

const area = 'SCIM interop'

async function scimScene(ctx: TestContext) {
  const s = await scene({ ctx, area })
  return { ...s, scim: await scimClient(s.rig, s.team.connectionId) }
}

const filtered = (resource: 'Users' | 'Groups', filter: string) =>
  `/${resource}?filter=${encodeURIComponent(filter)}`

/** Entra's POST /Users (MS-TUT "Create User"): a userName that is not an email, the mail in emails. */
const entraUser = (userName: string, mail: string) => ({
  schemas: [userSchema, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: crypto.randomUUID(),
  userName,
  active: true,
  emails: [{ primary: true, type: 'work', value: mail }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
})

/** What SCIM writes, for the checks that a refusal wrote nothing. */
async function scimRows() {
  return query(
    `select (select count(*) from users) as users, (select count(*) from memberships) as memberships,
       (select count(*) from scim_users) as scimUsers, (select count(*) from scim_groups) as groups,
       (select count(*) from scim_group_members) as members,
       (select group_concat(email) from users) as emails,
       (select group_concat(coalesce(user_name, '') || status) from scim_users) as names`,
  )
}

describe('userName is the IdP’s name for the user; the email comes from emails', () => {
  it('keeps Entra’s Test_User_<guid> as sent, takes the account’s email from emails, and finds it by userName in any case, by externalId and by either email filter', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    const userName = `Test_User_${crypto.randomUUID()}`
    const mail = `Test_User_${crypto.randomUUID()}@${team.domain}`
    const input = entraUser(userName, mail)
    const created = await scim('POST', '/Users', input)
    expect(created.status).toBe(201)
    const user = await body(created)
    expect(user).toMatchObject({
      userName,
      externalId: input.externalId,
      emails: [{ value: mail.toLowerCase(), type: 'work', primary: true }],
      active: true,
    })
    expect(await query('select email from users where id = ?', user.id)).toEqual([
      { email: mail.toLowerCase() },
    ])
    expect(
      await query('select user_name, status from scim_users where user_id = ?', user.id),
    ).toEqual([{ user_name: userName, status: 'active' }])
    for (const filter of [
      `userName eq "${userName}"`,
      `userName eq "${userName.toLowerCase()}"`,
      `externalId eq "${input.externalId}"`,
      `emails[type eq "work"].value eq "${mail}"`,
      `emails.value eq "${mail.toUpperCase()}"`,
      `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "${userName.toUpperCase()}"`,
    ]) {
      const found = await body(await scim('GET', filtered('Users', filter)))
      expect({ filter, total: found.totalResults, id: found.Resources[0]?.id }).toEqual({
        filter,
        total: 1,
        id: user.id,
      })
    }
    // The mail is not the userName, and a type we do not keep matches no one.
    for (const filter of [`userName eq "${mail}"`, `emails[type eq "home"].value eq "${mail}"`])
      expect((await body(await scim('GET', filtered('Users', filter)))).totalResults).toBe(0)
    tally.accepted()
  })

  it('takes the primary email, else the work one, else the first; the userName only when it is an email and emails is empty', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    const at = (local: string) => `${local}@${team.domain}`
    const cases: [string, unknown[] | undefined, string][] = [
      [
        'primary',
        [
          { value: at('home1'), type: 'home' },
          { value: at('main1'), primary: true },
        ],
        at('main1'),
      ],
      [
        'work',
        [
          { value: at('home2'), type: 'home' },
          { value: at('work2'), type: 'Work' },
        ],
        at('work2'),
      ],
      ['first', [{ value: at('first3') }, { value: at('second3'), type: 'other' }], at('first3')],
      ['userName', undefined, at('Name4').toLowerCase()],
    ]
    for (const [why, emails, expected] of cases) {
      const userName = why === 'userName' ? at('Name4') : `${why}-${unique('u')}`
      const created = await scim('POST', '/Users', {
        schemas: [userSchema],
        userName,
        ...(emails ? { emails } : {}),
      })
      expect({ why, status: created.status }).toEqual({ why, status: 201 })
      const { id } = await body(created)
      expect(await query('select email from users where id = ?', id)).toEqual([{ email: expected }])
      expect((await body(await scim('GET', `/Users/${id}`))).userName).toBe(userName)
    }
    tally.accepted()
  })

  it('refuses a user with no email at all, or a non-address in emails, with 400 invalidValue, writing nothing', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    const before = await scimRows()
    const refusedBodies = [
      { schemas: [userSchema], userName: 'jdoe' },
      { schemas: [userSchema], userName: 'jdoe', emails: [] },
      { schemas: [userSchema], userName: `jdoe@${team.domain}`, emails: [{ value: 'not mail' }] },
      { schemas: [userSchema], userName: '   ', emails: [{ value: `x@${team.domain}` }] },
    ]
    for (const input of refusedBodies) {
      await expectScimError(await scim('POST', '/Users', input), 400, 'invalidValue')
      tally.countRefused()
    }
    expect(await scimRows()).toEqual(before)
  })

  it('changes the email on PATCH emails[type eq "work"].value (no longer dropped) and keeps the userName; a new userName leaves the email', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    const upn = `jdoe@${team.domain}`
    const mail = `john.doe@${team.domain}`
    const user = await body(await scim('POST', '/Users', entraUser(upn, mail)))
    expect(await query('select email from users where id = ?', user.id)).toEqual([{ email: mail }])
    const moved = `j.doe@${team.domain}`
    const changed = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: moved },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ),
    )
    expect(changed.status).toBe(200)
    expect(await body(changed)).toMatchObject({
      userName: upn,
      emails: [{ value: moved, type: 'work', primary: true }],
      name: { familyName: 'updatedFamilyName' },
    })
    expect(await query('select email from users where id = ?', user.id)).toEqual([{ email: moved }])
    const renamed = `5b50642d-79fc-4410-9e90-4c077cdd1a59@${team.domain}`
    const single = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patch({ op: 'Replace', path: 'userName', value: renamed }),
    )
    expect(await body(single)).toMatchObject({ userName: renamed, emails: [{ value: moved }] })
    expect(await query('select email from users where id = ?', user.id)).toEqual([{ email: moved }])
    tally.accepted()
  })

  it('refuses a userName another user of the team has, in any case (409 uniqueness), writing nothing', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    await scim('POST', '/Users', entraUser('AD\\jdoe', `jdoe@${team.domain}`))
    const other = await body(
      await scim('POST', '/Users', entraUser('AD\\other', `other@${team.domain}`)),
    )
    const before = await scimRows()
    await expectScimError(
      await scim('POST', '/Users', entraUser('ad\\JDOE', `jdoe2@${team.domain}`)),
      409,
      'uniqueness',
    )
    await expectScimError(
      await scim(
        'PATCH',
        `/Users/${other.id}`,
        patch({ op: 'replace', path: 'userName', value: 'AD\\JDoe' }),
      ),
      409,
      'uniqueness',
    )
    // The owner (never provisioned) has their email as userName.
    await expectScimError(
      await scim('POST', '/Users', entraUser(team.ownerEmail.toUpperCase(), `x@${team.domain}`)),
      409,
      'uniqueness',
    )
    tally.countRefused()
    tally.countRefused()
    tally.countRefused()
    expect(await scimRows()).toEqual(before)
  })

  it('refuses an email in no verified domain of the team with 400 invalidValue naming the domain and how to verify it, writing nothing', async (ctx) => {
    const { rig, team, scim, tally } = await scimScene(ctx)
    const pending = `${unique('pending')}.example`
    const claimed = await rig.admin('POST', `/admin/api/teams/${team.teamId}/domains`, {
      domain: pending,
    })
    expect(claimed.status).toBe(201)
    const outside = `${unique('contractor')}.example`
    const user = await body(await scim('POST', '/Users', entraUser('m1', `m@${team.domain}`)))
    const before = await scimRows()
    const detailOf = async (response: Response) => {
      expect(response.status).toBe(400)
      const error = await body(response)
      expect(error).toMatchObject({ schemas: [errorSchema], scimType: 'invalidValue' })
      tally.countRefused()
      return error.detail as string
    }
    const none = await detailOf(await scim('POST', '/Users', entraUser('c1', `c@${outside}`)))
    expect(none).toContain(outside)
    expect(none).toMatch(/support adds and verifies it/)
    expect(none).toContain(`_edge-sso.${outside}`)
    const claim = await detailOf(await scim('POST', '/Users', entraUser('p1', `p@${pending}`)))
    expect(claim).toContain(`_edge-sso.${pending}`)
    expect(claim).toMatch(/claimed by this team but not proven yet/)
    const moved = await detailOf(
      await scim(
        'PATCH',
        `/Users/${user.id}`,
        patch({ op: 'replace', path: 'emails[type eq "work"].value', value: `m@${outside}` }),
      ),
    )
    expect(moved).toContain(outside)
    expect(await scimRows()).toEqual(before)
    expect(await query('select email from users where id = ?', user.id)).toEqual([
      { email: `m@${team.domain}` },
    ])
  })
})

describe('groups, discovery and clients as they are', () => {
  it('finds a group by displayName in any case, and refuses a near-duplicate in another case (409), writing nothing', async (ctx) => {
    const { scim, tally } = await scimScene(ctx)
    const created = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      displayName: 'Sales EMEA',
    })
    expect(created.status).toBe(201)
    const { id } = await body(created)
    const found = await body(
      await scim(
        'GET',
        `${filtered('Groups', 'displayName eq "sales emea"')}&excludedAttributes=members`,
      ),
    )
    expect(found).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: 'Sales EMEA' }] })
    expect(found.Resources[0].members).toBeUndefined()
    const before = await scimRows()
    await expectScimError(
      await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'SALES emea' }),
      409,
      'uniqueness',
    )
    tally.countRefused()
    expect(await scimRows()).toEqual(before)
  })

  it('reads no member row for GET /Groups and /Groups/:id with excludedAttributes=members', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    const user = await body(await scim('POST', '/Users', entraUser('m', `m@${team.domain}`)))
    const group = await body(
      await scim('POST', '/Groups', {
        schemas: [groupSchema],
        displayName: 'G',
        members: [{ value: user.id }],
      }),
    )
    for (const path of [
      `/Groups/${group.id}?excludedAttributes=members`,
      '/Groups?excludedAttributes=members',
    ]) {
      let answer: any
      const ran = await statementsOf(async () => (answer = await body(await scim('GET', path))))
      expect(ran.sql.filter((sql) => sql.includes('scim_group_members'))).toEqual([])
      expect(JSON.stringify(answer)).not.toContain('"members"')
    }
    expect((await body(await scim('GET', `/Groups/${group.id}`))).members).toMatchObject([
      { value: user.id },
    ])
    tally.accepted()
  })

  it('serves a request without a User-Agent', async (ctx) => {
    const { rig, scim, tally } = await scimScene(ctx)
    const request = new Request(`${publicOrigin}/scim/v2/Users?count=1`, {
      headers: { authorization: `Bearer ${scim.token}` },
    })
    expect(request.headers.get('user-agent')).toBeNull()
    const answer = await rig.app.fetch(request, rig.testEnv, {
      waitUntil: () => {},
      passThroughOnException: () => {},
      props: {},
    } as unknown as ExecutionContext)
    expect(answer.status).toBe(200)
    expect((await body(answer)).schemas).toEqual([
      'urn:ietf:params:scim:api:messages:2.0:ListResponse',
    ])
    tally.accepted()
  })

  it('answers 405 with Allow: GET to writes on ServiceProviderConfig, ResourceTypes and Schemas, with no event row', async (ctx) => {
    const { scim, tally, team } = await scimScene(ctx)
    const events = async () =>
      (
        await query<{ n: number }>(
          'select count(*) as n from events where team_id = ?',
          team.teamId,
        )
      )[0]!.n
    const before = await events()
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/Schemas/x'])
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const answer = await scim(method, path, method === 'DELETE' ? undefined : 'test')
        expect(answer.headers.get('allow')).toBe('GET')
        await expectScimError(answer, 405)
        tally.countRefused()
      }
    expect(await events()).toBe(before)
  })

  it('lists the owner support created without a name with a valid name (Okta’s "Test Users endpoint")', async (ctx) => {
    const { team, scim, tally } = await scimScene(ctx)
    const list = await body(await scim('GET', '/Users?count=1&startIndex=1'))
    const [owner] = list.Resources
    expect(owner.userName).toBe(team.ownerEmail)
    expect(owner.name.givenName).toBe('owner')
    expect(owner.name.familyName).toBe('owner')
    expect(owner.emails[0].value).toBe(team.ownerEmail)
    expect(owner.active).toBe(true)
    // The name is the answer's only: a PATCH of the owner writes no made-up name back.
    const patched = await scim(
      'PATCH',
      `/Users/${owner.id}`,
      patch({ op: 'replace', path: 'externalId', value: '00u-owner' }),
    )
    expect(patched.status).toBe(200)
    expect(await query('select name from users where id = ?', owner.id)).toEqual([{ name: null }])
    expect(
      await query(
        'select given_name, family_name, external_id from scim_users where user_id = ?',
        owner.id,
      ),
    ).toEqual([{ given_name: null, family_name: null, external_id: '00u-owner' }])
    tally.accepted()
  })
})

describe('the SCIM rate limit allows Entra’s pace', () => {
  it('is at least 25 requests a second per token, over a 10-second window (before: 600 a minute, 10 a second)', () => {
    const rule =
      /name = "RL_SCIM"\s+namespace_id = "\d+"\s+simple = \{ limit = (\d+), period = (\d+) \}/.exec(
        wrangler,
      )
    const [limit, period] = [Number(rule?.[1]), Number(rule?.[2])]
    expect(period).toBe(10)
    expect(limit / period).toBeGreaterThanOrEqual(25)
  })

  it('serves a token’s 250 requests in one 10-second window (25 a second) without a 429', async (ctx) => {
    const { scim, tally } = await scimScene(ctx)
    const statuses = await inOneWindow(10, 8000, () =>
      Promise.all(
        Array.from(
          { length: 250 },
          async () => (await scim('GET', '/ServiceProviderConfig')).status,
        ),
      ),
    )
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    tally.accepted()
  }, 30_000)
})
