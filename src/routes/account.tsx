// The account side: login page, password login, registration, logout, and the signed-in /app page.
import { type Context, Hono } from 'hono'
import { every } from 'hono/combine'
import * as z from 'zod/mini'
import { hashPassword } from '../crypto/password'
import { endSession } from '../db/sessions'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import {
  passwordResetAccount,
  requestPasswordReset,
  resetPassword,
  verifyEmail,
  verifyEmailPath,
} from '../email-links'
import { db, mailer } from '../http/context'
import { countRequest, rateLimits, withinRateLimit } from '../http/rate-limit'
import { sameOriginOnly } from '../http/csrf'
import { audited } from '../http/audit'
import { validate } from '../http/input'
import { refusedFormShows } from '../http/form-failure'
import { takeSessionEnd } from '../http/page-notices'
import type { AuditAction } from '../vocabulary'
import { sameOriginPath } from '../http/same-origin'
import { idpLogoutLocation } from './idp-logout'
import { clearSession, requestSession, writeSession } from '../http/session-cookie'
import { sessionRowId } from '../session/session'
import { registerWithPassword, signInWithPassword } from '../sign-in'
import { emailVerificationMail } from '../mail/templates'
import { email, text } from '../schemas'
import {
  EmailVerifiedPage,
  ForgotPasswordPage,
  ForgotPasswordSentPage,
  PasswordSetPage,
  ResetPasswordPage,
} from '../views/account-mail'
import { AppPage, LoginPage, type LoginForm } from '../views/pages'

const password = (min: number) => z.string().check(z.minLength(min), z.maxLength(1024))
const returnTo = z.optional(z.string().check(z.maxLength(2048)))
const credentialsSchema = z.object({ email, password: password(1), return_to: returnTo })
const registerSchema = z.object({
  email,
  password: password(8),
  name: z.optional(text(200)),
  return_to: returnTo,
})
const forgotSchema = z.object({ email })
const resetSchema = z.object({ password: password(8) })

/** A mailed link's token from the path: 43 base64url characters, anything else is no link of ours. */
function linkToken(raw: string): string {
  if (!/^[\w-]{43}$/.test(raw)) throw new AppError('link_invalid')
  return raw
}

/** An account form (sign-in, registration, password reset): same-origin only, audited as a login attempt. */
const accountForm = (action: AuditAction) =>
  every(sameOriginOnly, audited({ kind: 'login', action }))

/** A sign-in page form: refused, the sign-in page again with what was typed and the error beside its field. */
export const signInForm = (form: LoginForm) =>
  refusedFormShows(async (c, { failure, typed }) =>
    c.html(
      <LoginPage returnTo={landing(c, typed.return_to)} refused={{ form, failure, typed }} />,
      failure.status,
    ),
  )

/** Where a sign-in lands: the same-origin path it was asked to return to, else the app. */
const landing = (c: Context<AppEnv>, returnTo: string | undefined) =>
  sameOriginPath(returnTo, c.var.config.publicOrigin)

