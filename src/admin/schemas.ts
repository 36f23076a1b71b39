// The admin inputs in zod/mini: JSON bodies and queries for the API, and the admin page's forms over the same fields.
import * as z from 'zod/mini'
import { email, permission, text } from '../schemas'
import { tokenEndpointAuthMethods } from '../vocabulary'
import { cursor } from './cursor'

const domain = z
  .string()
  .check(z.trim(), z.toLowerCase(), z.regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/), z.maxLength(253))
const domains = z.array(domain).check(z.minLength(1), z.maxLength(50))
const authMethod = z.enum(tokenEndpointAuthMethods)
const secret = z.string().check(z.minLength(1), z.maxLength(2048))
const clientId = text(512).check(z.minLength(1))
const teamFields = {
  name: text(200).check(z.minLength(1)),
  ownerEmail: email,
  defaultPermission: z._default(permission, 'private'),
}

/** A team's session policy: hours after login (1–336), minutes unseen (15–1440, or null: no idle timeout). */
export const sessionPolicyFields = {
  sessionMaxAgeHours: z.optional(z.int().check(z.minimum(1), z.maximum(336))),
  idleTimeoutMinutes: z.optional(z.nullable(z.int().check(z.minimum(15), z.maximum(1440)))),
}

/** The owner's (and the console's) session policy form: an empty idle timeout means none. */
export const sessionPolicyForm = z.strictObject({
  sessionMaxAgeHours: z.coerce.number().check(z.int(), z.minimum(1), z.maximum(336)),
  idleTimeoutMinutes: z.pipe(
    z.pipe(
      z.string().check(z.trim(), z.maxLength(8)),
      z.transform((v) => (v === '' ? null : Number(v))),
    ),
    z.nullable(z.int().check(z.minimum(15), z.maximum(1440))),
  ),
})

export const createTeamSchema = z.strictObject({ ...teamFields, domains: z.optional(domains) })

/** `acr_values` as OIDC sends them: space-separated printable names; empty means none (null). */
const acrValues = z.pipe(
  z.string().check(z.trim(), z.maxLength(512), z.regex(/^[\x21-\x7e ]*$/)),
  z.transform((v) => v.split(/\s+/).filter(Boolean).join(' ') || null),
)
/** The claim that lists a person's groups (Okta's default name `groups`); empty means the default. */
const groupsClaim = z.pipe(
  z.string().check(z.trim(), z.maxLength(128), z.regex(/^[\x21-\x7e]*$/)),
  z.transform((v) => v || undefined),
)
/** What a connection asks of every login, and where it reads roles: optional everywhere. */
const loginPolicyValues = {
  acrValues: z.optional(z.nullable(acrValues)),
  groupsClaim: z.optional(groupsClaim),
}

/** The guide's three values (the issuer may be a pasted metadata URL), and how we authenticate. */
const connectionValues = {
  clientId,
  clientSecret: secret,
  issuer: text(2048).check(z.minLength(1)),
  tokenEndpointAuthMethod: z._default(authMethod, 'client_secret_basic'),
  ...loginPolicyValues,
}

export const createConnectionSchema = z.strictObject({ ownerEmail: email, ...connectionValues })

/** The setup page's form: the values only (the link or the owner's session names the team). */
export const setupConnectionForm = z.strictObject(connectionValues)

/** The setup page's forms naming one of the team's connections (test sign-in, activation). */
export const setupConnectionChoice = z.strictObject({
  connectionId: z.string().check(z.minLength(1), z.maxLength(64)),
})

/** The setup page's domain form: a pending claim, proven by its TXT record. */
export const setupDomainForm = z.strictObject({ domain: text(253).check(z.minLength(1)) })

/** Support's setup link: mailed to `email` when given. */
export const setupLinkSchema = z.strictObject({ email: z.optional(email) })

/** Support's break-glass recovery link: mailed to the team owner's or an admin's `email`, never returned. */
export const recoveryLinkSchema = z.strictObject({ email })

/** The console's setup link form: an empty email means none. */
export const setupLinkForm = z.strictObject({
  email: z.pipe(
    z.optional(z.union([z.literal(''), email])),
    z.transform((v) => v || undefined),
  ),
})

