// The owner's own pages: a teamless user creates their team from /app, then sees members, domains and SSO state.
import { describe, expect, it } from 'vitest'
import { Browser, expectRefusal, formPost, unique } from './harness'
import { query } from './rows'
import { register } from './logins'
import { expectSignedIn, scene } from './scene'

describe('the owner’s own pages', () => {
  it('a teamless user enables team management from /app and lands on their team page', async () => {
    const s = await scene({ connect: false })
    const owner = new Browser()
    const domain = `${unique('own')}.example`
    const email = `olive@${domain}`
    await register(s.rig, owner, email)
    const app = await (await s.rig.fetch(owner, '/app')).text()
    expect(app).toContain('You are not in a team yet.')
    expect(app).toContain('action="/team"')
    const created = await s.rig.fetch(
      owner,
      '/team',
      formPost({ name: 'Olive Co', defaultPermission: 'public' }),
    )
    expect([created.status, created.headers.get('location')]).toEqual([303, '/team'])
    const [team] = await query<{ id: string; default_permission: string }>(
      'select t.id, t.default_permission from teams t join users u on u.id = t.owner_user_id where u.email = ?',
      email,
    )
    expect(team!.default_permission).toBe('public')
    const page = await s.rig.fetch(owner, '/team')
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('<h1>Olive Co</h1>')
    expect(html).toContain(email)
    expect(html).toContain(`<code>_edge-sso.${domain}</code>`)
    expect(html).toContain('Single sign-on is off')
    expect(await (await s.rig.fetch(owner, '/app')).text()).toContain('href="/team"')
    expect((await s.rig.fetch(owner, '/settings/sso')).status).toBe(200)
    const again = await s.rig.fetch(
      owner,
      '/team',
      formPost({ name: 'Twice', defaultPermission: 'public' }),
    )
    await expectRefusal(again, { status: 409, code: 'already_in_team' })
  })

  it('an unverified account cannot create a team; a member who is not the owner gets a 403 team page', async () => {
    const s = await scene()
    const unverified = new Browser()
    await register(s.rig, unverified, `${unique('new')}@${unique('d')}.example`, { verify: false })
    const refused = await s.rig.fetch(
      unverified,
      '/team',
      formPost({ name: 'X', defaultPermission: 'private' }),
    )
    await expectRefusal(refused, { status: 403, code: 'email_unverified' })
    const member = await expectSignedIn(s)
    await expectRefusal(await s.rig.fetch(member, '/team'), { status: 403, code: 'owner_only' })
    expect((await s.rig.fetch(new Browser(), '/team')).headers.get('location')).toBe(
      '/?return_to=%2Fteam',
    )
  })
})
