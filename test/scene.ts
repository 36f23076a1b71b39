// The robustness suites' common scene: a rig watched by a tally, a connected team, one person the IdP knows.
import { expect, type TestContext } from 'vitest'
import { Tally } from './figures'
import {
  Browser,
  createRig,
  me,
  publicOrigin,
  setUpTeam,
  tileLogin,
  type Rig,
  type TeamSetup,
} from './harness'

export interface Scene {
  rig: Rig
  team: TeamSetup
  tally: Tally
  /** The IdP's person: sub `okta-ada`, an email in the team's domain, no account yet. */
  email: string
}

export const sub = 'okta-ada'

export async function scene(
  ctx: TestContext,
  area: string,
  options: { now?: () => number } = {},
): Promise<Scene> {
  const rig = await createRig(options)
  const tally = new Tally(ctx, area).watch(rig)
  const team = await setUpTeam(rig)
  const email = `ada@${team.domain}`
  rig.idp.addUser({ sub, email, email_verified: true, name: 'Ada' })
  return { rig, team, tally, email }
}

export const initiatePath = (s: Scene) =>
  `/sso/initiate?iss=${encodeURIComponent(s.rig.idp.issuer)}`

/** A login that must succeed: the browser lands on the app with an SSO session for the scene's person. */
export async function expectSignedIn(s: Scene, browser = new Browser()): Promise<Browser> {
  const { callback } = await tileLogin(s.rig, browser, sub)
  expect([callback.status, callback.headers.get('location')]).toEqual([302, `${publicOrigin}/app`])
  const body = (await (await me(s.rig, browser)).json()) as {
    user: { email: string }
    authMethod: string
  }
  expect([body.user.email, body.authMethod]).toEqual([s.email, 'sso'])
  s.tally.accepted()
  return browser
}

/** A tile login that must be refused with `expected`, writing nothing and leaving no session. */
export async function expectRefusedLogin(
  s: Scene,
  expected: { status: number; code: string },
): Promise<void> {
  await s.tally.baseline()
  const browser = new Browser()
  const { callback } = await tileLogin(s.rig, browser, sub)
  await s.tally.refused(callback, expected)
  expect((await me(s.rig, browser)).status).toBe(401)
}
