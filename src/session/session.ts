// The session: its cookie payload, its secret and row id, and the recheck against D1 every few minutes.
import * as z from 'zod/mini'
import { randomId, sha256Hex } from '../crypto/encoding'
import type { Database } from '../db/client'
import { loadSessionRecheck, revokeSession } from '../db/sessions'
import { roleOf, sessionStillValid } from '../provisioning'
import { authMethods, roles } from '../vocabulary'

export const sessionLifetimeSeconds = 14 * 24 * 60 * 60

export const sessionSchema = z.object({
  sid: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  /** Cookies signed before the field existed read as unproven until their next recheck. */
  emailVerified: z._default(z.boolean(), false),
  team: z.nullable(z.object({ id: z.string(), name: z.string() })),
  method: z.enum(authMethods),
  /** Absent in cookies issued before roles existed; filled in at the next recheck. */
  role: z.optional(z.nullable(z.enum(roles))),
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

/** Who the session signs in: the user (as /api/me shows it) and their team. */
export const signedInAs = (session: Session) => ({
  user: {
    id: session.userId,
    email: session.email,
    name: session.name,
    emailVerified: session.emailVerified,
  },
  team: session.team,
})

/** What to do with the cookie: keep it, re-sign it with the renewed session, or clear it. */
type SessionCheck =
  | { session: Session; cookie: 'keep' | 'rewrite' }
  | { session: undefined; cookie: 'keep' | 'clear' }

/**
 * Between rechecks the signed cookie alone decides (no D1 read); once `recheckSeconds` have passed, one D1
 * read decides whether the session lives on (renewed) or ends: an ended session's row is revoked too, so
 * no copy of the cookie (and no later change of policy) brings it back.
 */
export async function checkSession(
  session: Session | undefined,
  recheckSeconds: number,
  db: Database,
  nowMs: number,
): Promise<SessionCheck> {
  const now = Math.floor(nowMs / 1000)
  if (!session || session.expiresAt <= now) return { session: undefined, cookie: 'keep' }
  if (now - session.checkedAt < recheckSeconds) return { session, cookie: 'keep' }
  const rowId = await sessionRowId(session)
  const facts = await loadSessionRecheck(db, rowId, session.userId, now)
  const still = sessionStillValid(facts, {
    teamId: session.team?.id ?? null,
    method: session.method,
  })
  if (!still || !facts.user) {
    if (!facts.revoked) await revokeSession(db, rowId, now)
    return { session: undefined, cookie: 'clear' }
  }
  const renewed: Session = {
    ...session,
    ...facts.user,
    team: facts.team ?? null,
    role: roleOf(facts.standing, facts.team !== undefined),
    checkedAt: now,
  }
  return { session: renewed, cookie: 'rewrite' }
}
