// Password login cannot be used to test a password of a member of an SSO-only team.
import { describe, expect, it } from 'vitest'
import { hashPassword } from '../src/crypto/password'
import { Browser, createRig, publicOrigin, query, setUpTeam } from './harness'

const passwordForm = (email: string, password: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicOrigin },
  body: new URLSearchParams({ email, password }),
})

/** The page with its one varying part, the reference id, blanked out. */
const withoutReference = (html: string) =>
  html.replace(/data-testid="reference-id">[^<]+</, 'data-testid="reference-id">…<')

describe('password oracle for SSO-only members', () => {
  it('answers a right and a wrong password alike (the old code told them apart: 403 sso_required vs 401 invalid_credentials)', async () => {
    const rig = await createRig()
    const team = await setUpTeam(rig)
    await query(
      'update users set password_hash = ? where email = ?',
      await hashPassword('the right password'),
      team.ownerEmail,
    )
    const answers = []
    for (const password of ['the right password', 'a wrong password', ' ']) {
      const browser = new Browser()
      const response = await rig.fetch(
        browser,
        '/login/password',
        passwordForm(team.ownerEmail, password),
      )
      answers.push({
        status: response.status,
        page: withoutReference(await response.text()),
        cookies: [...browser.cookies.keys()],
      })
    }
    expect(answers[0]?.status).toBe(403)
    expect(answers[0]?.page).toContain('data-testid="error-code">sso_required<')
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
    expect(answers[0]?.cookies).toEqual([])
    const sessions = await query(
      'select s.id from sessions s join users u on u.id = s.user_id where u.email = ?',
      team.ownerEmail,
    )
    expect(sessions).toEqual([])
    const events = await query<{ error_code: string }>(
      "select error_code from events where email = ? and action = 'password_login' order by at",
      team.ownerEmail,
    )
    expect(events.map((e) => e.error_code)).toEqual([
      'sso_required',
      'sso_required',
      'sso_required',
    ])
  })
})
