// The words the schema, the validators, the rules and the views share, each declared once.

/** What a new team member may see: the team's default for members who join. */
export const permissions = ['public', 'private'] as const
export type Permission = (typeof permissions)[number]

/**
 * A membership row's role: `admin` is stored only when a login set it from the ID token's groups claim;
 * otherwise it comes from the team's SCIM admin group.
 */
export const memberRoles = ['owner', 'admin', 'member'] as const

/** Who decided a member's role: the team's ownership, the last login's ID token, SCIM, or support. */
export const roleSources = ['owner', 'sso', 'scim', 'support'] as const
export type RoleSource = (typeof roleSources)[number]

/** A member's role as /api/me and the session report it. */
export const roles = ['owner', 'admin', 'member'] as const
export type Role = (typeof roles)[number]

/** A SCIM-provisioned user's state in one team, as that team's Okta last said. */
export const scimStatuses = ['active', 'inactive', 'deleted'] as const
export type ScimStatus = (typeof scimStatuses)[number]

/** How a session was established; `recovery`: support's break-glass link, one hour, never renewed. */
export const authMethods = ['sso', 'password', 'recovery'] as const
export type AuthMethod = (typeof authMethods)[number]

/** How we authenticate to the IdP's token endpoint (Okta's default first). */
export const tokenEndpointAuthMethods = ['client_secret_basic', 'client_secret_post'] as const
export type TokenEndpointAuthMethod = (typeof tokenEndpointAuthMethods)[number]

/**
 * A connection made through setup is a draft (logs nobody in, enforces nothing) until a successful test
 * sign-in lets someone activate it; support's connections are active at once.
 */
export const connectionStatuses = ['draft', 'active'] as const
export type ConnectionStatus = (typeof connectionStatuses)[number]

/** What a mailed single-use link is for. */
export const emailTokenPurposes = ['verify_email', 'reset_password', 'recovery'] as const
export type EmailTokenPurpose = (typeof emailTokenPurposes)[number]

export const eventKinds = ['login', 'admin'] as const
export const eventOutcomes = ['success', 'refused', 'error'] as const
export type EventOutcome = (typeof eventOutcomes)[number]

/** What the host app hears (docs/webhooks.md). */
export const webhookEventTypes = [
  'member.joined',
  'member.updated',
  'member.deactivated',
  'member.reactivated',
  'member.removed',
  'sessions.revoked',
  'connection.activated',
  'connection.disabled',
  'connection.deleted',
] as const
export type WebhookEventType = (typeof webhookEventTypes)[number]

/** What caused a webhook event: `data.via`. */
export const webhookVias = [
  'jit',
  'scim',
  'support',
  'owner',
  'universal_logout',
  'logout',
] as const
export type WebhookVia = (typeof webhookVias)[number]

/** A SCIM request, named by method and resource before it is carried out (its outcome gets its own action). */
export const scimRequestActions = [
  'scim_get_users',
  'scim_post_users',
  'scim_put_users',
  'scim_patch_users',
  'scim_delete_users',
  'scim_get_groups',
  'scim_post_groups',
  'scim_put_groups',
  'scim_patch_groups',
  'scim_delete_groups',
  /** Discovery documents and unknown SCIM paths. */
  'scim_request',
] as const

/** Every action an event row can name. */
export const auditActions = [
  'sso_initiate',
  'sso_start',
  'sso_callback',
  /** The answer to "continue as …?" after a tile login while someone else was signed in. */
  'sso_switch',
  /** The answer to "continue as …?" after a tile login with no one signed in (login CSRF). */
  'sso_confirm',
  'password_login',
  'register',
  'verify_email',
  'password_forgot',
  'password_reset',
  /** A break-glass recovery link used: its person signed in without the team's IdP. */
  'recovery_login',
  /** A fresh authentication at the member's IdP (`/sso/reauth`, max_age=0). */
  'sso_reauth',
  'team_create',
  /** The owner's session policy form on /team. */
  'team_policy',
  'console_view',
  'console_login',
  'console_team_create',
  'console_connection_create',
  'console_connection_rotate',
  'console_connection_enable',
  'console_connection_delete',
  'console_domain_add',
  'console_domain_verify',
  'console_domain_delete',
  'admin_api',
  'post_teams',
  'get_teams',
  'get_team',
  'get_team_members',
  'get_users',
  'post_team_domain',
  'verify_team_domain',
  'delete_team_domain',
  'post_sso_connections',
  'get_sso_connection',
  'patch_sso_connection',
  'delete_sso_connection',
  'get_events',
  'post_scim_token',
  'patch_team',
  'delete_team_member',
  'delete_user_sessions',
  'console_scim_token',
  'console_admin_group',
  'console_end_idp_session',
  'console_member_remove',
  'console_sessions_end',
  'console_setup_link_create',
  'console_setup_link_revoke',
  'post_setup_link',
  'post_recovery_link',
  'console_recovery_link',
  'console_session_policy',
  'get_setup_links',
  'delete_setup_link',
  /** The setup flow, through a setup link or a team owner's /settings/sso. */
  'setup_view',
  'setup_connection_save',
  'setup_domain_add',
  'setup_domain_verify',
  'setup_test_start',
  'setup_test',
  'setup_activate',
  'setup_scim_token',
  'team_page',
  ...scimRequestActions,
  'scim_user_created',
  'scim_user_provisioned_again',
  'scim_user_updated',
  'scim_user_deactivated',
  'scim_user_reactivated',
  'scim_user_deleted',
  'scim_group_created',
  'scim_group_updated',
  'scim_group_deleted',
  'universal_logout',
  'put_audit_stream',
  'delete_audit_stream',
  'audit_settings_view',
  'audit_stream_set',
  'audit_stream_delete',
  /** A webhook or audit-stream message the queue gave up on (its dead-letter queue). */
  'webhook_dead_letter',
  /** A request whose route names no action (its log line carries the path). */
  'request',
] as const
export type AuditAction = (typeof auditActions)[number]

/** The callback every connection registers at its IdP, and the URL its Okta tile starts from. */
export const redirectUri = (publicOrigin: string) => `${publicOrigin}/sso/callback`
export const initiateLoginUri = (publicOrigin: string, connectionId: string) =>
  `${publicOrigin}/sso/initiate/${connectionId}`
/** The Okta settings the setup page shows besides those two: sign-out redirect and Universal Logout. */
export const signOutRedirectUri = (publicOrigin: string) => `${publicOrigin}/`
export const universalLogoutUri = (publicOrigin: string, connectionId: string) =>
  `${publicOrigin}/sso/universal-logout/${connectionId}`
/** A setup link for a customer's Okta admin (its token is a bearer secret). */
export const setupLinkPath = (token: string) => `/setup/${token}`
/** A break-glass recovery link, mailed only (its token is a bearer secret). */
export const recoveryPath = (token: string) => `/recover/${token}`
