// The session: its cookie payload, its secret and row id, and its recheck against D1 (every 60 s by default).
import * as z from 'zod/mini'
import { randomId, sha256Hex } from '../crypto/encoding'
import type { Database } from '../db/client'
import { loadSessionRecheck, revokeSession } from '../db/sessions'
import { roleOf, type SessionEnd, sessionEnd } from '../provisioning'
import { authMethods, roles } from '../vocabulary'

export const sessionLifetimeSeconds = 14 * 24 * 60 * 60

export const sessionSchema = z.object({
  sid: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  emailVerified: z.boolean(),
  team: z.nullable(z.object({ id: z.string(), name: z.string() })),
  method: z.enum(authMethods),
  role: z.nullable(z.enum(roles)),
  checkedAt: z.number(),
  expiresAt: z.number(),
  /** When the login issued it (ms): a session issued before its user's revocation watermark is never stored nor renewed. */
  issuedAtMs: z.number(),
  /** When its person last proved who they are at the IdP (s): the login, or a fresh authentication since. */
  authTime: z.optional(z.number()),
})

export type Session = z.infer<typeof sessionSchema>

/** A new session secret for the cookie and the row id that stores only its hash. */
export async function newSessionSecret(): Promise<{ secret: string; rowId: string }> {
  const secret = randomId(32)
  return { secret, rowId: await sha256Hex(secret) }
}

export const sessionRowId = (session: Session) => sha256Hex(session.sid)

/** When the session's person last authenticated (s); cookies from before `authTime` existed: their login. */
export const authTimeOf = (session: Session) =>
  session.authTime ?? Math.floor(session.issuedAtMs / 1000)

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
  | { session: undefined; cookie: 'keep' }
  | { session: undefined; cookie: 'clear'; ended: SessionEnd }

/**
 * Where the recheck reads and writes: `fresh` runs a read that sees every write committed before the
 * `freshAt` it answers (a replica anchored at a recent primary bookmark, or the primary); `primary` takes
 * the revocation of an ended session.
 */
export interface SessionStore {
  fresh: <T>(
    maxAgeMs: number,
    work: (db: Database) => Promise<T>,
  ) => Promise<{ result: T; freshAt: number }>
  primary: Database
}

/**
 * Between rechecks the signed cookie alone decides (no D1 read); once `recheckSeconds` have passed, one D1
 * read decides whether the session lives on (renewed) or ends: an ended session's row is revoked too, so
 * no copy of the cookie (and no later change of policy) brings it back. A missing row (a session row lost
 * after the response) reads as revoked. The renewed cookie counts its interval from the time the read is
 * known fresh from, not from now, so a lagging replica never keeps a revoked user in past the interval.
 */
export async function checkSession(
  session: Session | undefined,
  recheckSeconds: number,
  store: SessionStore,
  nowMs: number,
): Promise<SessionCheck> {
  const now = Math.floor(nowMs / 1000)
  if (!session || session.expiresAt <= now) return { session: undefined, cookie: 'keep' }
  if (now - session.checkedAt < recheckSeconds) return { session, cookie: 'keep' }
  const rowId = await sessionRowId(session)
  const { result: facts, freshAt } = await store.fresh((recheckSeconds * 1000) / 2, (db) =>
    loadSessionRecheck(db, rowId, session.userId, now),
  )
  const role = roleOf(facts.standing, facts.team !== undefined)
  // Last seen: the previous recheck (its renewal re-signed the cookie with that time), so idleness costs no write.
  const ended = sessionEnd(facts, {
    teamId: session.team?.id ?? null,
    method: session.method,
    ageSeconds: now - Math.floor(session.issuedAtMs / 1000),
    idleSeconds: now - session.checkedAt,
    role,
  })
  if (ended || !facts.user) {
    if (!facts.revoked) await revokeSession(store.primary, rowId, now)
    return { session: undefined, cookie: 'clear', ended: ended ?? 'revoked' }
  }
  const renewed: Session = {
    ...session,
    ...facts.user,
    team: facts.team ?? null,
    role,
    checkedAt: Math.floor(freshAt / 1000),
  }
  return { session: renewed, cookie: 'rewrite' }
}
