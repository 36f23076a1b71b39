// The facts storage reads for the rules in src/provisioning.ts, and the writes a sign-in decision asks for.
import type { Permission, Role, RoleSource, ScimStatus } from '../vocabulary'

/** A candidate user's standing in the connection's team: membership role, SCIM status, admin group. */
export interface TeamStanding {
  userId: string
  memberRole: Role | null
  scimStatus: ScimStatus | null
  admin: boolean
  /** Who set the membership's role (null: the default). */
  roleSource?: RoleSource | null
}

export interface KnownUser {
  id: string
  email: string
  name: string | null
  teamId: string | null
  emailVerified: boolean
  /** The user already has an identity (some `sub`) at a connection of the login's team (this one or another). */
  linkedInTeam: boolean
}

export interface SsoLoginFacts {
  connection:
    | {
        id: string
        enabled: boolean
        teamId: string
        teamName: string
        defaultPermission: Permission
        /** Told when an identity is added to an account of the team. */
        ownerEmail: string | null
        /** The group whose members the ID token's groups claim makes admins (null: none). */
        adminGroup: string | null
      }
    | undefined
  /** The team that has verified the email's domain, if any (a pending claim names no team). */
  domainTeamId: string | undefined
  /** The user linked to (connection, sub). */
  linkedUser: KnownUser | undefined
  /** The user whose email matches, case-insensitively. */
  emailUser: KnownUser | undefined
  /** Standing in the connection's team of the linked and the email user (absent rows: no standing). */
  standing?: TeamStanding[]
}

/** What an SSO sign-in writes besides its session and event. */
export interface SignInWrites {
  teamId: string
  user: { id: string; email: string; name: string | null }
  /** Create the user row (just-in-time). */
  create: boolean
  /** Add the membership with this permission. */
  joinWith: Permission | undefined
  /** Link (connection, sub) to the user. */
  link: boolean
  /** An existing account linked by email: clear its password and end its sessions, in the same batch. */
  claimAccount: boolean
  /** The IdP vouches for the email the account has: mark it verified. */
  markVerified: boolean
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
  /** The team's session policy (none without a team). */
  policy?: SessionPolicy
}

/** A team's session policy: hours a session may live after its login, minutes it may go unseen (null: any). */
export interface SessionPolicy {
  sessionMaxAgeHours: number
  idleTimeoutMinutes: number | null
}
