// The one fixture builder: a rig on a movable clock, a team connected to the rig's IdP, one person the IdP knows.
import { expect, type TestContext } from 'vitest'
import { Tally } from './figures'
import { Browser, createRig, me, publicOrigin, unique, type Rig } from './harness'
import { tileLogin } from './logins'
import { advanceClock } from './clock'
import { TestIdp } from './idp/provider'

export interface TeamSetup {
  teamId: string
  /** '' when the team was made without a connection. */
  connectionId: string
  domain: string
  ownerEmail: string
  clientId: string
  clientSecret: string
}

export interface TeamOptions {
  defaultPermission?: 'public' | 'private'
  authMethod?: 'client_secret_basic' | 'client_secret_post'
  /** false: the team only, no SSO connection (and no client at the IdP). */
  connect?: boolean
}

/** What support does: create the team, then its connection to the rig's IdP (registered there as a client). */
export async function addTeam(rig: Rig, options: TeamOptions = {}): Promise<TeamSetup> {
  const domain = `${unique('acme')}.example`
  const ownerEmail = `owner@${domain}`
  const clientId = unique('client')
  const clientSecret = `secret-${unique('s')}_with-symbols~`
  const team = await rig.admin('POST', '/admin/api/teams', {
    name: `Team ${domain}`,
    ownerEmail,
    defaultPermission: options.defaultPermission ?? 'private',
  })
  if (team.status !== 201) throw new Error(`team: ${team.status} ${await team.text()}`)
  const { id: teamId } = (await team.json()) as { id: string }
  const setup = { teamId, connectionId: '', domain, ownerEmail, clientId, clientSecret }
  if (options.connect === false) return setup
  return { ...setup, connectionId: await connectTeam(rig, setup, options.authMethod) }
}

/**
 * Support adds an Okta connection of the team `ownerEmail` owns, to a client registered at the rig's IdP (or
 * at `idp`, another org the rig reaches).
 */
export async function connectTeam(
  rig: Rig,
  {
    ownerEmail,
    clientId,
    clientSecret,
  }: Pick<TeamSetup, 'ownerEmail' | 'clientId' | 'clientSecret'>,
  authMethod?: TeamOptions['authMethod'],
  idp: TestIdp = rig.idp,
): Promise<string> {
  idp.addClient({
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uri: `${publicOrigin}/sso/callback`,
    auth_method: authMethod,
  })
  const connection = await rig.admin('POST', '/admin/api/sso-connections', {
    ownerEmail,
    clientId,
    clientSecret,
    issuer: idp.issuer,
    ...(authMethod ? { tokenEndpointAuthMethod: authMethod } : {}),
  })
  if (connection.status !== 201)
    throw new Error(`connection: ${connection.status} ${await connection.text()}`)
  return ((await connection.json()) as { id: string }).id
}

export interface Scene {
  rig: Rig
  team: TeamSetup
  tally: Tally
  /** The IdP's person: sub `okta-ada`, an email in the team's domain, no account yet. */
  email: string
  /** Moves the clock forward: the worker's, its libraries' and the IdP's (test/clock.ts). */
  advance(ms: number): void
}

export interface SceneOptions extends TeamOptions {
  /** With `area`: the test's figures go to docs/robustness.md under that area. */
  ctx?: TestContext
  area?: string
  issuer?: string
  /** Other IdPs the worker can reach (a second Okta org). */
  idps?: TestIdp[]
  /** Vars and secrets over the worker's own (test/webhooks.ts turns webhooks on with them). */
  vars?: Record<string, string>
}

export const sub = 'okta-ada'

export async function scene(options: SceneOptions = {}): Promise<Scene> {
  const rig = await createRig({ issuer: options.issuer, idps: options.idps, vars: options.vars })
  const tally = new Tally(options.area ? options.ctx : undefined, options.area ?? '').watch(rig)
  const team = await addTeam(rig, options)
  const email = `ada@${team.domain}`
  rig.idp.addUser({ sub, email, email_verified: true, name: 'Ada' })
  return { rig, team, tally, email, advance: advanceClock }
}

export const initiatePath = (s: Scene) =>
  `/sso/initiate?iss=${encodeURIComponent(s.rig.idp.issuer)}`

/** A browser whose login is waiting at the IdP: its callback URL and the cookies it holds. */
export async function pendingLogin(
  s: Scene,
  person = sub,
  path = initiatePath(s),
  browser = new Browser(),
) {
  const initiate = await s.rig.fetch(browser, path, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  expect(initiate.status, await initiate.clone().text()).toBe(302)
  const location = initiate.headers.get('location')!
  return { browser, initiate, callbackUrl: s.rig.idp.authorize(location, person) }
}

/** A login that must succeed: the browser lands on the app with an SSO session for the scene's person. */
export async function expectSignedIn(s: Scene, browser = new Browser()): Promise<Browser> {
  const { callback, asked } = await tileLogin(s.rig, browser, sub)
  expect([callback.status, callback.headers.get('location')]).toEqual([
    asked ? 303 : 302,
    `${publicOrigin}/app`,
  ])
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

/** An attacker's own Okta org with one client (`evil` / `evil-secret`), for the worker to reach via `idps`. */
export async function evilIdp(): Promise<TestIdp> {
  const evil = await TestIdp.create({ issuer: `https://${unique('evil')}.attacker.test` })
  evil.addClient({
    client_id: 'evil',
    client_secret: 'evil-secret',
    redirect_uri: `${publicOrigin}/sso/callback`,
  })
  return evil
}
