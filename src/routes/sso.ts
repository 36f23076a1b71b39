// SSO routes: third-party initiated login (Okta tile), email login, and the one callback.
import { Hono, type Context } from 'hono'
import * as oauth from 'oauth4webapi'
import * as z from 'zod/mini'
import {
  connectionById,
  connectionsForEmailDomain,
  connectionsForIssuer,
  openSecrets,
} from '../connections'
import type { ConnectionRecord } from '../db/connections'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import { db, mailer, upstream, writeBehind } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { validateQueryOrForm } from '../http/input'
import { sameOriginPath } from '../http/same-origin'
import { chosenLogins } from '../http/chosen-cookie'
import { presentedSession, requestSession, writeSession } from '../http/session-cookie'
import { saveTransaction, takeTransaction } from '../http/transaction-cookie'
import { identityAddedMails } from '../mail/templates'
import { discover } from '../oidc/discovery'
import { authorizationRequest, exchangeCode, validateCallback } from '../oidc/flow'
import { comparableIssuer, normalizeIssuer, sharedIssuers } from '../oidc/issuer'
import { type LoginTransaction, maxReturnToLength } from '../oidc/transaction'
import { acrAccepted, type ConnectionChoice, chooseConnection, emailDomain } from '../provisioning'
import { confirmReauth, reauthConnection } from '../reauth'
import { email, id as idSchema, text } from '../schemas'
import { signInWithSso, spendLoginState } from '../sign-in'
import { anyReplica, replicaAfter } from '../fresh-reads'
import { type AuditAction, redirectUri } from '../vocabulary'
import { mustConfirmLogin } from '../session/chosen-logins'
import { WorkEmailPage } from '../views/pages'
import { signInForm } from './account'
import { askToContinue, startSsoSession } from './account-switch'
import { showTestSignIn, testedConnection } from './test-sign-in'

const loginHint = z.optional(text(320))
const returnTo = z.optional(z.string().check(z.maxLength(4096)))

/** OpenID Connect Core 1.0 §4: `iss` required, `login_hint` and `target_link_uri` optional; others ignored. */
const issuer = z.string().check(z.maxLength(2048))
const initiateSchema = z.object({ iss: issuer, login_hint: loginHint, target_link_uri: returnTo })
const connectionInitiateSchema = z.object({
  iss: z.optional(issuer),
  login_hint: loginHint,
  target_link_uri: returnTo,
})
const startSchema = z.object({ email, return_to: returnTo })
const reauthSchema = z.object({ return_to: returnTo })

/** The IdP's metadata; a document we cannot trust (another issuer, bad JSON) is told apart from an outage. */
const discoverForLogin = (c: Context<AppEnv>, issuer: string) =>
  discover(upstream(c), issuer).catch((cause: unknown) => {
    throw new AppError(
      cause instanceof oauth.OperationProcessingError ? 'idp_response_invalid' : 'idp_unreachable',
      { cause },
    )
  })

/**
 * Discovery from cache, then PKCE + state + nonce into the transaction cookie, then off to the IdP. A
 * `test` login (setup's test sign-in) is marked so in its transaction.
 */
export async function beginLogin(
  c: Context<AppEnv>,
  choice: ConnectionChoice<ConnectionRecord>,
  login: LoginStart = {},
) {
  if ('refuse' in choice) throw new AppError(choice.refuse, { subject: { teamId: choice.teamId } })
  const { connection } = choice
  return concerning({ teamId: connection.teamId }, () => redirectToIdp(c, connection, login))
}

/** A login's start: the IdP's login hint, where to land, and what its transaction is marked with. */
type LoginStart = { hint?: string; returnTo?: string } & Pick<
  LoginTransaction,
  'test' | 'testedValues' | 'spInitiated' | 'reauth'
>

/** Discovery from cache, then PKCE + state + nonce into the transaction cookie, then off to the IdP. */
async function redirectToIdp(
  c: Context<AppEnv>,
  connection: ConnectionRecord,
  { hint, returnTo, ...options }: LoginStart,
) {
  const as = await discoverForLogin(c, connection.issuer)
  const redirect = redirectUri(c.var.config.publicOrigin)
  const request = await authorizationRequest(as, {
    clientId: connection.clientId,
    redirectUri: redirect,
    loginHint: hint,
    maxAge: options.reauth ? 0 : undefined,
    acrValues: connection.acrValues,
  })
  const { state, nonce, verifier } = request
  const tx = {
    state,
    nonce,
    verifier,
    connectionId: connection.id,
    issuer: connection.issuer,
    returnTo: returnTo && returnTo.length <= maxReturnToLength ? returnTo : c.var.config.appUrl,
    ...options,
  }
  await saveTransaction(c, c.var.config.sessionKeys, tx, c.var.runtime.now())
  return c.redirect(request.url.href, 302)
}

