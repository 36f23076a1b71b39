// Admin listings by cursor: teams newest first, a team's members beyond the first 100, events by (at, id), and the console's next-page links.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { adminToken, Browser, expectRefusal, formPost, type Rig, unique } from './harness'
import { addTeam, scene } from './scene'

const json = (r: Response) => r.json() as Promise<any>

/** Follows nextCursor from `path` to the end; answers every page's items under `key`. */
async function walk(
  rig: Rig,
  path: string,
  key: string,
  from: string | null = null,
): Promise<any[]> {
  const items: any[] = []
  let cursor = from
  for (let pages = 0; pages < 100; pages++) {
    const separator = path.includes('?') ? '&' : '?'
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path
    const response = await rig.admin('GET', url)
    expect(response.status).toBe(200)
    const body = await json(response)
    items.push(...body[key])
    cursor = body.nextCursor
    if (cursor === null) return items
  }
  throw new Error('no last page')
}

/** `count` more members for `teamId`, written straight to D1 (the API has no bulk join). */
async function addMembers(teamId: string, count: number) {
  const statements = Array.from({ length: count }, () => {
    const id = unique('u')
    return [
      env.DB.prepare('insert into users (id, email) values (?, ?)').bind(id, `${id}@bulk.example`),
      env.DB.prepare(
        "insert into memberships (user_id, team_id, role, permission) values (?, ?, 'member', 'private')",
      ).bind(id, teamId),
    ]
  }).flat()
  await env.DB.batch(statements)
}

/** Event rows for `teamId`, several sharing one `at`, so the cursor's id tie-break is exercised. */
async function addEvents(teamId: string, ats: number[]) {
  await env.DB.batch(
    ats.map((at) =>
      env.DB.prepare(
        "insert into events (id, at, kind, action, outcome, team_id, reference_id) values (?, ?, 'admin', 'get_teams', 'success', ?, ?)",
      ).bind(unique('ev'), at, teamId, unique('ref')),
    ),
  )
  return (
    await env.DB.prepare('select id, at from events where team_id = ? order by at desc, id desc')
      .bind(teamId)
      .all<{ id: string; at: number }>()
  ).results
}