export const accountRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const session = await requestSession(c)
    const returnTo = landing(c, c.req.query('return_to'))
    if (session) return c.redirect(returnTo ?? c.var.config.appUrl, 302)
    const ended = await takeSessionEnd(c, c.var.config.sessionKeys)
    return c.html(<LoginPage returnTo={returnTo} ended={ended} />)
  })
  .post(
    '/login/password',
    accountForm('password_login'),
    signInForm('pw'),
    validate('form', credentialsSchema),
    async (c) => {
      const input = c.req.valid('form')
      return concerning({ email: input.email }, async () => {
        // Counted before the password is checked: past the limit even the right one is refused, unhashed.
        await countRequest(c, rateLimits.loginFailures, `email:${input.email}`)
        const outcome = await signInWithPassword({
          db: db(c),
          email: input.email,
          password: input.password,
          audit: c.var.audit,
          nowMs: c.var.runtime.now(),
        })
        if ('refuse' in outcome) {
          const { teamId, identified } = outcome
          throw new AppError(outcome.refuse, { subject: { teamId, identified } })
        }
        await writeSession(c, c.var.config, outcome.session)
        return c.redirect(landing(c, input.return_to) ?? c.var.config.appUrl, 303)
      })
    },
  )
  .post(
    '/register',
    accountForm('register'),
    signInForm('reg'),
    validate('form', registerSchema),
    async (c) => {
      const input = c.req.valid('form')
      return concerning({ email: input.email }, async () => {
        const account = {
          email: input.email,
          name: input.name || null,
          passwordHash: await hashPassword(input.password),
        }
        const { session, verificationToken } = await registerWithPassword(
          db(c),
          account,
          c.var.audit,
          c.var.runtime.now(),
        ).catch((error: unknown) => {
          // The address belongs to an existing account: someone real.
          throw error instanceof AppError && error.code === 'email_taken'
            ? error.about({ identified: true })
            : error
        })
        const link = `${c.var.config.publicOrigin}${verifyEmailPath(verificationToken)}`
        mailer(c)('email_verification', emailVerificationMail({ to: session.email, link }))
        await writeSession(c, c.var.config, session)
        return c.redirect(landing(c, input.return_to) ?? c.var.config.appUrl, 303)
      })
    },
  )
  .get('/verify-email/:token', async (c) => {
    c.header('referrer-policy', 'no-referrer')
    const now = c.var.runtime.now()
    const { userId } = await verifyEmail(db(c), linkToken(c.req.param('token')), c.var.audit, now)
    const session = await requestSession(c, now)
    if (session?.userId === userId)
      await writeSession(c, c.var.config, { ...session, emailVerified: true })
    return c.html(<EmailVerifiedPage />)
  })
  .get('/password/forgot', (c) => c.html(<ForgotPasswordPage />))
  .post(
    '/password/forgot',
    accountForm('password_forgot'),
    validate('form', forgotSchema),
    async (c) => {
      const input = c.req.valid('form')
      const { config, runtime } = c.var
      // Past the address's limit the page is the same and nothing is sent: no one learns of the limit.
      if (!(await withinRateLimit(c.env, rateLimits.passwordMail, `email:${input.email}`)))
        return c.html(<ForgotPasswordSentPage />)
      const outgoing = await requestPasswordReset(
        db(c),
        input.email,
        config.publicOrigin,
        runtime.now(),
      )
      if (outgoing) mailer(c)(outgoing.kind, outgoing.mail)
      return c.html(<ForgotPasswordSentPage />)
    },
  )
  .get('/password/reset/:token', async (c) => {
    c.header('referrer-policy', 'no-referrer')
    const token = linkToken(c.req.param('token'))
    const user = await passwordResetAccount(db(c), token, c.var.runtime.now())
    return c.html(<ResetPasswordPage email={user.email} />)
  })
  .post(
    '/password/reset/:token',
    accountForm('password_reset'),
    validate('form', resetSchema),
    async (c) => {
      const token = linkToken(c.req.param('token'))
      await resetPassword(db(c), {
        token,
        password: c.req.valid('form').password,
        audit: c.var.audit,
        nowMs: c.var.runtime.now(),
      })
      clearSession(c)
      return c.html(<PasswordSetPage />)
    },
  )
  .post('/logout', sameOriginOnly, async (c) => {
    const session = await requestSession(c)
    let location: string | undefined
    if (session) {
      const rowId = await sessionRowId(session)
      const row = { id: rowId, userId: session.userId, authMethod: session.method }
      const now = Math.floor(c.var.runtime.now() / 1000)
      const ended = {
        type: 'sessions.revoked',
        teamId: session.team?.id ?? null,
        userId: session.userId,
        via: 'logout',
        details: { scope: 'session' },
      } as const
      await db(c).batch([
        endSession(db(c), { ...row, expiresAt: session.expiresAt }, now),
        ...c.var.outbox.change(db(c), ended),
      ])
      if (session.method === 'sso') location = await idpLogoutLocation(c, rowId)
    }
    clearSession(c)
    return c.redirect(location ?? '/', 303)
  })
  .get('/app', async (c) => {
    const session = await requestSession(c)
    if (!session) return c.redirect('/', 302)
    return c.html(<AppPage session={session} />)
  })
