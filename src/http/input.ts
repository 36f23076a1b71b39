// The one input parser: zod over the query, a form or a JSON body; a failure is invalid_request naming the fields.
import type { Context, ValidationTargets } from 'hono'
import { validator as describedValidator } from 'hono-openapi'
import { validator } from 'hono/validator'
import type * as z from 'zod/mini'
import type { AppEnv } from '../env'
import { AppError } from '../errors'

/** A Standard Schema issue, as hono-openapi's validator and zod's `safeParse` both report it. */
interface Issue {
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[]
}

/** Where an issue is, as `a.b.0`; `(body)` for the input as a whole. */
const fieldOf = (issue: Issue) =>
  (issue.path ?? []).map((step) => String(typeof step === 'object' ? step.key : step)).join('.') ||
  '(body)'

/** The one error format for input that does not fit its schema. */
function invalidInput(issues: readonly Issue[]): AppError {
  const fields = [...new Set(issues.map(fieldOf))]
  return new AppError('invalid_request', {
    message: `Invalid or missing fields: ${fields.join(', ')}.`,
    cause: fields,
  })
}

/**
 * Middleware for a route with one input target; the handler reads `c.req.valid(target)`. It is
 * hono-openapi's validator, so a JSON route's body, query or params appear in `/openapi.json` by themselves.
 */
export const validate = <Target extends keyof ValidationTargets, T extends z.ZodMiniType>(
  target: Target,
  schema: T,
) =>
  describedValidator(target, schema, (result) => {
    if (!result.success) throw invalidInput(result.error)
  })

/**
 * For routes that take GET and POST alike (OIDC login initiation): the query on GET, the form on POST; the
 * handler reads `c.req.valid('form')` either way.
 */
export const validateQueryOrForm = <T extends z.ZodMiniType>(schema: T) =>
  validator('form', (form, c): z.output<T> => {
    const raw = c.req.method === 'GET' || c.req.method === 'HEAD' ? c.req.query() : form
    const parsed = schema.safeParse(raw)
    if (!parsed.success) throw invalidInput(parsed.error.issues)
    return parsed.data
  })

/** A JSON body that may be absent altogether (read as `{}`); present, it must be JSON fitting `schema`. */
export async function optionalJson<T extends z.ZodMiniType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<z.infer<T>> {
  const text = await c.req.text()
  let raw: unknown = {}
  try {
    if (text.trim()) raw = JSON.parse(text)
  } catch (cause) {
    throw new AppError('invalid_request', { cause })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw invalidInput(parsed.error.issues)
  return parsed.data
}
