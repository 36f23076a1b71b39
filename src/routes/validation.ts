// zod validation middleware for JSON bodies and queries: a failure is an invalid_request naming the fields.
import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodMiniType } from 'zod/mini'
import { AppError } from '../errors'

export const validate = <Target extends keyof ValidationTargets, T extends ZodMiniType>(
  target: Target,
  schema: T,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const fields = result.error.issues.map((issue) => issue.path.join('.') || '(body)')
      throw new AppError('invalid_request', {
        message: `Invalid or missing fields: ${[...new Set(fields)].join(', ')}.`,
      })
    }
  })
