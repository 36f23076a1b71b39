// The team owner's own pages: turning on team management from /app, then the team page.
import { Hono } from 'hono'
import { patchTeam } from '../admin/access'
import { getTeam } from '../admin/operations'
import { sessionPolicyForm } from '../admin/schemas'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { adminDeps, db } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { audited, recorded } from '../http/audit'
import { validate } from '../http/input'
import { ownTeamSchema, startOwnTeam } from '../http/own-team'
import { requestSession, signInFirst } from '../http/session-cookie'
import { ownedTeam } from '../teams'
import { TeamPage } from '../views/team'

export const teamRoutes = new Hono<AppEnv>()
  .post('/', sameOriginOnly, validate('form', ownTeamSchema), async (c) => {
    const session = await requestSession(c)
    if (!session) throw new AppError('unauthorized')
    await startOwnTeam(c, session, c.req.valid('form'))
    return c.redirect('/team', 303)
  })
  .post(
    '/session-policy',
    sameOriginOnly,
    audited({ kind: 'login', action: 'team_policy' }),
    validate('form', sessionPolicyForm),
    async (c) => {
      const session = await requestSession(c)
      if (!session) throw new AppError('unauthorized')
      c.set('subject', { email: session.email, teamId: session.team?.id ?? null, identified: true })
      const teamId = await ownedTeam(db(c), session.email)
      await patchTeam(adminDeps(c), teamId, c.req.valid('form'), recorded(c))
      return c.redirect('/team', 303)
    },
  )
  .get('/', async (c) => {
    c.header('cache-control', 'no-store')
    const session = await requestSession(c)
    if (!session) return signInFirst(c)
    if (!session.team) return c.redirect('/app', 302)
    c.set('audit', { kind: 'login', action: 'team_page' })
    c.set('subject', { email: session.email, identified: true })
    const deps = adminDeps(c)
    const team = await getTeam(deps, await ownedTeam(db(c), session.email))
    return c.html(<TeamPage team={team} />)
  })
