// Break-glass recovery: support mints a mailed one-hour link for the owner or an admin; its one use signs them in for an hour.
import { sql } from 'drizzle-orm'
import { type AdminDeps, getTeam } from './admin/operations'
import { randomId } from './crypto/encoding'
import { hashToken } from './crypto/tokens'
import type { Database } from './db/client'
import { insertEmailTokenFor, tokenUse } from './db/email-tokens'
import { insertEventWhen } from './db/events'
import { ownerAndAdminCandidates, recoveryLinkMember, teamMemberByEmail } from './db/recovery'
import { emailTokens } from './db/schema'
import { insertSessionIfLive } from './db/sessions'
import { newEmailLink } from './email-links'
import { AppError } from './errors'
import { type Audit, type Recorded, recordedSuccess, successRow } from './events'
import type { Mail } from './mail/send'
import { recoveryLinkMail, recoveryLinkValidHours, recoveryUsedMail } from './mail/templates'
import { mayRecover, type RoleFacts, roleOf } from './provisioning'
import type { Session } from './session/session'
import { newSession, sessionValues } from './sign-in'
import { recoveryPath } from './vocabulary'

/** A recovery session lasts at most this long and is never renewed. */
export const recoverySessionSeconds = recoveryLinkValidHours * 60 * 60

const roleOfMember = (member: RoleFacts) => roleOf(member, true)

/**
 * A recovery link for the team's owner or one of its admins (anyone else: `400 recovery_not_allowed`, nothing
 * mailed): stored hashed, valid one hour, mailed to that address and never returned. At most three a person
 * an hour (the mailed links' cap): past it, `429 rate_limited`. The success event names the address.
 */
export async function mintRecoveryLink(
  d: AdminDeps,
  teamId: string,
  email: string,
  recorded: Recorded,
): Promise<{ expiresAt: string }> {
  const team = await getTeam(d, teamId)
  const member = await teamMemberByEmail(d.db, teamId, email)
  if (!member || !mayRecover(roleOfMember(member))) throw new AppError('recovery_not_allowed')
  const nowMs = d.runtime.now()
  const link = await newEmailLink(member.id, 'recovery', nowMs)
  const issued = sql`exists (select 1 from ${emailTokens} where ${emailTokens.id} = ${link.row.id})`
  const [written] = await d.db.batch([
    insertEmailTokenFor(d.db, member.email, true, link.row),
    insertEventWhen(d.db, recordedSuccess(recorded, { email: member.email }, nowMs), issued),
  ])
  if (written.length === 0) throw new AppError('rate_limited')
  const url = `${d.config.publicOrigin}${recoveryPath(link.token)}`
  d.mail('recovery_link', recoveryLinkMail({ to: member.email, teamName: team.name, link: url }))
  return { expiresAt: new Date(link.row.expiresAt * 1000).toISOString() }
}

/** The person a live recovery link signs in, while they are still the owner or an admin; else the one 404. */
export async function recoveryLinkHolder(db: Database, token: string, nowMs: number) {
  const member = await recoveryLinkMember(db, await hashToken(token), Math.floor(nowMs / 1000))
  if (!member || !mayRecover(roleOfMember(member))) throw new AppError('recovery_link_invalid')
  return member
}

/**
 * Uses a recovery link: its consumption, the `recovery` session (one hour, never renewed) and the
 * `recovery_login` event in one batch that writes the session and event only if this use consumed the link.
 * Returns the session and the mails that tell the team's owner and admins.
 */
export async function recoverWithLink(use: {
  db: Database
  token: string
  audit: Audit
  nowMs: number
}): Promise<{ session: Session; notices: Mail[] }> {
  const { db, token, audit, nowMs } = use
  const member = await recoveryLinkHolder(db, token, nowMs)
  const team = { id: member.teamId, name: member.teamName }
  const who = {
    user: {
      id: member.id,
      email: member.email,
      name: member.name,
      emailVerified: member.emailVerified,
    },
    team,
    role: roleOfMember(member),
  }
  const { session, rowId } = await newSession(who, 'recovery', nowMs, recoverySessionSeconds)
  const linkUse = tokenUse(db, await hashToken(token), randomId(), Math.floor(nowMs / 1000))
  const event = successRow(audit, { teamId: team.id, email: member.email }, nowMs)
  const [used, , , recipients] = await db.batch([
    linkUse.consume,
    insertSessionIfLive(db, sessionValues(session, rowId, null), linkUse.won),
    insertEventWhen(db, event, linkUse.won),
    ownerAndAdminCandidates(db, team.id),
  ])
  if (used.length === 0) throw new AppError('recovery_link_invalid')
  const notices = recipients
    .filter((r) => mayRecover(roleOfMember(r)))
    .map((r) => recoveryUsedMail({ to: r.email, teamName: team.name, account: member.email }))
  return { session, notices }
}
