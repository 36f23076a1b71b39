// Fresh authentication: a max_age=0 login at the member's own connection that updates the session's auth_time.
import type { Database } from './db/client'
import { insertEvent } from './db/events'
import { linkedUserId } from './db/login'
import { connectionOfSession } from './db/sessions'
import { AppError } from './errors'
import { type Audit, successRow } from './events'
import type { VerifiedClaims } from './oidc/flow'
import type { LoginTransaction } from './oidc/transaction'
import { decideReauth } from './provisioning'
import { type Session, sessionRowId } from './session/session'

/** The connection the signed-in SSO session came through; any other session is `reauth_requires_sso`. */
export async function reauthConnection(db: Database, session: Session | undefined) {
  const connectionId =
    session?.method === 'sso'
      ? await connectionOfSession(db, await sessionRowId(session))
      : undefined
  if (!session || !connectionId) throw new AppError('reauth_requires_sso')
  return { session, connectionId }
}

/**
 * The fresh authentication's return: the rule (`decideReauth`) on the linked user and `auth_time`, then its
 * success event; the session comes back with the new `auth_time` (the cookie carries it, and the identity
 * token follows). A refusal writes nothing here (its event is the refusal's).
 */
export async function confirmReauth(done: {
  db: Database
  session: Session | undefined
  reauth: NonNullable<LoginTransaction['reauth']>
  connectionId: string
  claims: VerifiedClaims
  audit: Audit
  nowMs: number
}): Promise<Session> {
  const { db, session, reauth, claims } = done
  if (session?.method !== 'sso') throw new AppError('reauth_requires_sso')
  const code = decideReauth({
    signedInUserId: session.userId,
    reauth,
    linkedUserId: await linkedUserId(db, done.connectionId, claims.sub),
    authTime: claims.authTime,
  })
  if (code) throw new AppError(code)
  const subject = { teamId: session.team?.id ?? null, email: session.email }
  await insertEvent(db, successRow(done.audit, subject, done.nowMs))
  return { ...session, authTime: claims.authTime }
}
