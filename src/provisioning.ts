// Who gets in: plain functions over plain data for SSO logins, password logins and session rechecks.
import type { ErrorCode } from './errors'

export type Permission = 'public' | 'private'
export type Role = 'owner' | 'admin' | 'member'

/** A candidate user's standing in the connection's team: membership role, SCIM status, admin group. */
export interface TeamStanding {
  userId: string
  memberRole: 'owner' | 'member' | null
  scimStatus: 'active' | 'inactive' | 'deleted' | null
  admin: boolean
}

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

export interface KnownUser {
  id: string
  email: string
  name: string | null
  teamId: string | null
}

export interface SsoLoginFacts {
  connection:
    | {
        id: string
        enabled: boolean
        teamId: string
        teamName: string
        defaultPermission: Permission
      }
    | undefined
  /** The team that owns the email's domain, if any. */
  domainTeamId: string | undefined
  /** The user linked to (connection, sub). */
  linkedUser: KnownUser | undefined
  /** The user whose email matches, case-insensitively. */
  emailUser: KnownUser | undefined
  /** Standing in the connection's team of the linked and the email user (absent rows: no standing). */
  standing?: TeamStanding[]
}

export interface SsoClaims {
  sub: string
  email: string | undefined
  emailVerified: boolean | undefined
  name: string | undefined
}

export type SsoDecision =
  | { outcome: 'refuse'; code: ErrorCode }
  | {
      outcome: 'sign_in'
      teamId: string
      user: { id: string; email: string; name: string | null }
      /** Create the user row (just-in-time). */
      create: boolean
      /** Add the membership with this permission. */
      joinWith: Permission | undefined
      /** Link (connection, sub) to the user. */
      link: boolean
    }

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

/** Password login: refused for members of a team whose SSO connection is enabled. */
export function decidePasswordLogin(
  passwordMatches: boolean,
  teamHasEnabledSso: boolean,
): ErrorCode | undefined {
  if (!passwordMatches) return 'invalid_credentials'
  if (teamHasEnabledSso) return 'sso_required'
  return undefined
}

export interface SessionFacts {
  revoked: boolean
  expired: boolean
  userExists: boolean
  /** The team the user belongs to now. */
  teamId: string | null
  teamHasEnabledSso: boolean
  /** The team's Okta deactivated the user over SCIM. */
  deactivated?: boolean
  /** The connection an SSO session came through still exists and is enabled. */
  connectionLive?: boolean
}

/**
 * The recheck rule: the session row is live, the user is still in the team the session was issued for
 * (or has just joined one) and not deactivated there, an SSO session's connection is still on, and the
 * team's policy still allows the session's method.
 */
export function sessionStillValid(
  facts: SessionFacts,
  session: { teamId: string | null; method: 'sso' | 'password' },
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
