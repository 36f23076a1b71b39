// Who gets in: plain functions over plain data for SSO logins, password logins and session rechecks.
import type { ErrorCode } from './errors'
import { email as emailSchema } from './schemas'
import type { SessionFacts, SignInWrites, SsoLoginFacts, TeamStanding } from './db/facts'
import { issuerAccepts } from './oidc/issuer'
import type { AuthMethod, ConnectionStatus, Role, RoleSource } from './vocabulary'

/** What decides a member's role: the membership row's role and its source, and the SCIM admin group. */
export type RoleFacts = Pick<TeamStanding, 'memberRole' | 'admin'> & {
  roleSource?: RoleSource | null
}

/**
 * A member's role and who decided it: the owner is the owner; a role the last login set from the ID token
 * stands (until a SCIM change of the admin group's members hands it back: see migration 0012); otherwise the
 * team's SCIM admin group makes admins. A source of null: the default role no one set.
 */
export function roleAndSource(standing: RoleFacts | undefined): {
  role: Role
  source: RoleSource | null
} {
  if (standing?.memberRole === 'owner') return { role: 'owner', source: 'owner' }
  if (standing?.roleSource === 'sso' && standing.memberRole)
    return { role: standing.memberRole, source: 'sso' }
  if (standing?.admin) return { role: 'admin', source: 'scim' }
  return { role: 'member', source: standing?.roleSource ?? null }
}

/** Owner by membership, admin by the last login's groups or the team's admin group, member otherwise; null without a team. */
export function roleOf(standing: RoleFacts | undefined, inTeam: boolean): Role | null {
  return inTeam ? roleAndSource(standing).role : null
}

/**
 * The role a login's ID token sets from the connection's groups claim: admin when it lists the team's admin
 * group, member otherwise; undefined when the token carries no such claim, the team names no admin group,
 * or the user owns the team (an owner is never demoted).
 */
export function roleFromGroups(input: {
  groups: readonly string[] | undefined
  adminGroup: string | null | undefined
  memberRole: Role | null | undefined
}): 'admin' | 'member' | undefined {
  const { groups, adminGroup, memberRole } = input
  if (!groups || !adminGroup || memberRole === 'owner') return undefined
  return groups.includes(adminGroup) ? 'admin' : 'member'
}

/** Only the owner and the admins may be sent a break-glass recovery link, or use one. */
export const mayRecover = (role: Role | null) => role === 'owner' || role === 'admin'

/** The team's Okta deactivated (or deleted) the user over SCIM and has not provisioned them again. */
export const deprovisioned = (status: TeamStanding['scimStatus']) =>
  status === 'inactive' || status === 'deleted'