describe('teams by cursor', () => {
  it('pages through every team once, two at a time, in the one-page order', async () => {
    const { rig, team } = await scene({ connect: false })
    const more = [await addTeam(rig, { connect: false }), await addTeam(rig, { connect: false })]
    const first = await json(await rig.admin('GET', '/admin/api/teams?limit=2'))
    expect(first.teams).toHaveLength(2)
    expect(typeof first.nextCursor).toBe('string')
    const all = await walk(rig, '/admin/api/teams?limit=2', 'teams')
    const ids = all.map((t) => t.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(expect.arrayContaining([team.teamId, ...more.map((t) => t.teamId)]))
    const onePage = await json(await rig.admin('GET', '/admin/api/teams?limit=100'))
    expect(ids).toEqual(onePage.teams.map((t: { id: string }) => t.id))
  })
})

describe("a team's members by cursor", () => {
  it('shows the first 100 with the team (10 in a listing) and pages the rest through /teams/:id/members', async () => {
    const { rig, team } = await scene({ connect: false })
    await addMembers(team.teamId, 104)
    const shown = await json(await rig.admin('GET', `/admin/api/teams/${team.teamId}`))
    expect(shown.members).toHaveLength(100)
    expect(shown.membersNextCursor).toEqual(expect.any(String))
    const rest = await json(
      await rig.admin(
        'GET',
        `/admin/api/teams/${team.teamId}/members?cursor=${shown.membersNextCursor}`,
      ),
    )
    expect(rest).toEqual({ members: expect.any(Array), nextCursor: null })
    expect(rest.members).toHaveLength(5)
    const all = await walk(rig, `/admin/api/teams/${team.teamId}/members?limit=40`, 'members')
    expect(all.map((m) => m.id)).toEqual([...shown.members, ...rest.members].map((m) => m.id))
    expect(all.map((m) => m.email)).toContain(team.ownerEmail)
    const listed = await walk(rig, '/admin/api/teams', 'teams')
    const inListing = listed.find((t) => t.id === team.teamId)
    expect(inListing.members).toEqual(shown.members.slice(0, 10))
    expect(inListing.membersNextCursor).toEqual(expect.any(String))
  })

  it('answers 404 for an unknown team, and a small team has no next cursor', async () => {
    const { rig, team } = await scene({ connect: false })
    await expectRefusal(await rig.admin('GET', '/admin/api/teams/nope/members'), {
      status: 404,
      code: 'not_found',
    })
    const small = await json(await rig.admin('GET', `/admin/api/teams/${team.teamId}`))
    expect([small.members.length, small.membersNextCursor]).toEqual([1, null])
  })
})

describe('events by cursor', () => {
  it('pages newest first by (at, id) with ties on at, each event once, unmoved by newer events', async () => {
    const teamId = unique('team')
    const { rig } = await scene({ connect: false })
    const expected = await addEvents(teamId, [1000, 2000, 2000, 2000, 3000, 4000, 4000])
    const first = await json(await rig.admin('GET', `/admin/api/events?teamId=${teamId}&limit=3`))
    expect(first.events.map((e: { id: string }) => e.id)).toEqual(
      expected.slice(0, 3).map((e) => e.id),
    )
    await addEvents(teamId, [5000])
    const rest = await walk(
      rig,
      `/admin/api/events?teamId=${teamId}&limit=3`,
      'events',
      first.nextCursor,
    )
    expect([...first.events, ...rest].map((e) => e.id)).toEqual(expected.map((e) => e.id))
  })

  it.each([
    ['not base64 JSON', '%25%25%25'],
    ['JSON of the wrong shape', btoa('{"at":1}')],
    ['an over-long cursor', 'A'.repeat(300)],
  ])('refuses a cursor that is %s: 400 invalid_request', async (_name, cursor) => {
    const { rig } = await scene({ connect: false })
    for (const path of ['events', 'teams'])
      await expectRefusal(await rig.admin('GET', `/admin/api/${path}?cursor=${cursor}`), {
        status: 400,
        code: 'invalid_request',
      })
  })
})

describe('the console pages its listings', () => {
  it('links to the next page of teams, older events and more members', async () => {
    const { rig, team } = await scene({ connect: false })
    await addMembers(team.teamId, 120)
    for (let i = 0; i < 20; i++) await addTeam(rig, { connect: false })
    await addEvents(
      unique('team'),
      Array.from({ length: 60 }, (_, i) => Date.now() - i),
    )
    const support = new Browser()
    await rig.fetch(support, '/admin/login', formPost({ token: adminToken }))
    const first = await (await rig.fetch(support, '/admin')).text()
    const link = (html: string, id: string) =>
      new RegExp(`href="([^"]+)" data-testid="${id}"`).exec(html)?.[1]?.replaceAll('&amp;', '&')
    const teamsLink = link(first, 'next-teams')
    expect(teamsLink).toMatch(/^\/admin\?teams=/)
    expect(link(first, 'next-events')).toMatch(/^\/admin\?events=/)
    const second = await (await rig.fetch(support, teamsLink!)).text()
    const teamCard = `id="team-${team.teamId}"`
    expect([first.includes(teamCard), second.includes(teamCard)]).toContain(true)
    expect(second).not.toContain(
      first.slice(first.indexOf('id="team-'), first.indexOf('data-testid="team"')),
    )
    // This team's own link: files running beside this one may list teams with many members too.
    const ownMembers = (html: string) =>
      new RegExp(
        `href="(/admin\\?team=${team.teamId}&amp;members=[^"]+)" data-testid="next-members"`,
      )
        .exec(html)?.[1]
        ?.replaceAll('&amp;', '&')
    let membersLink = ownMembers(first) ?? ownMembers(second)
    expect(membersLink).toContain(`team=${team.teamId}`)
    const seen: string[] = []
    for (let pages = 0; membersLink && pages < 5; pages++) {
      const html = await (await rig.fetch(support, membersLink)).text()
      // Each member once per page (a row names its member in its buttons' accessible names too).
      seen.push(...new Set(html.match(/[\w.]+@bulk\.example/g)))
      membersLink = link(html, 'next-members')
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.length).toBeGreaterThanOrEqual(110)
  })
})
