// Who gets in: plain functions over plain data for SSO logins, password logins and session rechecks.
import type { ErrorCode } from './errors'
import type { SessionFacts, SignInWrites, SsoLoginFacts, TeamStanding } from './db/facts'
import type { AuthMethod, Role } from './vocabulary'

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
  email: string | undefined
  emailVerified: boolean | undefined
  name: string | undefined
}

type SsoDecision = { outcome: 'refuse'; code: ErrorCode } | ({ outcome: 'sign_in' } & SignInWrites)

/**
 * The SSO login rule. A user is found by (connection, sub), else by email. A member of this team signs
 * in; a member of another team is refused. Anyone joining the team (new or without a team) must have an
 * email in one of the team's domains, so a tenant's IdP cannot claim accounts outside its domains.
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
  if (!claims.email) return { outcome: 'refuse', code: 'email_missing' }
  const user = facts.linkedUser ?? facts.emailUser
  const link = !facts.linkedUser
  const standing = user && facts.standing?.find((s) => s.userId === user.id)
  if (deprovisioned(standing?.scimStatus ?? null))
    return { outcome: 'refuse', code: 'user_deactivated' }
  if (user?.teamId === connection.teamId) {
    return {
      outcome: 'sign_in',
      teamId: connection.teamId,
      user,
      create: false,
      joinWith: undefined,
      link,
    }
  }
  if (user?.teamId) return { outcome: 'refuse', code: 'member_of_another_team' }
  if (facts.domainTeamId !== connection.teamId)
    return { outcome: 'refuse', code: 'domain_not_allowed' }
  const joinWith = connection.defaultPermission
  if (user)
    return { outcome: 'sign_in', teamId: connection.teamId, user, create: false, joinWith, link }
  const created = { id: newUserId, email: claims.email, name: claims.name ?? null }
  return {
    outcome: 'sign_in',
    teamId: connection.teamId,
    user: created,
    create: true,
    joinWith,
    link: true,
  }
}

/** A connection as the login start sees it. */
interface Candidate {
  enabled: boolean
  issuer: string
  teamId: string
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
 * The connection a login starts with. By issuer, an enabled connection wins over disabled ones, and two
 * enabled teams on one issuer are ambiguous; by id, an `iss` given must be the connection's own; a disabled
 * connection is refused.
 */
export function chooseConnection<C extends Candidate>(
  candidates: readonly C[],
  lookup: ConnectionLookup,
): ConnectionChoice<C> {
  const enabled = candidates.filter((c) => c.enabled)
  if (lookup.by === 'issuer' && enabled.length > 1) return { refuse: 'ambiguous_issuer' }
  const chosen = lookup.by === 'issuer' ? (enabled[0] ?? candidates[0]) : candidates[0]
  if (!chosen) return { refuse: missing[lookup.by] }
  if (lookup.by === 'id' && lookup.issuer !== undefined && lookup.issuer !== chosen.issuer)
    return { refuse: 'unknown_issuer' }
  if (!chosen.enabled) return { refuse: 'connection_disabled', teamId: chosen.teamId }
  return { connection: chosen }
}

/** Password login: refused for members of a team whose SSO connection is enabled. */
export function decidePasswordLogin(
  passwordMatches: boolean,
  teamHasEnabledSso: boolean,
): ErrorCode | undefined {
  if (!passwordMatches) return 'invalid_credentials'
  if (teamHasEnabledSso) return 'sso_required'
  return undefined
}

/**
 * The recheck rule: the session row is live, the user is still in the team the session was issued for
 * (or has just joined one) and not deactivated there, an SSO session's connection is still on, and the
 * team's policy still allows the session's method.
 */
export function sessionStillValid(
  facts: SessionFacts,
  session: { teamId: string | null; method: AuthMethod },
): boolean {
  if (facts.revoked || facts.expired || !facts.userExists) return false
  if (facts.deactivated === true) return false
  if (session.method === 'sso' && facts.connectionLive === false) return false
  if (session.teamId !== null && facts.teamId !== session.teamId) return false
  return !(session.method === 'password' && facts.teamHasEnabledSso)
}

/** The domain part of an email, lower-cased; undefined when it is not an email. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1).toLowerCase()
  return at > 0 && /^[a-z0-9.-]+\.[a-z0-9-]+$/.test(domain) ? domain : undefined
}
