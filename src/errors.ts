// Every refusal and failure a person can meet: a stable code, its HTTP status and a plain sentence.
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isStorageFailure } from './db/errors'

const catalogue = {
  invalid_request: [400, 'The request was not understood. Please go back and try again.'],
  payload_too_large: [413, 'This request is too large, so it was refused.'],
  csrf_refused: [403, 'This form was sent from another site, so it was refused.'],
  unauthorized: [401, 'You need to sign in first.'],
  admin_unauthorized: [401, 'A valid admin token is required in the Authorization header.'],
  admin_login_required: [
    401,
    'The support console needs the admin token: sign in again at /admin.',
  ],
  not_found: [404, 'There is nothing here.'],
  method_not_allowed: [405, 'This address does not take this method.'],
  unknown_issuer: [404, 'This identity provider is not connected to any team.'],
  ambiguous_issuer: [
    400,
    'Several teams use this identity provider; sign in from your team’s own Okta tile or with your email.',
  ],
  unknown_connection: [404, 'This sign-in link does not belong to any team.'],
  connection_disabled: [
    403,
    'Single sign-on is turned off for this team. Ask your team owner or support.',
  ],
  no_sso_for_domain: [
    404,
    'Single sign-on is not set up for this email domain. Sign in with your password instead.',
  ],
  login_expired: [400, 'This sign-in attempt expired or was already used. Please start again.'],
  login_state_mismatch: [
    400,
    'This sign-in response does not belong to the sign-in you started. Please start again.',
  ],
  callback_invalid: [
    400,
    'This sign-in response is malformed or was tampered with. Please start again.',
  ],
  code_rejected: [400, 'Your identity provider did not accept this sign-in. Please start again.'],
  idp_denied: [403, 'Your identity provider did not let you sign in.'],
  idp_response_invalid: [
    502,
    'Your identity provider sent a response we cannot trust, so you were not signed in.',
  ],
  idp_unreachable: [
    502,
    'We could not reach your identity provider. Please try again in a moment.',
  ],
  token_invalid: [
    403,
    'The sign-in token from your identity provider failed our checks, so you were not signed in.',
  ],
  email_missing: [403, 'Your identity provider did not tell us your email address.'],
  email_unverified: [403, 'Your identity provider says your email address is not verified.'],
  email_invalid: [
    403,
    'Your identity provider sent an email that is not one plain address (for example, it has characters outside plain ASCII or more than one @).',
  ],
  identity_conflict: [
    403,
    'This account is already linked to another person at your identity provider. Contact your IT admin or support.',
  ],
  domain_not_allowed: [403, 'Your email domain is not one of this team’s domains.'],
  hosted_domain_mismatch: [
    403,
    'Your identity provider says your account belongs to an organisation with another domain than your email address.',
  ],
  member_of_another_team: [
    403,
    'You are already a member of another team, so you cannot join this one. Contact support.',
  ],
  sso_required: [403, 'Your team signs in with single sign-on only. Use “Continue with SSO”.'],
  user_deactivated: [
    403,
    'Your team’s identity provider has deactivated your access to this team. Ask your IT admin.',
  ],
  owner_not_removable: [409, 'The team owner cannot be removed from the team.'],
  scim_conflict: [
    409,
    'This user or group already exists here, or the user belongs to another team.',
  ],
  logout_token_invalid: [
    401,
    'A valid logout token from the team’s identity provider is required.',
  ],
  logout_subject_unknown: [404, 'No such user in this connection’s team.'],
  logout_unprocessable: [422, 'This logout request cannot be carried out.'],
  invalid_credentials: [401, 'That email and password do not match.'],
  email_taken: [409, 'An account with this email already exists. Sign in instead.'],
  already_in_team: [409, 'This user already belongs to a team.'],
  domain_taken: [409, 'Another team already uses this email domain.'],
  domain_verification_failed: [
    409,
    'The domain’s DNS does not have the TXT record yet. Add it, wait for DNS to update, and try again.',
  ],
  dns_unreachable: [502, 'The DNS resolver could not be reached. Please try again in a moment.'],
  setup_link_invalid: [
    404,
    'This setup link is invalid, has expired, was revoked or has already been used. Ask support for a new one, or ask your team owner.',
  ],
  connection_draft: [
    403,
    'Single sign-on for this team is still being set up. Ask your team owner, or sign in another way for now.',
  ],
  connection_changed: [
    409,
    'The connection’s values changed while this test sign-in ran, so it tested nothing. Run the test again.',
  ],
  connection_untested: [
    409,
    'Run a successful test sign-in through this connection before activating it.',
  ],
  owner_only: [403, 'Only the team owner can set up single sign-on for this team.'],
  link_invalid: [400, 'This link is invalid, has expired or was already used. Ask for a new one.'],
  team_not_found: [404, 'No team has this owner.'],
  recovery_not_allowed: [
    400,
    'A recovery link goes only to the team owner’s or a team admin’s email address.',
  ],
  recovery_link_invalid: [
    404,
    'This recovery link is invalid, has expired or was already used. Ask support for a new one.',
  ],
  reauth_requires_sso: [
    403,
    'Confirming who you are needs a single sign-on session: sign in with your team’s SSO first.',
  ],
  reauth_stale: [
    403,
    'Your identity provider did not ask you to sign in again, so this could not confirm it is you. Please try again.',
  ],
  reauth_other_user: [
    403,
    'Your identity provider signed in someone else than the person signed in here, so nothing changed.',
  ],
  acr_mismatch: [
    403,
    'Your identity provider did not sign you in the way your team requires (for example, with a second factor).',
  ],
  issuer_mismatch: [400, 'The discovery document names a different issuer than the one given.'],
  issuer_invalid: [400, 'The issuer must be an https URL.'],
  discovery_unreachable: [502, 'The issuer’s discovery document could not be fetched.'],
  rate_limited: [429, 'Too many attempts. Please wait a moment and try again.'],
  app_unreachable: [502, 'The app could not be reached. Please try again in a moment.'],
  app_timeout: [504, 'The app took too long to answer. Please try again in a moment.'],
  receiver_url_invalid: [
    400,
    'The receiver URL must be an https URL (http only on this machine while developing).',
  ],
  webhook_undelivered: [
    502,
    'An event could not be delivered to its receiver after every retry; it is kept for support.',
  ],
  storage_unavailable: [503, 'The service is busy. Please try again in a moment.'],
  internal_error: [500, 'Something went wrong on our side. Please try again.'],
} as const satisfies Record<string, readonly [ContentfulStatusCode, string]>

