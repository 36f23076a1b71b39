// A bounded, seeded fuzz of SCIM and Universal Logout: garbage never earns a 5xx, and a refusal writes nothing.
import { describe, expect, it } from 'vitest'
import { prng } from './prng'

import { Browser, createRig, showsInternals } from './harness'
import { query } from './rows'
import { addTeam } from './scene'
import { oktaUser, patchOp, scimClient } from './scim-helpers'

const seed = 0x5c1a_2026
const requests = 120

type Rng = ReturnType<typeof prng>

const ascii = (r: Rng, length: number) =>
  Array.from({ length }, () => String.fromCharCode(32 + r.int(95))).join('')

function value(r: Rng, depth = 0): unknown {
  return r.pick<() => unknown>([
    () => ascii(r, r.int(30)),
    () => ascii(r, 3000),
    () => r.pick([true, false, null, 0, -1, 1e308, 'False', 'true', '', '{}']),
    () => r.pick(['a@b', 'not an email', '"quoted"', '\u0000', 'é中文🙂', 'members[value eq "x"]']),
    () => (depth > 2 ? [] : Array.from({ length: r.int(4) }, () => value(r, depth + 1))),
    () => (depth > 2 ? {} : object(r, depth + 1)),
  ])()
}

const keys = [
  'schemas',
  'userName',
  'name',
  'givenName',
  'emails',
  'active',
  'displayName',
  'members',
  'externalId',
  'Operations',
  'op',
  'path',
  'value',
  'sub_id',
  'subject',
  'format',
  'email',
  'iss',
  'sub',
  '__proto__',
]

function object(r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (let i = r.int(5); i > 0; i--) o[r.pick(keys)] = value(r, depth)
  return o
}

const paths = [
  'Users',
  'Users/:id',
  'Groups',
  'Groups/:id',
  'ServiceProviderConfig',
  'Schemas',
  'ResourceTypes',
]

const filters = [
  'userName eq "x"',
  'userName eq x',
  'userName eq "a" or id eq "b"',
  '"',
  'emails[type eq "work"]',
  'displayName eq "\\u0000"',
  'a'.repeat(2000),
]

async function snapshot() {
  const tables = [
    'users',
    'memberships',
    'scim_users',
    'scim_groups',
    'scim_group_members',
    'used_token_ids',
  ]
  const counts = await Promise.all(
    tables.map(async (t) => (await query<{ n: number }>(`select count(*) as n from ${t}`))[0]!.n),
  )
  const rows = await query(
    'select u.id, u.email, u.name, s.status, s.given_name, s.family_name, s.external_id from users u left join scim_users s on s.user_id = u.id order by u.id',
  )
  const groups = await query('select id, display_name, external_id from scim_groups order by id')
  const revoked = await query('select id from sessions where revoked_at is not null order by id')
  return { counts, rows, groups, revoked }
}

describe('bounded fuzz of SCIM and Universal Logout', () => {
  it(`${requests} seeded requests (seed ${seed.toString(16)}): no 5xx, no internals, SCIM errors well-formed, refusals write nothing`, async () => {
    const rig = await createRig()
    const team = await addTeam(rig)
    const scim = await scimClient(rig, team.connectionId)
    const user = (await (await scim('POST', '/Users', oktaUser(`ada@${team.domain}`))).json()) as {
      id: string
    }
    const group = (await (
      await scim('POST', '/Groups', {
        schemas: [],
        displayName: 'G',
        members: [{ value: user.id }],
      })
    ).json()) as { id: string }
    const r = prng(seed)
    const statuses = new Map<number, number>()
    for (let i = 0; i < requests; i++) {
      const logout = r.chance(0.15)
      const method = r.pick(['GET', 'POST', 'PUT', 'PATCH', 'PATCH', 'POST', 'DELETE'])
      let path = logout
        ? r.pick(['/sso/universal-logout', `/sso/universal-logout/${team.connectionId}`])
        : `/scim/v2/${r.pick(paths)}`.replace(
            ':id',
            r.pick([user.id, group.id, 'nope', '%2e%2e', ascii(r, 10).replace(/[/?#%]/g, '')]),
          )
      if (!logout && r.chance(0.3)) path += `?filter=${encodeURIComponent(r.pick(filters))}`
      if (!logout && r.chance(0.2))
        path += `${path.includes('?') ? '&' : '?'}startIndex=${r.pick(['-5', 'x', '1e9', '2'])}&count=${r.pick(['0', '-1', '100000', 'y'])}`
      const body =
        method === 'GET' || method === 'DELETE'
          ? undefined
          : r.pick([
              () => JSON.stringify(object(r)),
              () => JSON.stringify({ schemas: [patchOp], Operations: [object(r), object(r)] }),
              () => '{"broken":',
              () => '[]',
              () => 'null',
            ])()
      const token = logout
        ? r.pick(['', 'Bearer a.b.c', `Bearer ${btoa('{"alg":"none"}')}.e30.`, 'Bearer'])
        : r.chance(0.85)
          ? `Bearer ${scim.token}`
          : r.pick([`Bearer ${scim.token}x`, ''])
      const headers: Record<string, string> = { 'content-type': 'application/scim+json' }
      if (token) headers.authorization = token
      const before = await snapshot()
      const response = await rig.fetch(new Browser(), path, {
        method: logout ? 'POST' : method,
        headers,
        body: logout && body === undefined ? '{}' : body,
      })
      const label = `${method} ${path.slice(0, 120)} ${body?.slice(0, 200)}`
      const text = await response.text()
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      expect(response.status, label).toBeLessThan(500)
      expect(showsInternals(text), `${label}: ${text.slice(0, 300)}`).toBe(false)
      expect(text.includes(scim.token), label).toBe(false)
      if (response.status >= 400) {
        expect(await snapshot(), `${label} wrote on a refusal`).toEqual(before)
        if (path.startsWith('/scim/')) {
          expect(response.headers.get('content-type'), label).toMatch(/^application\/scim\+json/)
          expect(JSON.parse(text), label).toMatchObject({ status: String(response.status) })
        }
      }
    }
    // The fuzz reached both sides of the parsers: some requests were served, most refused.
    const seen = [...statuses.keys()]
    expect(seen.some((status) => status < 300)).toBe(true)
    expect(seen.some((status) => status >= 400)).toBe(true)
  }, 120_000)
})
