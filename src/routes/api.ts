// The app's JSON API: who am I, and turning on team management.
import { Hono, type MiddlewareHandler } from 'hono'
import * as z from 'zod/mini'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { db, sessionStore } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { validate } from '../http/input'
import { currentSession, writeSession } from '../http/session-cookie'
import { permission, text } from '../schemas'
import { signedInAs } from '../session/session'
import { createOwnTeam } from '../teams'

const teamSchema = z.object({
  name: text(200).check(z.minLength(1)),
  defaultPermission: permission,
})

/** 401 unless a live session is presented; the session is then `c.var.session`. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = await currentSession(c, c.var.config, sessionStore(c), c.var.runtime.now())
  if (!session) throw new AppError('unauthorized')
  c.set('session', session)
  await next()
}

export const apiRoutes = new Hono<AppEnv>()
  .use('*', signedIn)
  .get('/me', (c) => {
    const { session } = c.var
    return c.json({
      ...signedInAs(session),
      authMethod: session.method,
      role: session.team ? (session.role ?? 'member') : null,
    })
  })
  .post('/team', sameOriginOnly, validate('json', teamSchema), async (c) => {
    const { session } = c.var
    if (session.team) throw new AppError('already_in_team')
    c.set('audit', {
      kind: 'login',
      action: 'team_create',
      email: session.email,
      identified: true,
    })
    const { name, defaultPermission } = c.req.valid('json')
    const owner = { id: session.userId, email: session.email }
    const id = await createOwnTeam(db(c), { name, defaultPermission, owner })
    await writeSession(c, c.var.config, {
      ...session,
      emailVerified: true,
      team: { id, name },
      role: 'owner',
    })
    return c.json({ team: { id, name, defaultPermission } }, 201)
  })
