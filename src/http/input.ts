// The one input parser: zod over the query, a form or a JSON body; a failure is invalid_request naming the fields.
import { zValidator } from '@hono/zod-validator'
import type { Context, ValidationTargets } from 'hono'
import type * as z from 'zod/mini'
import type { AppEnv } from '../env'
import { AppError } from '../errors'

/** The one error format for input that does not fit its schema. */
function invalidInput(issues: readonly { path: readonly PropertyKey[] }[]): AppError {
  const fields = [...new Set(issues.map((issue) => issue.path.join('.') || '(body)'))]
  return new AppError('invalid_request', {
    message: `Invalid or missing fields: ${fields.join(', ')}.`,
    cause: fields,
  })
}

/** Middleware for a route with one input target; the handler reads `c.req.valid(target)`. */
export const validate = <Target extends keyof ValidationTargets, T extends z.ZodMiniType>(
  target: Target,
  schema: T,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw invalidInput(result.error.issues)
  })

const formTypes = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i

/** For routes that take GET and POST alike (OIDC login initiation): the query, or a urlencoded/multipart form. */
export async function readInput<T extends z.ZodMiniType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<z.infer<T>> {
  let raw: Record<string, unknown>
  if (c.req.method === 'GET' || c.req.method === 'HEAD') raw = c.req.query()
  else {
    if (!formTypes.test(c.req.header('content-type') ?? ''))
      throw new AppError('invalid_request', { cause: 'not a form' })
    raw = await c.req.parseBody().catch((cause: unknown) => {
      throw new AppError('invalid_request', { cause })
    })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw invalidInput(parsed.error.issues)
  return parsed.data
}

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