export const patchConnectionSchema = z
  .strictObject({
    clientId: z.optional(clientId),
    clientSecret: z.optional(secret),
    enabled: z.optional(z.boolean()),
    tokenEndpointAuthMethod: z.optional(authMethod),
    endIdpSession: z.optional(z.boolean()),
    ...loginPolicyValues,
  })
  .check(z.refine((patch) => Object.keys(patch).length > 0, 'no field to change'))

/** A team's audit stream: where its events go (https; http only on loopback under wrangler dev). */
export const auditStreamSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).check(z.maxLength(2048)),
})

export const addDomainSchema = z.strictObject({
  domain: text(253).check(z.minLength(1)),
  verified: z.optional(z.boolean()),
})
const limit = (byDefault: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(max)), byDefault)

export const eventsQuerySchema = z.object({
  teamId: z.optional(z.string().check(z.maxLength(64))),
  limit: limit(50, 500),
  cursor: z.optional(cursor),
})
export const teamsQuerySchema = z.object({ limit: limit(50, 100), cursor: z.optional(cursor) })
export const membersQuerySchema = z.object({ limit: limit(100, 500), cursor: z.optional(cursor) })
export const userQuerySchema = z.object({ email })

export type CreateTeamInput = z.output<typeof createTeamSchema>
export type CreateConnectionInput = z.output<typeof createConnectionSchema>
export type ConnectionPatch = z.output<typeof patchConnectionSchema>
export type SetupConnectionInput = z.output<typeof setupConnectionForm>
export type EventsQuery = z.output<typeof eventsQuerySchema>
export type AddDomainInput = z.output<typeof addDomainSchema>
export type TeamsQuery = z.output<typeof teamsQuerySchema>
export type MembersQuery = z.output<typeof membersQuerySchema>

/** The page's team form: domains typed as a comma- or space-separated list, empty meaning the owner's domain. */
const domainList = z.pipe(
  z.pipe(
    z.optional(z.string()),
    z.transform((s) => {
      const list = s?.split(/[\s,]+/).filter(Boolean)
      return list?.length ? list : undefined
    }),
  ),
  z.optional(domains),
)
export const createTeamForm = z.strictObject({ ...teamFields, domains: domainList })

/** Rotation: a new secret, and the client id (unchanged unless the customer made a new app instance). */
export const rotateConnectionForm = z.strictObject({ clientId, clientSecret: secret })

export const enableConnectionForm = z.strictObject({
  enabled: z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
})

/** The page's domain form: a ticked box is support's attestation. */
export const addDomainForm = z.strictObject({
  domain: text(253).check(z.minLength(1)),
  verified: z.pipe(
    z.optional(z.literal('true')),
    z.transform((v) => v === 'true'),
  ),
})

/** Deleting also forgets which IdP subjects belong to which users, so the form asks for a tick first. */
export const deleteConnectionForm = z.strictObject({ confirm: z.literal('yes') })

/** The toggle for RP-initiated logout: `/logout` also ends the Okta session. */
export const endIdpSessionForm = z.strictObject({
  endIdpSession: z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
})

/** The admin group's Okta displayName; empty means none. */
export const adminGroupForm = z.strictObject({
  adminGroup: z.pipe(
    z.string().check(z.trim(), z.maxLength(256)),
    z.transform((v) => v || null),
  ),
})

/** Ending a user's sessions from their team's card: the team the console returns to. */
export const sessionsEndForm = z.strictObject({ teamId: z.string().check(z.maxLength(64)) })

export const adminLoginForm = z.strictObject({
  token: z.string().check(z.minLength(1), z.maxLength(1024)),
})

/** The page's query: a notice to show after a form (`done`, `id`), an optional user lookup, page cursors. */
export const consoleQuerySchema = z.object({
  done: z.optional(z.string().check(z.maxLength(40))),
  id: z.optional(z.string().check(z.maxLength(64))),
  email: z.optional(z.union([z.literal(''), email])),
  /** Next-page links: teams and events by cursor; `team` with `members` pages one team's members. */
  teams: z.optional(cursor),
  events: z.optional(cursor),
  team: z.optional(z.string().check(z.maxLength(64))),
  members: z.optional(cursor),
  /** Teams whose name, owner email or a domain contains it. */
  q: z.optional(z.string().check(z.trim(), z.maxLength(200))),
})
