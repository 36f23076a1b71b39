// The app's JSON API: who am I, and turning on team management.
import { Hono, type MiddlewareHandler } from 'hono'
import * as z from 'zod/mini'
import { randomId } from '../crypto/encoding'
import { isUniqueViolation } from '../db/errors'
import { createTeamStatements } from '../db/teams'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { db, sameOriginOnly } from '../http'
import { emailDomain } from '../provisioning'
import { permission, text } from '../schemas'
import { currentSession, writeSession } from '../session/session'
import { validate } from './validation'

const teamSchema = z.object({
  name: text(200).check(z.minLength(1)),
  defaultPermission: permission,
})

/** 401 unless a live session is presented; the session is then `c.var.session`. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = await currentSession(c, c.var.config, db(c), c.var.runtime.now())
  if (!session) throw new AppError('unauthorized')
  c.set('session', session)
  await next()
}

export const apiRoutes = new Hono<AppEnv>()
  .use('*', signedIn)
  .get('/me', (c) => {
    const { session } = c.var
    return c.json({
      user: { id: session.userId, email: session.email, name: session.name },
      team: session.team,
      authMethod: session.method,
      role: session.team ? (session.role ?? 'member') : null,
    })
  })
  .post('/team', sameOriginOnly, validate('json', teamSchema), async (c) => {
    const { session } = c.var
    if (session.team) throw new AppError('already_in_team')
    c.set('audit', { kind: 'login', action: 'team_create', email: session.email })
    const body = c.req.valid('json')
    const team = {
      id: randomId(),
      name: body.name,
      ownerUserId: session.userId,
      defaultPermission: body.defaultPermission,
    }
    const domain = emailDomain(session.email)
    const client = db(c)
    await client
      .batch(createTeamStatements(client, { ...team, domains: domain ? [domain] : [] }, true))
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? new AppError('already_in_team') : error
      })
    await writeSession(c, c.var.config, {
      ...session,
      team: { id: team.id, name: team.name },
      role: 'owner',
    })
    return c.json(
      { team: { id: team.id, name: team.name, defaultPermission: team.defaultPermission } },
      201,
    )
  })
