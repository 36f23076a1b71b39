// The session cookie: written at login, read and rechecked on every signed-in request, cleared at logout.
import type { Context } from 'hono'
import type { AppEnv, Config } from '../env'
import { checkSession, type Session, type SessionStore, sessionSchema } from '../session/session'
import { sessionStore } from './context'
import { rememberSessionEnd } from './page-notices'
import { clearCookie, readSignedCookie, writeSignedCookie } from './signed-cookie'

const cookieName = 'edge_sso_session'

export async function writeSession(c: Context, config: Config, session: Session) {
  await writeSignedCookie(
    c,
    {
      name: cookieName,
      purpose: 'session',
      keys: config.sessionKeys,
      maxAgeSeconds: Math.max(0, session.expiresAt - session.checkedAt),
    },
    session,
  )
}

export const clearSession = (c: Context) => clearCookie(c, cookieName)

/** The session cookie as signed and unexpired, without its recheck (no D1 read): who the browser says it is. */
export async function presentedSession(
  c: Context,
  config: Config,
  nowMs: number,
): Promise<Session | undefined> {
  const cookie = await readSignedCookie(
    c,
    { name: cookieName, purpose: 'session', keys: config.sessionKeys },
    sessionSchema,
  )
  return cookie && cookie.expiresAt > nowMs / 1000 ? cookie : undefined
}

/** The signed-in session, or undefined; the cookie is re-signed or cleared as the recheck decides. */
export async function currentSession(
  c: Context,
  config: Config,
  store: SessionStore,
  nowMs: number,
): Promise<Session | undefined> {
  const cookie = await readSignedCookie(
    c,
    { name: cookieName, purpose: 'session', keys: config.sessionKeys },
    sessionSchema,
  )
  const check = await checkSession(cookie, config.sessionRecheckSeconds, store, nowMs)
  if (check.cookie === 'clear') {
    clearSession(c)
    c.set('sessionEnded', check.ended)
    await rememberSessionEnd(c, config.sessionKeys, check.ended)
  }
  if (check.cookie === 'rewrite') await writeSession(c, config, check.session)
  return check.session
}

/** This request's signed-in session, rechecked through the app's session store, or undefined. */
export const requestSession = (c: Context<AppEnv>, nowMs = c.var.runtime.now()) =>
  currentSession(c, c.var.config, sessionStore(c), nowMs)

/** The sign-in page, returning to this page after sign-in (a signed-out visit to an owner's page). */
export const signInFirst = (c: Context) =>
  c.redirect(`/?return_to=${encodeURIComponent(c.req.path)}`, 302)