export type ErrorCode = keyof typeof catalogue

/** Every code of the catalogue, for the refusal's schema in `/openapi.json`. */
export const errorCodes = Object.keys(catalogue) as [ErrorCode, ...ErrorCode[]]

/** A code's status and plain sentence, as a refusal answers them. */
export const catalogueEntry = (code: ErrorCode): readonly [ContentfulStatusCode, string] =>
  catalogue[code]

/** A refused form as its page shows it again: the refusal, and the fields `invalid_request` named. */
export interface FormFailure {
  code: ErrorCode
  message: string
  referenceId: string
  status: ContentfulStatusCode
  fields: readonly string[]
}

/**
 * Whom a refusal or an event concerns: a team, an email, and whether it concerns someone real beyond what
 * anyone may type (an existing account, a signed-in user, or support past its token check).
 */
export interface Subject {
  readonly teamId?: string | null
  readonly email?: string | null
  readonly identified?: boolean
}

/** `later` over `earlier`, field by field; a field `later` leaves undefined keeps its earlier value. */
export const mergeSubjects = (earlier: Subject, later: Subject): Subject => ({
  teamId: later.teamId !== undefined ? later.teamId : earlier.teamId,
  email: later.email !== undefined ? later.email : earlier.email,
  identified: later.identified ?? earlier.identified,
})

/** The one error class: a stable code (which fixes status and sentence), an optional cause and subject. */
export class AppError extends Error {
  override readonly name: string = 'AppError'
  readonly status: ContentfulStatusCode
  /** Whom the refusal concerns, for its event row. */
  readonly subject: Subject
  constructor(
    readonly code: ErrorCode,
    /** `status` only where the design gives one code two statuses (domain_not_allowed: 403 at login, 400 as input). */
    options?: {
      cause?: unknown
      message?: string
      status?: ContentfulStatusCode
      subject?: Subject
    },
  ) {
    super(options?.message ?? catalogue[code][1], { cause: options?.cause })
    this.status = options?.status ?? catalogue[code][0]
    this.subject = options?.subject ?? {}
  }

  /** The same refusal (same class), naming `subject` too; what it already names wins, as it was learnt later. */
  about(subject: Subject): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object, {
      ...Object.getOwnPropertyDescriptors(this),
    }) as this
    Object.defineProperty(copy, 'subject', { value: mergeSubjects(subject, this.subject) })
    return copy
  }
}

const statusCodes: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
}

/** Anything thrown becomes a catalogue code; the original error stays as the cause for the log. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (error instanceof HTTPException)
    return new AppError(statusCodes[error.status] ?? 'invalid_request', { cause: error })
  if (isStorageFailure(error)) return new AppError('storage_unavailable', { cause: error })
  return new AppError('internal_error', { cause: error })
}

/**
 * Runs a step on behalf of `subject`: whatever it throws becomes an AppError (`asAppError`) that names the
 * subject too, so the refusal's event row says whom it concerned. The one way a subject learnt before a
 * step reaches its refusal.
 */
export async function concerning<T>(subject: Subject, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    throw asAppError(error).about(subject)
  }
}
