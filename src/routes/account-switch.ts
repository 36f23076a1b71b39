// A tile login that must be confirmed (someone else is signed in, or no one is): the question, then its answer.
import { type Context, Hono } from 'hono'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import { audited } from '../http/audit'
import { rememberChosenLogin } from '../http/chosen-cookie'
import { db } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { presentedSession, writeSession } from '../http/session-cookie'
import { savePendingSwitch, takePendingSwitch } from '../http/switch-cookie'
import { type Session, sessionRowId } from '../session/session'
import { confirmSwitch } from '../sign-in'
import type { AuditAction } from '../vocabulary'
import { ConfirmLoginPage, SwitchAccountPage } from '../views/pages'

/** A session an SSO login started in this browser: signed in, and remembered as its person's choice. */
export async function startSsoSession(c: Context<AppEnv>, session: Session, connectionId: string) {
  const { config } = c.var
  await writeSession(c, config, session)
  await rememberChosenLogin(c, config.sessionKeys, { connectionId, userId: session.userId })
}

/**
 * The page naming the account the login would sign in ("switch from … to …?" when someone else is signed in,
 * "continue as … (team)?" when no one is); the would-be session waits in the pending-switch cookie, not in D1.
 */
export async function askToContinue(
  c: Context<AppEnv>,
  pending: {
    next: Session
    replaces: Session | undefined
    connectionId: string
    returnTo: string
    idTokenSealed: string | null
  },
) {
  const { config, runtime } = c.var
  const { next, replaces, connectionId, returnTo, idTokenSealed } = pending
  const replacesRowId = replaces ? await sessionRowId(replaces) : null
  await savePendingSwitch(
    c,
    config.sessionKeys,
    { session: next, connectionId, replacesRowId, returnTo, idTokenSealed },
    runtime.now(),
  )
  c.header('cache-control', 'no-store')
  if (replaces) return c.html(SwitchAccountPage({ current: replaces.email, next: next.email }))
  return c.html(ConfirmLoginPage({ email: next.email, team: next.team?.name ?? '' }))
}

/**
 * The answer to the question, at `/sso/switch` (a switch of account) or `/sso/confirm` (a first sign-in):
 * only a same-origin POST continues; the pending cookie is read once either way.
 */
export const pendingLoginRoutes = (action: AuditAction) =>
  new Hono<AppEnv>()
    .use('*', audited({ kind: 'login', action }), sameOriginOnly)
    .post('/', async (c) => {
      const { config, runtime } = c.var
      const pending = await takePendingSwitch(c, config.sessionKeys, runtime.now())
      if (!pending) throw new AppError('login_expired')
      const subject = { teamId: pending.session.team?.id ?? null, email: pending.session.email }
      return concerning(subject, async () => {
        const presented = await presentedSession(c, config, runtime.now())
        const replaced = new Set(pending.replacesRowId ? [pending.replacesRowId] : [])
        if (presented) replaced.add(await sessionRowId(presented))
        await confirmSwitch({
          db: db(c),
          pending,
          replacedRowIds: [...replaced],
          audit: c.var.audit,
          nowMs: runtime.now(),
        })
        await startSsoSession(c, pending.session, pending.connectionId)
        return c.redirect(pending.returnTo, 303)
      })
    })
    .post('/cancel', async (c) => {
      await takePendingSwitch(c, c.var.config.sessionKeys, c.var.runtime.now())
      return c.redirect(c.var.config.appUrl, 303)
    })
