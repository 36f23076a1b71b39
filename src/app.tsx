// Assembles the Hono app: configuration and runtime per request, the routers, one error handler.
import { Hono, type Context } from 'hono'
import { type AppEnv, readConfig } from './env'
import { AppError, asAppError, type ErrorCode } from './errors'
import { securityHeaders } from './http/secure-headers'
import { recordRefusal } from './http/refusal'
import { refusalAt, rememberRefusal } from './http/page-notices'
import { presentedSession } from './http/session-cookie'
import { gateway } from './http/gateway'
import { ownPathTest } from './gateway/own-paths'
import { guardAnonymousLoginRoutes } from './http/anonymous-routes'
import { refuseLargeBodies } from './http/body-limit'
import { accountRoutes } from './routes/account'
import { pendingLoginRoutes } from './routes/account-switch'
import { recoveryRoutes } from './routes/recovery'
import { adminAccessRoutes } from './routes/admin-access'
import { adminApiRoutes } from './routes/admin-api'
import { adminPageRoutes } from './routes/admin-page'
import { apiRoutes } from './routes/api'
import { auditSettingsRoutes } from './routes/audit-settings'
import { devOutboxRoutes } from './routes/dev-outbox'
import { jwksRoutes } from './routes/identity'
import { openApiRoutes } from './routes/openapi'
import { scimRoutes } from './routes/scim'
import { teamRoutes } from './routes/team'
import { ownerSetupRoutes, setupLinkRoutes } from './routes/setup'
import { ssoRoutes } from './routes/sso'
import { universalLogoutRoutes } from './routes/universal-logout'
import { createRuntime, type Runtime } from './runtime'
import type { RefusalAnswer } from './schemas'
import { ErrorPage } from './views/pages'
import { enqueueAfterResponse } from './http/context'
import { Outbox } from './webhooks/outbox'

/** Refusals of the setup flow that no setup page can help with: a bad link, no owner's session. */
const outsideSetup = new Set<ErrorCode>(['setup_link_invalid', 'unauthorized', 'owner_only'])

/** A refusal met on a setup step leads back to its setup page. */
const setupPageOf = (path: string, code: ErrorCode) =>
  outsideSetup.has(code)
    ? undefined
    : /^\/(setup\/[\w-]+|settings\/sso)(\/|$)/.exec(path)?.[0].replace(/\/$/, '')

const wantsJson = (path: string) =>
  path.startsWith('/api/') ||
  path.startsWith('/admin/api/') ||
  path.startsWith('/sso/universal-logout')

/** Refusals of a sign-in: the only ones headed "We could not sign you in" (never to someone signed in). */
const signingIn = (path: string) => /^\/(sso|login)(\/|$)/.test(path)

/** Only a reloaded callback (its transaction spent) shows again what its first load showed. */
const replayable = (c: Context<AppEnv>, error: AppError) =>
  c.req.method === 'GET' && c.req.path === '/sso/callback' && error.code === 'login_expired'

/**
 * A reload of a refused callback: the refusal it showed, under the same reference id (its event row is
 * written once); otherwise the refusal recorded now (src/http/refusal.ts).
 */
async function recordedOnce(c: Context<AppEnv>, error: AppError) {
  const keys = c.get('config')?.sessionKeys
  const before = keys && replayable(c, error) ? await refusalAt(c, keys, c.req.url) : undefined
  if (before)
    return { error: new AppError(before.code as ErrorCode), referenceId: before.referenceId }
  const referenceId = await recordRefusal(c, error)
  if (keys && c.req.method === 'GET' && c.req.path === '/sso/callback')
    await rememberRefusal(c, keys, { url: c.req.url, code: error.code, referenceId })
  return { error, referenceId }
}

/** A refused form that can show itself again does (statuses a page can be drawn for: below 500, or 502). */
async function refusedFormPage(c: Context<AppEnv>, error: AppError, referenceId: string) {
  const page = c.get('refusedForm')
  if (!page || (error.status >= 500 && error.status !== 502)) return undefined
  const fields = error.code === 'invalid_request' && Array.isArray(error.cause) ? error.cause : []
  const { code, message, status } = error
  return page({ code, message, status, referenceId, fields: fields.map(String) }).catch(
    () => undefined,
  )
}

/** The refusal as a person or a program meets it, recorded first (src/http/refusal.ts). */
async function refuse(c: Context<AppEnv>, refused: AppError): Promise<Response> {
  const { error, referenceId } = await recordedOnce(c, refused)
  c.header('cache-control', 'no-store')
  if (wantsJson(c.req.path)) {
    const body: RefusalAnswer = { error: { code: error.code, message: error.message, referenceId } }
    return c.json(body, error.status)
  }
  const form = await refusedFormPage(c, error, referenceId)
  if (form) return form
  const config = c.get('config')
  // The wall clock, not the runtime's: the error being shown may be the runtime's own.
  const signedIn = config && (await presentedSession(c, config, Date.now())) !== undefined
  const page = (
    <ErrorPage
      code={error.code}
      message={error.message}
      referenceId={referenceId}
      status={error.status}
      console={c.req.path.startsWith('/admin')}
      back={setupPageOf(c.req.path, error.code)}
      signedIn={signedIn}
      signingIn={signingIn(c.req.path)}
    />
  )
  return c.html(page, error.status)
}

export { maxBodyBytes } from './http/body-limit'

/** The app for one isolate; tests build their own with an upstream fetch that reaches their IdP. */
export function createApp(runtime: Runtime = createRuntime()) {
  const app = new Hono<AppEnv>()
  let ownPath: ((path: string) => boolean) | undefined
  // First: a request for the host app passes by our headers, body limit and routes untouched.
  app.use(
    '*',
    gateway({ runtime, refuse, ownPath: (path) => (ownPath ??= ownPathTest(app.routes))(path) }),
  )
  app.use('*', securityHeaders)
  // The request's config, runtime and webhook outbox (its messages go to the queue after the response).
  app.use('*', async (c, next) => {
    const config = readConfig(c.env, c.req.url)
    const outbox = new Outbox(config.webhook !== undefined, runtime.now)
    c.set('config', config)
    c.set('runtime', runtime)
    c.set('outbox', outbox)
    await next()
    if (outbox.messages.length) enqueueAfterResponse(c, outbox.messages)
  })
  guardAnonymousLoginRoutes(app)
  // SCIM answers every failure, an over-long body too, in its own error schema.
  app.route('/scim/v2', scimRoutes)
  app.use('*', refuseLargeBodies)
  app.route('/', accountRoutes)
  app.route('/sso/universal-logout', universalLogoutRoutes)
  app.route('/sso', ssoRoutes)
  app.route('/sso/switch', pendingLoginRoutes('sso_switch'))
  app.route('/sso/confirm', pendingLoginRoutes('sso_confirm'))
  app.route('/api', apiRoutes)
  app.route('/.well-known', jwksRoutes)
  app.route('/', openApiRoutes(app))
  app.route('/setup/:token', setupLinkRoutes)
  app.route('/settings/sso', ownerSetupRoutes)
  app.route('/settings/audit', auditSettingsRoutes)
  app.route('/team', teamRoutes)
  app.route('/recover/:token', recoveryRoutes)
  app.route('/admin', adminPageRoutes)
  app.route('/admin/api', adminApiRoutes)
  app.route('/admin/api', adminAccessRoutes)
  app.route('/dev', devOutboxRoutes)
  app.notFound((c) => refuse(c, new AppError('not_found')))
  app.onError((error, c) => refuse(c, asAppError(error)))
  return app
}
