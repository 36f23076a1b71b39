// The account side: login page, password login, registration, logout, and the signed-in /app page.
import { Hono } from 'hono'
import * as z from 'zod/mini'
import { hashPassword } from '../crypto/password'
import { revokeSession } from '../db/sessions'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { db } from '../http/context'
import { countRequest, rateLimits } from '../http/rate-limit'
import { sameOriginOnly } from '../http/csrf'
import { readInput } from '../http/input'
import { sameOriginPath } from '../http/same-origin'
import { idpLogoutLocation } from './idp-logout'
import { clearSession, currentSession, writeSession } from '../http/session-cookie'
import { sessionRowId } from '../session/session'
import { registerWithPassword, signInWithPassword } from '../sign-in'
import { email, text } from '../schemas'
import { AppPage, LoginPage } from '../views/pages'

const password = (min: number) => z.string().check(z.minLength(min), z.maxLength(1024))
const credentialsSchema = z.object({ email, password: password(1) })
const registerSchema = z.object({ email, password: password(8), name: z.optional(text(200)) })

export const accountRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const session = await currentSession(c, c.var.config, db(c), c.var.runtime.now())
    if (session) return c.redirect(c.var.config.appUrl, 302)
    return c.html(
      <LoginPage returnTo={sameOriginPath(c.req.query('return_to'), c.var.config.publicOrigin)} />,
    )
  })
  .post('/login/password', sameOriginOnly, async (c) => {
    c.set('audit', { kind: 'login', action: 'password_login' })
    const input = await readInput(c, credentialsSchema)
    c.var.audit.email = input.email
    // Counted before the password is checked: past the limit even the right one is refused, unhashed.
    await countRequest(c, rateLimits.loginFailures, `email:${input.email}`)
    const outcome = await signInWithPassword(
      db(c),
      input.email,
      input.password,
      c.var.audit,
      c.var.runtime.now(),
    )
    if ('refuse' in outcome) {
      c.var.audit.teamId = outcome.teamId
      c.var.audit.identified = outcome.identified
      throw new AppError(outcome.refuse)
    }
    await writeSession(c, c.var.config, outcome.session)
    return c.redirect(c.var.config.appUrl, 303)
  })
  .post('/register', sameOriginOnly, async (c) => {
    c.set('audit', { kind: 'login', action: 'register' })
    const input = await readInput(c, registerSchema)
    c.var.audit.email = input.email
    const account = {
      email: input.email,
      name: input.name || null,
      passwordHash: await hashPassword(input.password),
    }
    const session = await registerWithPassword(
      db(c),
      account,
      c.var.audit,
      c.var.runtime.now(),
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'email_taken') c.var.audit.identified = true
      throw error
    })
    await writeSession(c, c.var.config, session)
    return c.redirect(c.var.config.appUrl, 303)
  })
  .post('/logout', sameOriginOnly, async (c) => {
    const session = await currentSession(c, c.var.config, db(c), c.var.runtime.now())
    let location: string | undefined
    if (session) {
      const rowId = await sessionRowId(session)
      await revokeSession(db(c), rowId, Math.floor(c.var.runtime.now() / 1000))
      if (session.method === 'sso') location = await idpLogoutLocation(c, rowId)
    }
    clearSession(c)
    return c.redirect(location ?? '/', 303)
  })
  .get('/app', async (c) => {
    const session = await currentSession(c, c.var.config, db(c), c.var.runtime.now())
    if (!session) return c.redirect('/', 302)
    return c.html(<AppPage session={session} />)
  })
