// What the admin API answers, in zod/mini: the shapes /openapi.json documents and the operations are typed by.
import * as z from 'zod/mini'
import { permission } from '../schemas'
import {
  connectionStatuses,
  eventKinds,
  eventOutcomes,
  roleSources,
  roles,
  tokenEndpointAuthMethods,
} from '../vocabulary'

const isoTime = z.iso.datetime()
/** The next page's `cursor`, or null on the last page. */
const nextCursor = z.nullable(z.string())

/** The public shape of a connection: never the secret. */
export const connectionAnswer = z
  .object({
    id: z.string(),
    teamId: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    enabled: z.boolean(),
    tokenEndpointAuthMethod: z.enum(tokenEndpointAuthMethods),
    initiateLoginUri: z.string(),
    redirectUri: z.string(),
    scimEnabled: z.boolean(),
    endIdpSession: z.boolean(),
    /** `draft` (made through setup, logs nobody in) until activated after a successful test sign-in. */
    status: z.enum(connectionStatuses),
    /** When a test sign-in through the current values last succeeded, or null. */
    testedAt: z.nullable(isoTime),
    /** `acr_values` sent with every login (space-separated); the ID token's `acr` must be one of them. */
    acrValues: z.nullable(z.string()),
    /** The ID token (or userinfo) claim whose groups set a member's role from the team's admin group. */
    groupsClaim: z.string(),
  })
  .register(z.globalRegistry, { id: 'Connection' })
export type ConnectionView = z.output<typeof connectionAnswer>

/** Who decided a role: the owner is the owner; `sso` the last login's groups; `scim` the admin group; null the default. */
const roleSource = z.nullable(z.enum(roleSources))

/** A member as support sees them: `active` is false once the team's SCIM deactivated them. */
export const memberAnswer = z.object({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  active: z.boolean(),
  role: z.enum(roles),
  roleSource,
})

/** The team's session policy: hours a session may live after login, minutes unseen before it ends (null: none). */
const sessionPolicy = {
  sessionMaxAgeHours: z.number(),
  idleTimeoutMinutes: z.nullable(z.number()),
}

/** A team with its domains (verified, and pending with the TXT record that proves each), members, connections. */
export const teamAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    ownerEmail: z.string(),
    domains: z.array(z.string()),
    pendingDomains: z.array(
      z.object({ domain: z.string(), dnsName: z.string(), dnsValue: z.string() }),
    ),
    defaultPermission: permission,
    adminGroup: z.nullable(z.string()),
    ...sessionPolicy,
    members: z.array(memberAnswer),
    /** Set when the team has more members than shown: `GET /admin/api/teams/{id}/members?cursor=`. */
    membersNextCursor: nextCursor,
    /** The first (oldest) connection, as before a team could have several. */
    connection: z.nullable(connectionAnswer),
    connections: z.array(connectionAnswer),
  })
  .register(z.globalRegistry, { id: 'Team' })
export type TeamView = z.output<typeof teamAnswer>

export const teamsPageAnswer = z.object({ teams: z.array(teamAnswer), nextCursor })
export const membersPageAnswer = z.object({ members: z.array(memberAnswer), nextCursor })

/** Support's user lookup: the user, the team they belong to, their state in it and its session policy. */
export const userAnswer = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.nullable(z.string()),
    teamId: z.nullable(z.string()),
    active: z.boolean(),
    role: z.nullable(z.enum(roles)),
    roleSource,
    sessionPolicy: z.nullable(z.object(sessionPolicy)),
  }),
})
export type FoundUser = z.output<typeof userAnswer>['user']

/** A new setup link: its url carries the token, shown this once. */
export const mintedSetupLinkAnswer = z.object({ url: z.string(), expiresAt: isoTime })
export type MintedSetupLink = z.output<typeof mintedSetupLinkAnswer>

/** A link as support sees it (never its token). */
const setupLinkAnswer = z.object({
  id: z.string(),
  email: z.nullable(z.string()),
  createdAt: isoTime,
  expiresAt: isoTime,
  state: z.enum(['live', 'expired', 'revoked']),
})
export type SetupLinkView = z.output<typeof setupLinkAnswer>
export const setupLinksAnswer = z.object({ setupLinks: z.array(setupLinkAnswer) })

/** The connection's SCIM token (shown this once) and the base URL the IdP provisions to. */
export const scimTokenAnswer = z.object({ baseUrl: z.string(), token: z.string() })
export type ScimTokenView = z.output<typeof scimTokenAnswer>

/** When the mailed recovery link stops working (the link itself is never returned). */
export const recoveryLinkAnswer = z.object({ expiresAt: z.string() })

/** A new audit stream's signing secret (`whsec_…`), shown this once. */
export const auditStreamAnswer = z.object({ secret: z.string() })

/** An event row as support reads it; `count` is how many anonymous refusals the row stands for. */
const eventAnswer = z.object({
  id: z.string(),
  at: isoTime,
  kind: z.enum(eventKinds),
  outcome: z.enum(eventOutcomes),
  /** The refusal's code (src/errors.ts), as it was when the row was written. */
  errorCode: z.nullable(z.string()),
  teamId: z.nullable(z.string()),
  email: z.nullable(z.string()),
  referenceId: z.string(),
  count: z.number(),
})
export type EventView = z.output<typeof eventAnswer>
export const eventsPageAnswer = z.object({ events: z.array(eventAnswer), nextCursor })
