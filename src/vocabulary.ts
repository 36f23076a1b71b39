// The words the schema, the validators, the rules and the views share, each declared once.

/** What a new team member may see: the team's default for members who join. */
export const permissions = ['public', 'private'] as const
export type Permission = (typeof permissions)[number]

export const roles = ['owner', 'member'] as const

/** How a session was established. */
export const authMethods = ['sso', 'password'] as const
export type AuthMethod = (typeof authMethods)[number]

/** How we authenticate to the IdP's token endpoint (Okta's default first). */
export const tokenEndpointAuthMethods = ['client_secret_basic', 'client_secret_post'] as const
export type TokenEndpointAuthMethod = (typeof tokenEndpointAuthMethods)[number]

/** What a mailed single-use link is for. */
export const emailTokenPurposes = ['verify_email', 'reset_password'] as const
export type EmailTokenPurpose = (typeof emailTokenPurposes)[number]

export const eventKinds = ['login', 'admin'] as const
export const eventOutcomes = ['success', 'refused', 'error'] as const
export type EventOutcome = (typeof eventOutcomes)[number]

/** Every action an event row can name. */
export const auditActions = [
  'sso_initiate',
  'sso_start',
  'sso_callback',
  /** The answer to "continue as …?" after a tile login while someone else was signed in. */
  'sso_switch',
  'password_login',
  'register',
  'verify_email',
  'password_forgot',
  'password_reset',
  'team_create',
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
  /** A request whose route names no action (its log line carries the path). */
  'request',
] as const
export type AuditAction = (typeof auditActions)[number]

/** The callback every connection registers at its IdP, and the URL its Okta tile starts from. */
export const redirectUri = (publicOrigin: string) => `${publicOrigin}/sso/callback`
export const initiateLoginUri = (publicOrigin: string, connectionId: string) =>
  `${publicOrigin}/sso/initiate/${connectionId}`
