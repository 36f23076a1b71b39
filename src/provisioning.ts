// Who gets in: plain functions over plain data for SSO logins, password logins and session rechecks.
import type { ErrorCode } from './errors'
import { email as emailSchema } from './schemas'
import type { SessionFacts, SignInWrites, SsoLoginFacts, TeamStanding } from './db/facts'
import type { AuthMethod, ConnectionStatus, Role } from './vocabulary'

/** Owner by membership, admin by the team's admin group, member otherwise; null without a team. */
export function roleOf(
  standing: Pick<TeamStanding, 'memberRole' | 'admin'> | undefined,
  inTeam: boolean,
): Role | null {
  if (!inTeam) return null
  return standing?.memberRole === 'owner' ? 'owner' : standing?.admin ? 'admin' : 'member'
}

/** The team's Okta deactivated (or deleted) the user over SCIM and has not provisioned them again. */
export const deprovisioned = (status: TeamStanding['scimStatus']) =>
  status === 'inactive' || status === 'deleted'

export interface SsoClaims {
  sub: string
  /** As the IdP sent it (trimmed); `comparableEmail` decides whether and how it is compared. */
  email: string | undefined
  emailVerified: boolean | undefined
  name: string | undefined
}

type SsoDecision = { outcome: 'refuse'; code: ErrorCode } | ({ outcome: 'sign_in' } & SignInWrites)

/**
 * An IdP's email as we compare it: NFKC, lower case. Non-ASCII is refused (`'invalid'`): our accounts'
 * emails are ASCII, and a lookalike such as "\u212Aelvin" (Kelvin sign) folds onto "kelvin". So is
 * anything that is not exactly one address as our accounts' email schema reads it
 * ("ceo@victim.example@acme.example" would read as acme's to us and as victim's to the host app).
 */
export function comparableEmail(raw: string | undefined): string | 'invalid' | undefined {
  if (raw === undefined) return undefined
  if (raw.length > 320 || !/^[\x21-\x7e]+$/.test(raw)) return 'invalid'
  const folded = raw.normalize('NFKC').toLowerCase()
  return emailSchema.safeParse(folded).success ? folded : 'invalid'
}

/**
 * The SSO login rule. A user is found by (connection, sub), else by email. A member of this team signs
 * in; anyone else must have an email in one of the team's verified domains (checked first, so the answer
 * to an address outside them never says whether it belongs to some other team), and a member of another
 * team is refused. Linking an account by email needs the team's verified domain too, members included, so
 * a tenant's IdP cannot claim accounts outside its domains. An account found by email is linked only when
 * it has no identity at any connection of this team yet (a second `sub`, at this IdP or a second one, with
 * a member's email is someone else), and linking it ends what came before: its password is cleared and
 * its sessions end.
 */
export function decideSsoLogin(
  facts: SsoLoginFacts,
  claims: SsoClaims,
  newUserId: string,
): SsoDecision {
  const { connection } = facts
  if (!connection) return { outcome: 'refuse', code: 'unknown_connection' }
  if (!connection.enabled) return { outcome: 'refuse', code: 'connection_disabled' }
  if (claims.emailVerified === false) return { outcome: 'refuse', code: 'email_unverified' }
  const email = comparableEmail(claims.email)
  if (email === undefined) return { outcome: 'refuse', code: 'email_missing' }
  if (email === 'invalid') return { outcome: 'refuse', code: 'email_invalid' }
  const { linkedUser, emailUser } = facts
  const user = linkedUser ?? emailUser
  const standing = user && facts.standing?.find((s) => s.userId === user.id)
  if (deprovisioned(standing?.scimStatus ?? null))
    return { outcome: 'refuse', code: 'user_deactivated' }
  if (!linkedUser && emailUser?.linkedInTeam)
    return { outcome: 'refuse', code: 'identity_conflict' }
  const link = !linkedUser
  const teamId = connection.teamId
  const inDomain = facts.domainTeamId === teamId
  const existing = user && {
    user: { id: user.id, email: user.email, name: user.name },
    create: false,
    link,
    claimAccount: link,
    markVerified: !user.emailVerified && user.email === email,
  }
  if (existing && user.teamId === teamId && (!link || inDomain))
    return { outcome: 'sign_in', teamId, joinWith: undefined, ...existing }
  if (!inDomain) return { outcome: 'refuse', code: 'domain_not_allowed' }
  if (user?.teamId) return { outcome: 'refuse', code: 'member_of_another_team' }
  const joinWith = connection.defaultPermission
  if (existing) return { outcome: 'sign_in', teamId, joinWith, ...existing }
  return {
    outcome: 'sign_in',
    teamId,
    user: { id: newUserId, email, name: claims.name ?? null },
    create: true,
    joinWith,
    link: true,
    claimAccount: false,
    markVerified: false,
  }
}

/**
 * Support naming an existing account as a team's owner: an account whose email was never proven, or that
 * holds a password someone chose before the team existed, loses that password and its sessions.
 */
export const adoptionEndsAccess = (owner: { emailVerified: boolean; hasPassword: boolean }) =>
  !owner.emailVerified || owner.hasPassword