export interface SsoClaims {
  sub: string
  /** As the IdP sent it (trimmed); `comparableEmail` decides whether and how it is compared. */
  email: string | undefined
  emailVerified: boolean | undefined
  name: string | undefined
  /** Google's hosted domain: the Workspace the account belongs to, when the IdP says. */
  hostedDomain?: string
  /** The groups the connection's groups claim lists, when the ID token (or userinfo) carries it. */
  groups?: string[]
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
 * What the IdP says about the email, before any account is looked at. `email_verified: false` is refused
 * only outside the team's verified domains: inside them the team's IdP is authoritative. A `hd` (Google's
 * Workspace) must be the email's own domain; outside the team's domains that answers `domain_not_allowed`,
 * as any address outside them does, so the answer never says more about it.
 */
function emailRefusal(claims: {
  email: string
  inDomain: boolean
  emailVerified: boolean | undefined
  hostedDomain?: string
}): ErrorCode | undefined {
  const { email, inDomain, hostedDomain } = claims
  if (claims.emailVerified === false && !inDomain) return 'email_unverified'
  if (hostedDomain === undefined || hostedDomain.toLowerCase() === emailDomain(email))
    return undefined
  return inDomain ? 'hosted_domain_mismatch' : 'domain_not_allowed'
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
  const email = comparableEmail(claims.email)
  if (email === undefined)
    return {
      outcome: 'refuse',
      code: claims.emailVerified === false ? 'email_unverified' : 'email_missing',
    }
  if (email === 'invalid') return { outcome: 'refuse', code: 'email_invalid' }
  const inDomain = facts.domainTeamId === connection.teamId
  const refusal = emailRefusal({ ...claims, email, inDomain })
  if (refusal) return { outcome: 'refuse', code: refusal }
  const { linkedUser, emailUser } = facts
  const user = linkedUser ?? emailUser
  const standing = user && facts.standing?.find((s) => s.userId === user.id)
  if (deprovisioned(standing?.scimStatus ?? null))
    return { outcome: 'refuse', code: 'user_deactivated' }
  if (!linkedUser && emailUser?.linkedInTeam)
    return { outcome: 'refuse', code: 'identity_conflict' }
  const link = !linkedUser
  const teamId = connection.teamId
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
 * enabled one, so the pick never depends on row order. By id, an `iss` given must name the connection's
 * issuer (without a trailing slash, or the Okta org of its custom authorization server).
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
  if (
    lookup.by === 'id' &&
    lookup.issuer !== undefined &&
    !issuerAccepts(chosen.issuer, lookup.issuer)
  )
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

/** A session as the recheck rule sees it; the times only where the team's session policy applies. */
export interface RecheckedSession {
  teamId: string | null
  method: AuthMethod
  /** Seconds since its login issued it. */
  ageSeconds?: number
  /** Seconds since it was last seen (its last recheck: the renewal re-signs the cookie with that time). */
  idleSeconds?: number
  /** The user's role in the team now (a recovery session needs owner or admin). */
  role?: Role | null
}

/**
 * The recheck rule: the session row is live, the user is in exactly the team the session was issued for
 * (a session's team changes only through its own login, never at a recheck: a team-less session ends when
 * its user lands in a team) and not deactivated there, an SSO session's connection is still on, the team's
 * policy still allows the session's method, and its session policy its age and idle time. A recovery
 * session lives only while its person is the owner or an admin.
 */
export function sessionStillValid(facts: SessionFacts, session: RecheckedSession): boolean {
  return sessionEnd(facts, session) === undefined
}

/**
 * Why the recheck ends a session (undefined: it lives on), as the sign-in page tells its person:
 * `deactivated` by the team's Okta, `revoked` (Universal Logout, support, a sign-out or a new password
 * elsewhere), `changed` (the connection turned off, another team, SSO now required, a recovery session
 * whose person is no longer owner or admin), or `timed_out` by the team's session policy.
 */
export function sessionEnd(facts: SessionFacts, session: RecheckedSession): SessionEnd | undefined {
  if (facts.deactivated === true) return 'deactivated'
  if (facts.revoked || facts.expired || !facts.userExists) return 'revoked'
  if (session.method === 'sso' && facts.connectionLive === false) return 'changed'
  if (facts.teamId !== session.teamId) return 'changed'
  if (session.method === 'recovery' && session.role !== undefined && !mayRecover(session.role))
    return 'changed'
  if (!withinSessionPolicy(facts.policy, session)) return 'timed_out'
  return session.method === 'password' && facts.teamHasEnabledSso ? 'changed' : undefined
}

export const sessionEnds = ['deactivated', 'revoked', 'changed', 'timed_out'] as const
export type SessionEnd = (typeof sessionEnds)[number]

/** The team's session policy: at most `sessionMaxAgeHours` since login, at most `idleTimeoutMinutes` unseen. */
export function withinSessionPolicy(
  policy: SessionFacts['policy'],
  session: Pick<RecheckedSession, 'ageSeconds' | 'idleSeconds'>,
): boolean {
  if (!policy) return true
  const { ageSeconds = 0, idleSeconds = 0 } = session
  if (ageSeconds > policy.sessionMaxAgeHours * 3600) return false
  return policy.idleTimeoutMinutes === null || idleSeconds <= policy.idleTimeoutMinutes * 60
}

/** A connection's `acr_values` (space-separated) accept the ID token's `acr`; a connection without any accepts all. */
export function acrAccepted(
  acrValues: string | null | undefined,
  acr: string | undefined,
): boolean {
  if (!acrValues?.trim()) return true
  return acr !== undefined && acrValues.trim().split(/\s+/).includes(acr)
}

/** How far an IdP's clock may run behind ours when a fresh authentication's `auth_time` is compared (s). */
export const reauthClockSkewSeconds = 30

/**
 * A fresh authentication's rule: the IdP authenticated someone at or after the reauth began (within the clock
 * skew), and that someone is the signed-in user (linked to the `sub` at this connection).
 */
export function decideReauth(input: {
  signedInUserId: string
  reauth: { userId: string; startedAt: number }
  linkedUserId: string | undefined
  authTime: number | undefined
}): ErrorCode | undefined {
  const { signedInUserId, reauth, linkedUserId, authTime } = input
  if (signedInUserId !== reauth.userId || linkedUserId !== signedInUserId)
    return 'reauth_other_user'
  if (authTime === undefined || authTime < reauth.startedAt - reauthClockSkewSeconds)
    return 'reauth_stale'
  return undefined
}

/** The domain part of an email, lower-cased; undefined when it is not an email. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1).toLowerCase()
  return at > 0 && /^[a-z0-9.-]+\.[a-z0-9-]+$/.test(domain) ? domain : undefined
}
