// The mailed links that prove an email (verification, 24 h) and set a new password (reset, 1 h): single use.
import { randomId } from './crypto/encoding'
import { hashPassword } from './crypto/password'
import { hashToken, newToken } from './crypto/tokens'
import type { Database } from './db/client'
import { insertEvent } from './db/events'
import {
  type EmailTokenRow,
  insertEmailTokenFor,
  liveEmailToken,
  tokenUse,
} from './db/email-tokens'
import { userWithTeam } from './db/users'
import { AppError, type Subject } from './errors'
import { type Audit, successRow } from './events'
import type { Mail } from './mail/send'
import type { MailKind } from './mail/deliver'
import {
  emailVerificationValidHours,
  passwordResetMail,
  passwordResetSsoOnlyMail,
  passwordResetValidHours,
  recoveryLinkValidHours,
} from './mail/templates'
import type { EmailTokenPurpose } from './vocabulary'

const validSeconds: Record<EmailTokenPurpose, number> = {
  verify_email: emailVerificationValidHours * 60 * 60,
  reset_password: passwordResetValidHours * 60 * 60,
  recovery: recoveryLinkValidHours * 60 * 60,
}

/** The links' paths: the token is the last segment. */
export const verifyEmailPath = (token: string) => `/verify-email/${token}`
const passwordResetPath = (token: string) => `/password/reset/${token}`

/** A new link's token (for the mail) and its row (only the token's hash is stored). */
export async function newEmailLink(
  userId: string,
  purpose: EmailTokenPurpose,
  nowMs: number,
): Promise<{ token: string; row: EmailTokenRow }> {
  const token = newToken()
  const expiresAt = Math.floor(nowMs / 1000) + validSeconds[purpose]
  return { token, row: { id: await hashToken(token), userId, purpose, expiresAt } }
}

const success = (db: Database, audit: Audit, subject: Subject, nowMs: number) =>
  insertEvent(db, successRow(audit, subject, nowMs))

/** Uses a verification link: the user's email is proven. Returns the user's id; `link_invalid` otherwise. */
export async function verifyEmail(
  db: Database,
  token: string,
  audit: Audit,
  nowMs: number,
): Promise<{ userId: string }> {
  const now = Math.floor(nowMs / 1000)
  const id = await hashToken(token)
  const user = await liveEmailToken(db, id, 'verify_email', now)
  if (!user) throw new AppError('link_invalid')
  const use = tokenUse(db, id, randomId(), now)
  const [used] = await db.batch([
    use.consume,
    use.updateUser(user.id, { emailVerified: true }),
    success(db, audit, { email: user.email, teamId: user.teamId }, nowMs),
  ])
  if (used.length === 0) throw new AppError('link_invalid')
  return { userId: user.id }
}

/**
 * The account a reset link is for, while it is live: `link_invalid` when it is not, `sso_required` when
 * the user's team has turned SSO on since (there is no password to set then).
 */
export async function passwordResetAccount(db: Database, token: string, nowMs: number) {
  const user = await liveEmailToken(db, await hashToken(token), 'reset_password', nowMs / 1000)
  if (!user) throw new AppError('link_invalid')
  if (user.ssoEnabled) throw new AppError('sso_required')
  return user
}

/**
 * Uses a reset link: the new password, the email proven (the mail reached its owner), and every session
 * of the account ended, all in one batch that applies only if this use consumed the token. The link is
 * looked up before the password is hashed: a forged token costs one read, not a PBKDF2 run.
 */
export async function resetPassword(
  db: Database,
  reset: { token: string; password: string; audit: Audit; nowMs: number },
): Promise<void> {
  const { token, audit, nowMs } = reset
  const user = await passwordResetAccount(db, token, nowMs)
  const passwordHash = await hashPassword(reset.password)
  const now = Math.floor(nowMs / 1000)
  const use = tokenUse(db, await hashToken(token), randomId(), now)
  const [used] = await db.batch([
    use.consume,
    use.updateUser(user.id, { passwordHash, emailVerified: true }),
    use.revokeSessions(user.id),
    success(db, audit, { email: user.email, teamId: user.teamId }, nowMs),
  ])
  if (used.length === 0) throw new AppError('link_invalid')
}

/**
 * "Forgot my password": one read and one write whatever the email (the write inserts no row for an unknown
 * email or an SSO-only member, nor past an account's links for the hour), then the mail to send, if any: a
 * reset link, or for a member of a team with SSO on, the way to SSO and no link.
 */
export async function requestPasswordReset(
  db: Database,
  email: string,
  publicOrigin: string,
  nowMs: number,
): Promise<{ kind: MailKind; mail: Mail } | undefined> {
  const user = await userWithTeam(db, email)
  const ssoOnly = user?.ssoEnabled === true
  const link = await newEmailLink('', 'reset_password', nowMs)
  const issued = await insertEmailTokenFor(db, email, user !== undefined && !ssoOnly, link.row)
  if (!user || (!ssoOnly && issued.length === 0)) return undefined
  if (ssoOnly) {
    const ssoLink = `${publicOrigin}/`
    const mail = passwordResetSsoOnlyMail({
      to: user.email,
      teamName: user.teamName ?? '',
      ssoLink,
    })
    return { kind: 'password_reset_sso', mail }
  }
  const resetLink = `${publicOrigin}${passwordResetPath(link.token)}`
  return { kind: 'password_reset', mail: passwordResetMail({ to: user.email, link: resetLink }) }
}
