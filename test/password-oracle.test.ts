// Password login cannot be used to test a password of a member of an SSO-only team.
import { describe, expect, it } from 'vitest'
import { hashPassword } from '../src/crypto/password'
import { Browser, formPost } from './harness'
import { query } from './rows'
import { scene } from './scene'

/** The page with its one varying part, the reference id, blanked out. */
const withoutReference = (html: string) =>
  html.replace(/data-testid="reference-id">[^<]+</, 'data-testid="reference-id">…<')

describe('password oracle for SSO-only members', () => {
  it('answers a right and a wrong password alike (the old code told them apart: 403 sso_required vs 401 invalid_credentials)', async (ctx) => {
    const { rig, team, tally } = await scene({ ctx, area: 'Password oracle' })
    await query(
      'update users set password_hash = ? where email = ?',
      await hashPassword('the right password'),
      team.ownerEmail,
    )
    const answers = []
    for (const password of ['the right password', 'a wrong password', ' ']) {
      const browser = new Browser()
      await tally.baseline()
      const response = await rig.fetch(
        browser,
        '/login/password',
        formPost({ email: team.ownerEmail, password }),
      )
      const { body } = await tally.refused(response, { status: 403, code: 'sso_required' })
      answers.push({ page: withoutReference(body), cookies: [...browser.cookies.keys()] })
    }
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
    expect(answers[0]?.cookies).toEqual([])
    const sessions = await query(
      'select s.id from sessions s join users u on u.id = s.user_id where u.email = ?',
      team.ownerEmail,
    )
    expect(sessions).toEqual([])
  })
})
