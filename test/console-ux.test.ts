// The support console for people: removals asked twice with their consequence, named buttons, deactivated marks, search.
import { describe, expect, it } from 'vitest'
import { adminToken, Browser, formPost } from './harness'
import { query } from './rows'
import { addTeam, expectSignedIn, scene, type Scene } from './scene'
import { oktaUser, patch, scimClient } from './scim-helpers'

/** Support signed in to the console. */
async function support(s: Scene) {
  const browser = new Browser()
  await s.rig.fetch(browser, '/admin/login', formPost({ token: adminToken }))
  return async (path: string) => (await s.rig.fetch(browser, path)).text()
}

const consequences = (html: string) =>
  [...html.matchAll(/data-testid="consequence">([^<]*)</g)].map((m) => m[1])

describe('the support console', () => {
  it('Remove asks first and names the consequence: the only verified domain stops just-in-time joins', async () => {
    const s = await scene()
    await expectSignedIn(s)
    const page = await support(s)
    const html = await page(`/admin?team=${s.team.teamId}`)
    expect(consequences(html)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^${s.team.domain} is the team’s only verified domain: removing it stops just-in-time joins`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`^${s.email} leaves Team ${s.team.domain} and is signed out everywhere`),
        ),
      ]),
    )
    // The remove buttons sit inside their <details>: one click on "Remove" opens, it never posts.
    expect(html).not.toMatch(/<form method="post" action="[^"]*\/delete" class="inline">/)
    expect(html).toContain(
      `<button type="submit" class="secondary">Remove ${s.team.domain}</button>`,
    )
    expect(await query('select domain from team_domains where team_id = ?', s.team.teamId)).toEqual(
      [{ domain: s.team.domain }],
    )
  })

  it('every repeated button names its target for screen readers; notices are a polite status', async () => {
    const s = await scene()
    await expectSignedIn(s)
    const page = await support(s)
    const html = await page(`/admin?team=${s.team.teamId}`)
    expect(html).toContain(`End sessions<span class="sr-only"> of ${s.email}</span>`)
    expect(html).toContain(`Remove<span class="sr-only"> ${s.email}</span>`)
    expect(html).toContain(`Issue SCIM token<span class="sr-only"> for ${s.rig.idp.issuer}</span>`)
    const notice = await page(`/admin?done=domain_added&id=${s.team.teamId}`)
    expect(notice).toMatch(
      /<div role="status" aria-live="polite"><p class="card notice" data-testid="notice">/,
    )
  })

  it('marks a member their Okta deactivated, in the team’s card and in “Why can’t this person join?”', async () => {
    const s = await scene()
    const scim = await scimClient(s.rig, s.team.connectionId)
    const user = (await (await scim('POST', '/Users', oktaUser(s.email))).json()) as { id: string }
    await expectSignedIn(s)
    const page = await support(s)
    expect(await page(`/admin?team=${s.team.teamId}`)).not.toContain('data-testid="deactivated"')
    await scim('PATCH', `/Users/${user.id}`, patch({ op: 'replace', value: { active: false } }))
    const card = await page(`/admin?team=${s.team.teamId}`)
    expect(card).toMatch(
      new RegExp(
        `${s.email}(<span class="muted">[^<]*</span>)?<span class="tag" data-testid="deactivated">`,
      ),
    )
    const lookup = await page(`/admin?email=${encodeURIComponent(s.email)}`)
    expect(lookup).toMatch(/data-testid="lookup-result">[^]*data-testid="deactivated"/)
  })

  it('finds one team among many by name, owner email or domain, and each team has its own page', async () => {
    const s = await scene({ connect: false })
    for (let i = 0; i < 3; i++) await addTeam(s.rig, { connect: false })
    const page = await support(s)
    for (const search of [
      s.team.domain.toUpperCase(),
      s.team.ownerEmail,
      `Team ${s.team.domain}`,
    ]) {
      const html = await page(`/admin?q=${encodeURIComponent(search)}`)
      const cards = [...html.matchAll(/id="team-([\w-]+)" data-testid="team"/g)].map((m) => m[1])
      expect(cards).toEqual([s.team.teamId])
    }
    const none = await page('/admin?q=no-such-team-anywhere')
    expect(none).toContain('data-testid="no-team-found"')
    const listing = await page(`/admin?q=${encodeURIComponent(s.team.domain)}`)
    expect(listing).toContain(`href="/admin?team=${s.team.teamId}" data-testid="team-page-link"`)
    const own = await page(`/admin?team=${s.team.teamId}`)
    expect([...own.matchAll(/data-testid="team"/g)]).toHaveLength(1)
  })
})
