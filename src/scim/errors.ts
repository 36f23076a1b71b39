// SCIM errors: an HTTP status, an optional scimType and a detail, sent in the SCIM error schema.
// @see RFC 7644 §3.12
import type * as z from 'zod/mini'
import { AppError, type ErrorCode } from '../errors'

export const scimErrorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const scimContentType = 'application/scim+json'

export type ScimType =
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'invalidValue'
  | 'noTarget'
  | 'uniqueness'
  | 'mutability'
  | 'tooMany'

export type ScimStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 500 | 501 | 503

/** The catalogue code a SCIM status is recorded under: 401, 404 and 405 are routine (no event row). */
const codes: Partial<Record<ScimStatus, ErrorCode>> = {
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'scim_conflict',
}
const codeOf = (status: ScimStatus): ErrorCode =>
  status >= 500 ? 'internal_error' : (codes[status] ?? 'invalid_request')

/**
 * The one SCIM error class: the status and scimType are stable, the detail is a plain sentence. An AppError
 * (its code from the status), so a SCIM refusal names its subject and is recorded as every refusal is.
 */
export class ScimError extends AppError {
  declare readonly status: ScimStatus
  constructor(
    status: ScimStatus,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(codeOf(status), { status, message: detail })
  }

  get body() {
    return {
      schemas: [scimErrorSchema],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    }
  }
}

export const notFound = (what: string) => new ScimError(404, `${what} not found`)

/** `body` as `schema` reads it, or `400 invalidValue` naming the fields at fault. */
export function readResource<T extends z.ZodMiniType>(
  schema: T,
  body: unknown,
  kind: 'user' | 'group',
): z.output<T> {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)')
    throw new ScimError(400, `Invalid ${kind}: ${fields.join(', ')}.`, 'invalidValue')
  }
  return parsed.data
}