/**
 * The callback's checks and code exchange: the transaction's connection (a replica or the isolate's copy
 * may serve it: the login's facts read checks it again; a test sign-in reads its own) and the verified claims.
 */
async function completeLogin(
  c: Context<AppEnv>,
  tx: LoginTransaction,
  load = () => connectionById(anyReplica(c.env.DB), c.var.runtime, tx.connectionId),
) {
  const { config } = c.var
  const connection = await load()
  if (!connection || connection.issuer !== tx.issuer) throw new AppError('unknown_connection')
  return concerning({ teamId: connection.teamId }, async () => {
    const as = await discoverForLogin(c, tx.issuer)
    const params = validateCallback(as, connection.clientId, new URL(c.req.url), tx)
    const claims = await exchangeCode(upstream(c), as, {
      connection: {
        ...(await openSecrets(config.dataKey, connection)),
        groupsClaim: connection.groupsClaim,
      },
      params,
      redirectUri: redirectUri(config.publicOrigin),
      tx,
    })
    if (!acrAccepted(connection.acrValues, claims.acr))
      throw new AppError('acr_mismatch', { cause: `acr ${JSON.stringify(claims.acr ?? null)}` })
    return { connection, claims }
  })
}

const returnPath = (c: Context<AppEnv>, input: string | undefined) =>
  sameOriginPath(input, c.var.config.publicOrigin)

const actions: Record<string, AuditAction> = {
  initiate: 'sso_initiate',
  start: 'sso_start',
  callback: 'sso_callback',
  reauth: 'sso_reauth',
}

/**
 * The callback's common step: the state is spent on the primary while the IdP redeems the code, one wait
 * for both. A code the IdP refused says so (code_rejected); one it redeemed twice meets our own record.
 * `next` gets the redeemed login and the spent state's D1 bookmark.
 */
async function redeemSpendingState(
  c: Context<AppEnv>,
  tx: LoginTransaction,
  next: (
    redeemed: Awaited<ReturnType<typeof completeLogin>>,
    bookmark: Awaited<ReturnType<typeof spendLoginState>>,
  ) => Promise<Response>,
): Promise<Response> {
  const [spent, redeemed] = await Promise.allSettled([
    spendLoginState(c.env.DB, c.var.runtime, tx),
    completeLogin(c, tx),
  ])
  if (redeemed.status === 'rejected') throw redeemed.reason
  const { connection, claims } = redeemed.value
  return concerning({ teamId: connection.teamId, email: claims.email ?? null }, async () => {
    if (spent.status === 'rejected') throw spent.reason
    return next(redeemed.value, spent.value)
  })
}

/**
 * The return of a fresh authentication: its state spent and its code redeemed (with oauth4webapi's
 * `maxAge: 0` check of `auth_time`) as for a login, then the signed-in session's `auth_time` updated.
 */
async function finishReauth(c: Context<AppEnv>, tx: LoginTransaction) {
  const { config, runtime } = c.var
  const reauth = tx.reauth
  if (!reauth) throw new AppError('login_expired')
  c.set('audit', { kind: 'login', action: 'sso_reauth' })
  return redeemSpendingState(c, tx, async ({ connection, claims }) => {
    const session = await confirmReauth({
      db: db(c),
      session: await requestSession(c),
      reauth,
      connectionId: connection.id,
      claims,
      audit: c.var.audit,
      nowMs: runtime.now(),
    })
    await writeSession(c, config, session)
    return c.redirect(tx.returnTo, 302)
  })
}