/** A connection as the login start sees it. */
interface Candidate {
  id: string
  enabled: boolean
  issuer: string
  teamId: string
  /** When a login through it last succeeded (it has proven its credentials at the issuer), or null. */
  lastLoginAt: number | null
  /** When it was made (seconds): among a team's connections, the oldest comes first. */
  createdAt: number
  /** A draft (still being set up) logs nobody in. */
  status: ConnectionStatus
}

/** How the login start found its candidates: by issuer (the Okta tile), by connection id, by email domain. */
export type ConnectionLookup = { by: 'issuer' } | { by: 'id'; issuer?: string } | { by: 'domain' }

export type ConnectionChoice<C> =
  | { connection: C }
  /** `teamId` when the refusal concerns one team's connection (for its event row). */
  | { refuse: ErrorCode; teamId?: string }

const missing = {
  issuer: 'unknown_issuer',
  id: 'unknown_connection',
  domain: 'no_sso_for_domain',
} as const

/**
 * The connection a login starts with. By issuer, an enabled connection wins over disabled ones; among
 * several enabled ones, the one that has had a successful login wins, so a connection registered later
 * (perhaps with bogus credentials) never takes an existing team's tile; none or several such is
 * ambiguous (the per-connection URI always works). By email domain (one team's connections), the oldest
 * enabled one, so the pick never depends on row order. By id, an `iss` given must be the connection's own.
 * A draft (still being set up, never enabled) is refused as such, a disabled connection as disabled.
 */
export function chooseConnection<C extends Candidate>(
  candidates: readonly C[],
  lookup: ConnectionLookup,
): ConnectionChoice<C> {
  const chosen =
    lookup.by === 'issuer'
      ? byIssuer(candidates)
      : lookup.by === 'domain'
        ? oldestEnabled(candidates)
        : candidates[0]
  if (chosen === 'ambiguous') return { refuse: 'ambiguous_issuer' }
  if (!chosen) return { refuse: missing[lookup.by] }
  if (lookup.by === 'id' && lookup.issuer !== undefined && lookup.issuer !== chosen.issuer)
    return { refuse: 'unknown_issuer' }
  if (chosen.status === 'draft') return { refuse: 'connection_draft', teamId: chosen.teamId }
  if (!chosen.enabled) return { refuse: 'connection_disabled', teamId: chosen.teamId }
  return { connection: chosen }
}

/** The oldest enabled connection (ties by id), else the oldest of all (so a refusal names why). */
function oldestEnabled<C extends Candidate>(candidates: readonly C[]): C | undefined {
  const sorted = [...candidates].sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  return sorted.find((c) => c.enabled) ?? sorted[0]
}

function byIssuer<C extends Candidate>(candidates: readonly C[]): C | 'ambiguous' | undefined {
  const enabled = candidates.filter((c) => c.enabled)
  if (enabled.length <= 1) return enabled[0] ?? candidates[0]
  const proven = enabled.filter((c) => c.lastLoginAt !== null)
  return proven.length === 1 ? proven[0] : 'ambiguous'
}

/**
 * Password login. A member of a team whose SSO connection is enabled is refused `sso_required` whatever
 * password they typed, so the answer never tells a right password from a wrong one (the caller verifies
 * the password either way, so the work done is the same too).
 */
export function decidePasswordLogin(
  passwordMatches: boolean,
  teamHasEnabledSso: boolean,
): ErrorCode | undefined {
  if (teamHasEnabledSso) return 'sso_required'
  if (!passwordMatches) return 'invalid_credentials'
  return undefined
}

/**
 * The recheck rule: the session row is live, the user is in exactly the team the session was issued for
 * (a session's team changes only through its own login, never at a recheck: a team-less session ends when
 * its user lands in a team) and not deactivated there, an SSO session's connection is still on, and the
 * team's policy still allows the session's method.
 */
export function sessionStillValid(
  facts: SessionFacts,
  session: { teamId: string | null; method: AuthMethod },
): boolean {
  return sessionEnd(facts, session) === undefined
}

/**
 * Why the recheck ends a session (undefined: it lives on), as the sign-in page tells its person:
 * `deactivated` by the team's Okta, `revoked` (Universal Logout, support, a sign-out or a new password
 * elsewhere), or `changed` (the connection turned off, another team, SSO now required).
 */
export function sessionEnd(
  facts: SessionFacts,
  session: { teamId: string | null; method: AuthMethod },
): SessionEnd | undefined {
  if (facts.deactivated === true) return 'deactivated'
  if (facts.revoked || facts.expired || !facts.userExists) return 'revoked'
  if (session.method === 'sso' && facts.connectionLive === false) return 'changed'
  if (facts.teamId !== session.teamId) return 'changed'
  return session.method === 'password' && facts.teamHasEnabledSso ? 'changed' : undefined
}

export const sessionEnds = ['deactivated', 'revoked', 'changed'] as const
export type SessionEnd = (typeof sessionEnds)[number]

/** The domain part of an email, lower-cased; undefined when it is not an email. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1).toLowerCase()
  return at > 0 && /^[a-z0-9.-]+\.[a-z0-9-]+$/.test(domain) ? domain : undefined
}
