// The session cookie: issued at login, verified with no D1 read, rechecked against D1 every few minutes.
import type { Context } from 'hono'
import * as z from 'zod/mini'
import { randomId, sha256Hex } from '../crypto/encoding'
import type { Database } from '../db/client'
import { loadSessionRecheck } from '../db/sessions'
import type { Config } from '../env'
import { roleOf, sessionStillValid } from '../provisioning'
import { clearCookie, readSignedCookie, writeSignedCookie } from './signed-cookie'

const cookieName = 'edge_sso_session'
export const sessionLifetimeSeconds = 14 * 24 * 60 * 60

const sessionSchema = z.object({
  sid: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  team: z.nullable(z.object({ id: z.string(), name: z.string() })),
  method: z.enum(['sso', 'password']),
  /** Absent in cookies issued before roles existed; filled in at the next recheck. */
  role: z.optional(z.nullable(z.enum(['owner', 'admin', 'member']))),
  checkedAt: z.number(),
  expiresAt: z.number(),
})

export type Session = z.infer<typeof sessionSchema>

/** A new session secret for the cookie and the row id that stores only its hash. */
export async function newSessionSecret(): Promise<{ secret: string; rowId: string }> {
  const secret = randomId(32)
  return { secret, rowId: await sha256Hex(secret) }
}

export const sessionRowId = (session: Session) => sha256Hex(session.sid)

export async function writeSession(c: Context, config: Config, session: Session) {
  await writeSignedCookie(
    c,
    cookieName,
    session,
    config.sessionKeys,
    Math.max(0, session.expiresAt - session.checkedAt),
  )
}

export const clearSession = (c: Context) => clearCookie(c, cookieName)

/**
 * The signed-in session, or undefined. Between rechecks this is one HMAC and no D1 read; once the recheck
 * interval has passed, one D1 read decides whether the session lives on (and re-signs it) or ends.
 */
export async function currentSession(
  c: Context,
  config: Config,
  db: Database,
  nowMs: number,
): Promise<Session | undefined> {
  const session = await readSignedCookie(c, cookieName, config.sessionKeys, sessionSchema)
  const now = Math.floor(nowMs / 1000)
  if (!session || session.expiresAt <= now) return undefined
  if (now - session.checkedAt < config.sessionRecheckSeconds) return session
  const facts = await loadSessionRecheck(db, await sessionRowId(session), session.userId, now)
  if (
    !sessionStillValid(facts, { teamId: session.team?.id ?? null, method: session.method }) ||
    !facts.user
  ) {
    clearSession(c)
    return undefined
  }
  const renewed: Session = {
    ...session,
    ...facts.user,
    team: facts.team ?? null,
    role: roleOf(facts.standing, facts.team !== undefined),
    checkedAt: now,
  }
  await writeSession(c, config, renewed)
  return renewed
}
