// The app's JSON API: who am I, my identity token, and turning on team management.
import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { sameOriginOnly } from '../http/csrf'
import { validate } from '../http/input'
import { sessionJson } from '../http/openapi'
import { ownTeamSchema, startOwnTeam } from '../http/own-team'
import { requestSession } from '../http/session-cookie'
import { type MeAnswer, meAnswer, type OwnTeamAnswer, ownTeamAnswer, tokenAnswer } from '../schemas'
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
  .get(
    '/me',
    sessionJson({
      summary: 'Who is signed in: user, team, role and how they signed in',
      answer: { status: 200, schema: meAnswer },
    }),
    (c) => {
      const { session } = c.var
      const me: MeAnswer = {
        ...signedInAs(session),
        authMethod: session.method,
        role: session.team ? (session.role ?? 'member') : null,
      }
      return c.json(me)
    },
  )
  .get(
    '/token',
    sessionJson({
      summary: 'The signed-in session’s identity token (ES256 JWT); never cached',
      answer: { status: 200, schema: tokenAnswer },
    }),
    tokenResponse,
  )
  .post(
    '/team',
    sessionJson({
      summary: 'Create the caller’s own team (a verified password account of no team)',
      answer: { status: 201, schema: ownTeamAnswer },
      refusals: ['csrf_refused', 'already_in_team', 'email_unverified'],
    }),
    sameOriginOnly,
    validate('json', ownTeamSchema),
    async (c) => {
      const input = c.req.valid('json')
      const id = await startOwnTeam(c, c.var.session, input)
      const created: OwnTeamAnswer = { team: { id, ...input } }
      return c.json(created, 201)
    },
  )
