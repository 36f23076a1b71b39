// The D1 tables: teams, domains, users, memberships, SSO connections, identities, sessions, console sessions,
// events, SCIM's users and groups and Universal Logout's used token ids.
import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import {
  auditActions,
  emailTokenPurposes,
  authMethods,
  connectionStatuses,
  eventKinds,
  eventOutcomes,
  permissions,
  memberRoles,
  roleSources,
  scimStatuses,
  tokenEndpointAuthMethods,
  webhookEventTypes,
} from '../vocabulary'

const createdAt = () =>
  integer('created_at')
    .notNull()
    .default(sql`(unixepoch())`)

/** (created_at, id) is the admin listing's order and cursor. */
export const teams = sqliteTable(
  'teams',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    ownerUserId: text('owner_user_id').notNull(),
    defaultPermission: text('default_permission', { enum: permissions }).notNull(),
    createdAt: createdAt(),
    /** The SCIM group (by displayName) whose members get role admin. */
    adminGroup: text('admin_group'),
    /** A session lives at most this long after its login (1–336), whatever its activity. */
    sessionMaxAgeHours: integer('session_max_age_hours').notNull().default(336),
    /** A session unused this long ends (15–1440); null: no idle timeout. */
    idleTimeoutMinutes: integer('idle_timeout_minutes'),
  },
  (t) => [index('teams_created').on(t.createdAt, t.id)],
)

/**
 * A team's claim on a domain: verified (support attested it, or its DNS proved it) or pending with the
 * token its TXT record must carry. A verified domain belongs to at most one team and is how an email finds
 * its team; pending claims block no one (several teams may claim one domain). Rows before the second stage
 * were created by support: verified.
 */
export const teamDomains = sqliteTable(
  'team_domains',
  {
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
    verified: integer('verified', { mode: 'boolean' }).notNull().default(true),
    /** The `edge-sso-verify=<token>` value a pending domain's TXT record must carry (public, not a secret). */
    verificationToken: text('verification_token'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.domain] }),
    uniqueIndex('team_domains_verified')
      .on(t.domain)
      .where(sql`${t.verified} = 1`),
    index('team_domains_domain').on(t.domain),
  ],
)

/** Emails are stored lower-cased, so the unique index is case-insensitive. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name'),
    passwordHash: text('password_hash'),
    /** Proven by a mailed link, a password reset or an SSO login; rows before the second stage: not proven. */
    emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    /**
     * The revocation watermark (ms, the worker's clock): "end all sessions" sets it, and a session issued
     * before it is never stored live nor renewed. 0: never revoked.
     */
    sessionsValidAfterMs: integer('sessions_valid_after_ms').notNull().default(0),
  },
  (t) => [uniqueIndex('users_email').on(t.email)],
)

/**
 * Single-use links mailed to a user (email verification, password reset). The row id is the SHA-256 of
 * the token; `consumedBy` is set once, by the request that used it, and guards that request's writes.
 */
export const emailTokens = sqliteTable(
  'email_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: emailTokenPurposes }).notNull(),
    expiresAt: integer('expires_at').notNull(),
    consumedBy: text('consumed_by'),
    createdAt: createdAt(),
  },
  (t) => [index('email_tokens_user').on(t.userId)],
)

/**
 * The primary key on user_id is the rule "a user belongs to at most one team"; (team, created_at, user) is
 * a team's member list in order, read a page at a time.
 */
export const memberships = sqliteTable(
  'memberships',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    role: text('role', { enum: memberRoles }).notNull(),
    permission: text('permission', { enum: permissions }).notNull(),
    createdAt: createdAt(),
    /**
     * Who set `role`: `owner` (the team's owner), `sso` (the last login, from the ID token's groups claim),
     * `scim` (a change of the admin group's members since, which triggers in migration 0012 record), or
     * `support` (support renamed the admin group since). Null: the default role of a new member.
     */
    roleSource: text('role_source', { enum: roleSources }),
  },
  (t) => [index('memberships_team').on(t.teamId, t.createdAt, t.userId)],
)

/** A team may have several connections (app instances, or a second org after an acquisition). */
export const ssoConnections = sqliteTable(
  'sso_connections',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretSealed: text('client_secret_sealed').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    tokenEndpointAuthMethod: text('token_endpoint_auth_method', {
      enum: tokenEndpointAuthMethods,
    }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at')
      .notNull()
      .default(sql`(unixepoch())`),
    /** SHA-256 (hex) of the connection's SCIM bearer token; null when SCIM is off. */
    scimTokenHash: text('scim_token_hash'),
    /** POST /logout of an SSO session also ends the Okta session (RP-initiated logout). */
    endIdpSession: integer('end_idp_session', { mode: 'boolean' }).notNull().default(false),
    /** When a login through this connection last succeeded: it has proven its credentials at the issuer. */
    lastLoginAt: integer('last_login_at'),
    /** Drafts (made through setup) are disabled and log nobody in; rows before setup existed: active. */
    status: text('status', { enum: connectionStatuses }).notNull().default('active'),
    /** When a test sign-in through the current values last succeeded; cleared when the values change. */
    testedAt: integer('tested_at'),
    /** `acr_values` sent with every login (space-separated); the ID token's `acr` must be one of them. */
    acrValues: text('acr_values'),
    /** The ID token (or userinfo) claim that lists the person's groups: the team's admin group makes admins. */
    groupsClaim: text('groups_claim').notNull().default('groups'),
  },
  (t) => [
    /** A team's connections oldest first: the first is the team shape's `connection`, email login's pick. */
    index('sso_connections_team').on(t.teamId, t.createdAt, t.id),
    index('sso_connections_issuer').on(t.issuer),
    uniqueIndex('sso_connections_scim_token').on(t.scimTokenHash),
  ],
)

