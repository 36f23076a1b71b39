// The app's JSON API: who am I, my identity token, and turning on team management.
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { sameOriginOnly } from '../http/csrf'
import { validate } from '../http/input'
import { ownTeamSchema, startOwnTeam } from '../http/own-team'
import { requestSession } from '../http/session-cookie'
import { signedInAs } from '../session/session'
import { tokenResponse } from './identity'

/** 401 unless a live session is presented; the session is then `c.var.session`. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = await requestSession(c)
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
  .get('/token', tokenResponse)
  .post('/team', sameOriginOnly, validate('json', ownTeamSchema), async (c) => {
    const input = c.req.valid('json')
    const id = await startOwnTeam(c, c.var.session, input)
    return c.json({ team: { id, ...input } }, 201)
  })
