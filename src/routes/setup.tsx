// The guided SSO setup, through support's setup link (/setup/:token) or as the signed-in team owner (/settings/sso).
import { type Context, Hono } from 'hono'
import * as z from 'zod/mini'
import { scimBaseUrl } from '../admin/access'
import { addTeamDomain, getTeam, verifyTeamDomain } from '../admin/operations'
import { setupConnectionChoice, setupConnectionForm, setupDomainForm } from '../admin/schemas'
import { connectionsById } from '../db/connections'
import type { AppEnv, SetupScope } from '../env'
import { AppError, concerning, type Subject } from '../errors'
import { auditedAs, recorded } from '../http/audit'
import { adminDeps, db } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { validate } from '../http/input'
import { refusedFormShows } from '../http/form-failure'
import { requestSession, signInFirst } from '../http/session-cookie'
import { activate, issueTeamScimToken, saveDraft } from '../setup/draft'
import { setupLinkScope } from '../setup/links'
import { testedValuesOf } from '../setup/test-sign-in'
import { ownedTeam } from '../teams'
import { redirectUri, setupLinkPath, signOutRedirectUri, universalLogoutUri } from '../vocabulary'
import { ScimTokenPage } from '../views/scim-token'
import {
  SetupDonePage,
  SetupPage,
  type SetupNotice,
  setupNotices,
  type SetupRefusal,
  type SetupUris,
} from '../views/setup'
import { beginLogin } from './sso'

const noticeSchema = z.object({ done: z.optional(z.string().check(z.maxLength(40))) })

/** Post/redirect/get: back to the setup page at the step just done. */
const backTo = (c: Context<AppEnv>, notice: SetupNotice, anchor: string) =>
  c.redirect(`${c.var.setup.base}?done=${notice}#${anchor}`, 303)

/** This team's exact URIs for the Okta settings. */
const setupUris = (origin: string): SetupUris => ({
  redirectUri: redirectUri(origin),
  signOutRedirectUri: signOutRedirectUri(origin),
  scimBaseUrl: scimBaseUrl(origin),
  universalLogoutUri: (id: string) => universalLogoutUri(origin, id),
})

/** The setup page of this request's flow, with a notice or a refused form. */
async function setupPage(
  c: Context<AppEnv>,
  shown: { notice?: SetupNotice | undefined; refused?: SetupRefusal },
) {
  const team = await getTeam(adminDeps(c), c.var.setup.teamId)
  const uris = setupUris(c.var.config.publicOrigin)
  return (
    <SetupPage
      team={team}
      base={c.var.setup.base}
      uris={uris}
      notice={shown.notice}
      refused={shown.refused}
    />
  )
}

/** A refused setup form: the setup page again, what was typed kept and the error beside its field. */
const setupFormShows = (form: SetupRefusal['form']) =>
  refusedFormShows(async (c, { failure, typed }) => {
    const domain = c.req.param('domain')
    const refused = { form, failure, typed, ...(domain ? { domain } : {}) }
    return c.html(await setupPage(c, { refused }), failure.status)
  })

/** A setup flow's scope and who is setting up (the link's email, or the signed-in owner). */
interface ResolvedSetup {
  scope: SetupScope
  subject: Subject
}

/**
 * The setup flow over the team `resolve` names (undefined: no one is signed in, so the page is the sign-in
 * page, returning here); the same pages and forms for a link and for the owner.
 */