/** (connection, sub) names one person at one IdP. */
export const identities = sqliteTable(
  'identities',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.subject] }),
    index('identities_user').on(t.userId),
  ],
)

/** The row id is the SHA-256 of the session secret the cookie carries; expired rows go by expires_at. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    authMethod: text('auth_method', { enum: authMethods }).notNull(),
    connectionId: text('connection_id'),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    /** The SSO login's ID token, sealed under DATA_KEY bound to the row id: the id_token_hint at logout. */
    idTokenSealed: text('id_token_sealed'),
    /** When the login issued the session (ms, the worker's clock); 0 for rows older than the watermark. */
    issuedAtMs: integer('issued_at_ms').notNull().default(0),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
)

/**
 * Support console sign-ins. The row id is the SHA-256 of the id the cookie carries; the fingerprint is
 * HMAC-SHA256(ADMIN_TOKEN, salt), so a new ADMIN_TOKEN ends every console session made under the old one.
 */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    id: text('id').primaryKey(),
    salt: text('salt').notNull(),
    tokenFingerprint: text('token_fingerprint').notNull(),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('console_sessions_expires').on(t.expiresAt)],
)

/** Listed newest first by (at, id), the admin listing's cursor; retention deletes by at. */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    kind: text('kind', { enum: eventKinds }).notNull(),
    action: text('action', { enum: auditActions }).notNull(),
    outcome: text('outcome', { enum: eventOutcomes }).notNull(),
    errorCode: text('error_code'),
    teamId: text('team_id'),
    email: text('email'),
    referenceId: text('reference_id').notNull(),
    /** Refusals this row stands for: anonymous ones are counted per minute on one row. */
    count: integer('count').notNull().default(1),
  },
  (t) => [
    index('events_team_at').on(t.teamId, t.at, t.id),
    index('events_at').on(t.at, t.id),
    /** (team_id, rowid): a team's audit stream reads its events in the order they were written. */
    index('events_team_seq').on(t.teamId),
  ],
)

/**
 * What the team's Okta said about a user over SCIM. `inactive` and `deleted` refuse SSO login to the team
 * and end sessions; `deleted` users have left the team and are 404 to SCIM until provisioned again.
 */
export const scimUsers = sqliteTable(
  'scim_users',
  {
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: scimStatuses }).notNull(),
    /** As the IdP sent it (any string); unique in the team case-insensitively among users not deleted. */
    userName: text('user_name'),
    externalId: text('external_id'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    index('scim_users_user').on(t.userId),
    uniqueIndex('scim_users_team_user_name')
      .on(t.teamId, sql`lower(${t.userName})`)
      .where(sql`${t.status} != 'deleted'`),
  ],
)

/** SCIM groups pushed by the team's IdP; a displayName is unique within its team, case-insensitively. */
export const scimGroups = sqliteTable(
  'scim_groups',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('scim_groups_team_name').on(t.teamId, sql`lower(${t.displayName})`)],
)

export const scimGroupMembers = sqliteTable(
  'scim_group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index('scim_group_members_user').on(t.userId),
  ],
)

/** Universal Logout tokens already used: (issuer, jti) is accepted once. */
export const usedTokenIds = sqliteTable(
  'used_token_ids',
  {
    issuer: text('issuer').notNull(),
    jti: text('jti').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.issuer, t.jti] }),
    index('used_token_ids_expires').on(t.expiresAt),
  ],
)

/**
 * A login's `state`, by hash, once its callback has signed someone in: the primary key lets each state
 * sign in once, even when the IdP would accept its code twice. Rows past `expires_at` are only history.
 */
export const usedLoginStates = sqliteTable(
  'used_login_states',
  {
    stateHash: text('state_hash').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('used_login_states_expires').on(t.expiresAt)],
)

/**
 * Setup links support hands a customer's Okta admin: bound to one team, valid until `expires_at` unless
 * revoked. The token is a bearer secret: only its SHA-256 is stored; `id` is the public handle.
 */
export const setupLinks = sqliteTable(
  'setup_links',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** Where support mailed it, if it did. */
    email: text('email'),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('setup_links_token').on(t.tokenHash),
    index('setup_links_team').on(t.teamId, t.createdAt),
  ],
)

/**
 * The host app's webhook events, written in the same batch as the change each reports (an outbox): the
 * queue delivers them; the scheduled run re-sends those not delivered. `id` is the `webhook-id` of every
 * attempt; `data` is the JSON of the payload's `data`.
 */
export const webhookOutbox = sqliteTable(
  'webhook_outbox',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    type: text('type', { enum: webhookEventTypes }).notNull(),
    teamId: text('team_id'),
    data: text('data').notNull(),
    deliveredAt: integer('delivered_at'),
    /** Set when the dead-letter queue received it: support sees it, the scheduled run leaves it. */
    deadAt: integer('dead_at'),
    /** The scheduled run's last re-send (ms): it waits a while before sending the same row again. */
    resentAt: integer('resent_at'),
  },
  (t) => [
    index('webhook_outbox_pending').on(t.deliveredAt, t.deadAt, t.at),
    index('webhook_outbox_at').on(t.at),
  ],
)

/**
 * A team's audit stream to its SIEM: every event row of the team, in the order written (`cursor` is the
 * rowid of the last one delivered); one delivery runs at a time per team (`leased_until`, ms).
 */
export const auditStreams = sqliteTable('audit_streams', {
  teamId: text('team_id')
    .primaryKey()
    .references(() => teams.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  /** The `whsec_` signing secret, sealed under DATA_KEY bound to the team id. */
  secretSealed: text('secret_sealed').notNull(),
  cursor: integer('cursor').notNull().default(0),
  leasedUntil: integer('leased_until').notNull().default(0),
  createdAt: createdAt(),
})
