// Tile login while someone else is signed in: the question, then its answer (continue as the new user, or stay).
import { type Context, Hono } from 'hono'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { db } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { presentedSession, writeSession } from '../http/session-cookie'
import { savePendingSwitch, takePendingSwitch } from '../http/switch-cookie'
import { type Session, sessionRowId } from '../session/session'
import { confirmSwitch } from '../sign-in'
import { SwitchAccountPage } from '../views/pages'

/** The page naming both accounts; the would-be session waits in the pending-switch cookie, not in D1. */
export async function askToSwitch(
  c: Context<AppEnv>,
  current: Session,
  next: Session,
  connectionId: string,
  returnTo: string,
  idTokenSealed: string | null,
) {
  const { config, runtime } = c.var
  const replacesRowId = await sessionRowId(current)
  await savePendingSwitch(
    c,
    config.sessionKeys,
    { session: next, connectionId, replacesRowId, returnTo, idTokenSealed },
    runtime.now(),
  )
  c.header('cache-control', 'no-store')
  return c.html(SwitchAccountPage({ current: current.email, next: next.email }))
}

export const accountSwitchRoutes = new Hono<AppEnv>()
  .use(
    '*',
    async (c, next) => {
      c.set('audit', { kind: 'login', action: 'sso_switch' })
      await next()
    },
    sameOriginOnly,
  )
  .post('/', async (c) => {
    const { config, runtime } = c.var
    const pending = await takePendingSwitch(c, config.sessionKeys, runtime.now())
    if (!pending) throw new AppError('login_expired')
    c.var.audit.teamId = pending.session.team?.id ?? null
    c.var.audit.email = pending.session.email
    const presented = await presentedSession(c, config, runtime.now())
    const replaced = new Set([pending.replacesRowId])
    if (presented) replaced.add(await sessionRowId(presented))
    await confirmSwitch(db(c), pending, [...replaced], c.var.audit, runtime.now())
    await writeSession(c, config, pending.session)
    return c.redirect(pending.returnTo, 303)
  })
  .post('/cancel', async (c) => {
    await takePendingSwitch(c, c.var.config.sessionKeys, c.var.runtime.now())
    return c.redirect(c.var.config.appUrl, 303)
  })
