// A refused form is answered by the form again: what was typed (never a secret), the error beside its field.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import type { FormFailure } from '../errors'

/** Fields never typed back into a page: passwords, client secrets, tokens. */
const secretFields = new Set(['password', 'clientSecret', 'token'])

/** What was typed into the refused form (text fields only), secrets left out. */
async function typedValues(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({}))
  return Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === 'string' && !secretFields.has(entry[0]),
    ),
  )
}

/** The refused form as its page shows it: the refusal and what was typed. */
export interface RefusedForm {
  failure: FormFailure
  typed: Record<string, string>
}

/** This route's refusals show `page` again (the one refusal path records them first: src/app.tsx). */
export const refusedFormShows =
  (page: (c: Context<AppEnv>, form: RefusedForm) => Promise<Response>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('refusedForm', async (failure) => page(c, { failure, typed: await typedValues(c) }))
    await next()
  }