const setupFlow = (resolve: (c: Context<AppEnv>) => Promise<ResolvedSetup | undefined>) =>
  new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.header('cache-control', 'no-store')
      c.set('audit', { kind: 'admin', action: 'setup_view' })
      const resolved = await resolve(c)
      if (!resolved && c.req.method === 'GET') return signInFirst(c)
      if (!resolved) throw new AppError('unauthorized')
      const { scope, subject } = resolved
      c.set('setup', scope)
      c.set('subject', { ...subject, teamId: scope.teamId })
      await next()
    })
    .get('/', validate('query', noticeSchema), async (c) => {
      const { done } = c.req.valid('query')
      const notice = done && done in setupNotices ? (done as SetupNotice) : undefined
      return c.html(await setupPage(c, { notice }))
    })
    .post(
      '/connection',
      sameOriginOnly,
      auditedAs('setup_connection_save'),
      setupFormShows('connection'),
      validate('form', setupConnectionForm),
      async (c) => {
        await saveDraft(adminDeps(c), c.var.setup.teamId, c.req.valid('form'), recorded(c))
        return backTo(c, 'saved', 'okta-finish')
      },
    )
    .post(
      '/domains',
      sameOriginOnly,
      auditedAs('setup_domain_add'),
      setupFormShows('domain'),
      validate('form', setupDomainForm),
      async (c) => {
        const { domain } = c.req.valid('form')
        await addTeamDomain(adminDeps(c), c.var.setup.teamId, { domain }, recorded(c))
        return backTo(c, 'domain_added', 'domain')
      },
    )
    .post(
      '/domains/:domain/verify',
      sameOriginOnly,
      auditedAs('setup_domain_verify'),
      setupFormShows('verify'),
      async (c) => {
        const domain = c.req.param('domain')
        await verifyTeamDomain(adminDeps(c), c.var.setup.teamId, domain, recorded(c))
        return backTo(c, 'domain_verified', 'domain')
      },
    )
    .post(
      '/test',
      sameOriginOnly,
      auditedAs('setup_test_start'),
      validate('form', setupConnectionChoice),
      async (c) => {
        const { connectionId } = c.req.valid('form')
        // From D1, not the isolate's copy: the test is bound to the values it starts with.
        const [connection] = await connectionsById(db(c), connectionId)
        if (connection?.teamId !== c.var.setup.teamId) throw new AppError('not_found')
        const testedValues = await testedValuesOf(connection)
        return beginLogin(
          c,
          { connection },
          { returnTo: c.var.setup.base, test: true, testedValues },
        )
      },
    )
    .post(
      '/activate',
      sameOriginOnly,
      auditedAs('setup_activate'),
      validate('form', setupConnectionChoice),
      async (c) => {
        const { connectionId } = c.req.valid('form')
        const deps = adminDeps(c)
        const connection = await activate(deps, c.var.setup.teamId, connectionId, recorded(c))
        if (!c.var.setup.viaLink) return backTo(c, 'activated', 'live')
        // The link is retired with activation: its page would be a 404 now, so the answer is the last page.
        const team = await getTeam(deps, c.var.setup.teamId)
        const uris = setupUris(c.var.config.publicOrigin)
        return c.html(<SetupDonePage team={team} connection={connection} uris={uris} />)
      },
    )
    .post(
      '/scim-token',
      sameOriginOnly,
      auditedAs('setup_scim_token'),
      validate('form', setupConnectionChoice),
      async (c) => {
        const { connectionId } = c.req.valid('form')
        const { teamId, base } = c.var.setup
        const deps = adminDeps(c)
        const issued = await issueTeamScimToken(deps, teamId, connectionId, recorded(c))
        const team = await getTeam(deps, teamId)
        const back = { href: base, label: 'Back to single sign-on' }
        return c.html(<ScimTokenPage team={team.name} {...issued} back={back} />)
      },
    )

/** A forged, expired or revoked link is one 404 that names no team. */
export const setupLinkRoutes = setupFlow(async (c) => {
  const token = c.req.param('token') ?? ''
  const link = await setupLinkScope(db(c), token, c.var.runtime.now())
  c.header('referrer-policy', 'no-referrer')
  const scope = { teamId: link.teamId, base: setupLinkPath(token), viaLink: true }
  return { scope, subject: { email: link.email } }
})

/** The team owner's own way through the same flow; anyone else signed in gets `403 owner_only`. */
export const ownerSetupRoutes = setupFlow(async (c) => {
  const session = await requestSession(c)
  if (!session) return undefined
  const subject = { email: session.email, identified: true }
  const teamId = await concerning(subject, () => ownedTeam(db(c), session.email))
  return { scope: { teamId, base: '/settings/sso', viaLink: false }, subject }
})