export const ssoRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    const action = actions[c.req.path.split('/')[2] ?? ''] ?? 'request'
    c.set('audit', { kind: 'login', action })
    await next()
  })
  .on(['GET', 'POST'], '/initiate', validateQueryOrForm(initiateSchema), async (c) => {
    const input = c.req.valid('form')
    const issuer = normalizeIssuer(input.iss, c.var.config.allowHttpIssuers)
    const returnTo = returnPath(c, input.target_link_uri)
    // A shared issuer (Google, JumpCloud) names no team: the work email's verified domain does.
    if (issuer && sharedIssuers.has(issuer))
      return c.html(WorkEmailPage({ hint: input.login_hint, returnTo }))
    const candidates =
      issuer === comparableIssuer(input.iss)
        ? await connectionsForIssuer(anyReplica(c.env.DB), c.var.runtime, issuer)
        : []
    const choice = chooseConnection(candidates, { by: 'issuer' })
    if ('refuse' in choice && choice.refuse === 'ambiguous_issuer')
      return c.html(WorkEmailPage({ hint: input.login_hint, returnTo }))
    return beginLogin(c, choice, { hint: input.login_hint, returnTo })
  })
  .on(
    ['GET', 'POST'],
    '/initiate/:connectionId',
    validateQueryOrForm(connectionInitiateSchema),
    async (c) => {
      const input = c.req.valid('form')
      const id = idSchema.safeParse(c.req.param('connectionId'))
      const connection = id.success
        ? await connectionById(anyReplica(c.env.DB), c.var.runtime, id.data)
        : undefined
      const choice = chooseConnection(connection ? [connection] : [], {
        by: 'id',
        issuer: input.iss,
      })
      return beginLogin(c, choice, {
        hint: input.login_hint,
        returnTo: returnPath(c, input.target_link_uri),
      })
    },
  )
  .on(
    ['GET', 'POST'],
    '/start',
    sameOriginOnly,
    signInForm('sso'),
    validateQueryOrForm(startSchema),
    async (c) => {
      const input = c.req.valid('form')
      return concerning({ email: input.email }, async () => {
        const domain = emailDomain(input.email) ?? ''
        const candidates = await connectionsForEmailDomain(
          anyReplica(c.env.DB),
          c.var.runtime,
          domain,
        )
        const choice = chooseConnection(candidates, { by: 'domain' })
        return beginLogin(c, choice, {
          hint: input.email,
          returnTo: returnPath(c, input.return_to),
          spInitiated: true,
        })
      })
    },
  )
  .get('/reauth', validateQueryOrForm(reauthSchema), async (c) => {
    const { session, connectionId } = await reauthConnection(db(c), await requestSession(c))
    const subject = { teamId: session.team?.id ?? null, email: session.email, identified: true }
    return concerning(subject, async () => {
      const connection = await connectionById(anyReplica(c.env.DB), c.var.runtime, connectionId)
      const choice = chooseConnection(connection ? [connection] : [], { by: 'id' })
      return beginLogin(c, choice, {
        hint: session.email,
        returnTo: returnPath(c, c.req.valid('form').return_to),
        reauth: { userId: session.userId, startedAt: Math.floor(c.var.runtime.now() / 1000) },
      })
    })
  })
  .get('/callback', async (c) => {
    const { config, runtime } = c.var
    const tx = await takeTransaction(c, config.sessionKeys, runtime.now())
    if (tx.reauth) return finishReauth(c, tx)
    if (tx.test)
      return showTestSignIn(c, tx, () => completeLogin(c, tx, () => testedConnection(c, tx)))
    return redeemSpendingState(c, tx, async ({ connection, claims }, bookmark) => {
      const current = await presentedSession(c, config, runtime.now())
      const chosen = await chosenLogins(c, config.sessionKeys)
      const started = { spInitiated: tx.spInitiated === true, chosen }
      const landing = {
        current,
        mustConfirm: (userId: string) =>
          mustConfirmLogin({ connectionId: connection.id, userId }, started),
      }
      const primary = db(c)
      const storage = {
        primary,
        facts: bookmark ? replicaAfter(c.env.DB, bookmark) : primary,
      }
      const { idToken } = claims
      const outcome = await signInWithSso({
        storage,
        connectionId: connection.id,
        claims,
        audit: c.var.audit,
        nowMs: runtime.now(),
        landing,
        idToken: idToken ? { idToken, dataKey: config.dataKey } : undefined,
        outbox: c.var.outbox,
      })
      if (outcome.afterResponse) writeBehind(c, 'sso sign-in', outcome.afterResponse)
      const notice = outcome.identityAdded && {
        ...outcome.identityAdded,
        issuer: connection.issuer,
      }
      for (const mail of notice ? identityAddedMails(notice) : []) mailer(c)('identity_added', mail)
      if ('session' in outcome) {
        await startSsoSession(c, outcome.session, connection.id)
        return c.redirect(tx.returnTo, 302)
      }
      return askToContinue(c, {
        next: outcome.pending,
        replaces: outcome.replaces,
        connectionId: connection.id,
        returnTo: tx.returnTo,
        idTokenSealed: outcome.idTokenSealed,
      })
    })
  })
