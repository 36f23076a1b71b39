// Replays Okta's SCIM 2.0 spec test, Okta's provisioning requests and Entra's documented flow against the worker, in order.
import { describe, expect, it, type TestContext } from 'vitest'
import { Browser, publicOrigin } from './harness'
import { query } from './rows'
import { type Scene, scene } from './scene'
import { body, groupSchema, type Scim, scimClient } from './scim-helpers'
import { entraProvisioning } from './scim-replay/entra'
import { oktaProvisioning, oktaSpecTest } from './scim-replay/okta-spec'
import { expectChecks, fill, propertyOf, type ReplayStep } from './scim-replay/replay'

const area = 'SCIM replay'

/** Sends each step as the client does (its headers only, besides the bearer token) and checks what it checks. */
async function replay(
  s: Scene,
  scim: Scim,
  steps: ReplayStep[],
  variables: Record<string, string>,
) {
  for (const step of steps) {
    const url = new URL(`/scim/v2${fill(step.path, variables)}`, publicOrigin)
    const answer = await s.rig.fetch(new Browser(), url.pathname + url.search, {
      method: step.method,
      headers: { ...step.headers, authorization: `Bearer ${scim.token}` },
      body: step.body === undefined ? undefined : fill(step.body, variables),
    })
    const text = await answer.text()
    expect({ step: step.name, status: answer.status }, text).toEqual({
      step: step.name,
      status: step.expect.status,
    })
    const json: unknown = text ? JSON.parse(text) : undefined
    if (text) expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json/)
    expectChecks(step, json, variables)
    for (const [name, property] of Object.entries(step.save ?? {}))
      variables[name] = String(propertyOf(json, property))
    if (answer.status < 300) s.tally.accepted()
    else s.tally.countRefused()
  }
  return variables
}

async function replayScene(ctx: TestContext) {
  const s = await scene({ ctx, area })
  return { s, scim: await scimClient(s.rig, s.team.connectionId) }
}

describe('Okta’s SCIM 2.0 spec test (Runscope collection), replayed', () => {
  it('passes every step in order, the owner first in the user list, with one group pushed before', async (ctx) => {
    const { s, scim } = await replayScene(ctx)
    const pushed = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      displayName: 'Everyone',
    })
    expect(pushed.status).toBe(201)
    const random = crypto.randomUUID().slice(0, 8)
    const randomUsername = `Runscope${random}Fuhpfuwaw${random}@${s.team.domain}`
    const seen = await replay(s, scim, oktaSpecTest, {
      randomUsername,
      randomEmail: randomUsername,
      randomUsernameCaps: randomUsername.toUpperCase(),
      randomGivenName: `Given${random}`,
      randomFamilyName: `Family${random}`,
      InvalidUserEmail: `invalid-${random}@${s.team.domain}`,
      UserIdThatDoesNotExist: '010101001010101010',
    })
    // The user list's first entry is the owner; the created user is stored as sent.
    expect(await query('select email from users where id = ?', seen.ISVUserid)).toEqual([
      { email: s.team.ownerEmail },
    ])
    expect(
      await query('select user_name from scim_users where user_id = ?', seen.idUserOne),
    ).toEqual([{ user_name: randomUsername }])
    expect(await query('select email from users where id = ?', seen.idUserOne)).toEqual([
      { email: randomUsername.toLowerCase() },
    ])
  })
})

describe('Okta’s provisioning requests (SCIM 2.0 Protocol Reference), replayed', () => {
  it('creates, updates by PUT, deactivates, pushes a group, changes its members and name, deletes it', async (ctx) => {
    const { s, scim } = await replayScene(ctx)
    const seen = await replay(s, scim, oktaProvisioning, {
      domain: s.team.domain,
      baseUrl: scim.baseUrl,
    })
    expect(await query('select status from scim_users where user_id = ?', seen.userId)).toEqual([
      { status: 'inactive' },
    ])
    expect(await query('select name from users where id = ?', seen.userId)).toEqual([
      { name: 'Another User' },
    ])
    expect(await query('select * from scim_groups where id = ?', seen.groupId)).toEqual([])
  })
})

describe('Microsoft Entra ID’s provisioning flow (MS-TUT, MS-COMPAT), replayed', () => {
  it('passes every documented request in order: Test_User_<guid>, both PATCH dialects, group PATCH → 204, deletion', async (ctx) => {
    const { s, scim } = await replayScene(ctx)
    const variables = {
      domain: s.team.domain,
      userGuid: crypto.randomUUID(),
      mailGuid: crypto.randomUUID(),
    }
    const steps = entraProvisioning
    const beforeDelete = steps.findIndex((step) => step.name === 'Delete Group')
    const seen = await replay(s, scim, steps.slice(0, beforeDelete), variables)
    // Before the deletions: the account as Entra left it, and the group without the member it removed.
    expect(await query('select email, name from users where id = ?', seen.userId)).toEqual([
      { email: `testmhvaes@${s.team.domain}`, name: 'Bjfe' },
    ])
    expect(
      await query(
        'select user_name, status, external_id from scim_users where user_id = ?',
        seen.userId,
      ),
    ).toEqual([
      {
        user_name: `5b50642d-79fc-4410-9e90-4c077cdd1a59@${s.team.domain}`,
        status: 'inactive',
        external_id: 'Eqpj',
      },
    ])
    expect(await query('select display_name from scim_groups where id = ?', seen.groupId!)).toEqual(
      [{ display_name: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
    )
    expect(
      await query('select * from scim_group_members where group_id = ?', seen.groupId!),
    ).toEqual([])
    await replay(s, scim, steps.slice(beforeDelete), seen)
    expect(await query('select * from memberships where user_id = ?', seen.userId)).toEqual([])
    expect(await query('select status from scim_users where user_id = ?', seen.userId)).toEqual([
      { status: 'deleted' },
    ])
    expect((await body(await scim('GET', '/Groups'))).totalResults).toBe(0)
  })
})
