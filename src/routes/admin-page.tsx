// The support console at /admin: the admin token once, kept in a signed cookie, then forms over the admin operations.
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import * as z from 'zod/mini'
import {
  adminScope,
  createConnection,
  createTeam,
  deleteConnection,
  findUser,
  getConnection,
  listEvents,
  listTeams,
  patchConnection,
  recordAdminSuccess,
} from '../admin/operations'
import {
  adminLoginForm,
  consoleQuerySchema,
  createConnectionSchema,
  createTeamForm,
  deleteConnectionForm,
  enableConnectionForm,
  rotateConnectionForm,
} from '../admin/schemas'
import { safeEqual, sha256Hex } from '../crypto/encoding'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { sameOriginOnly } from '../http'
import { clearCookie, readSignedCookie, writeSignedCookie } from '../session/signed-cookie'
import { AdminConsolePage, AdminLoginPage, type Notice, type UserLookup } from '../views/admin'
import { validate } from './validation'

const cookieName = 'edge_sso_admin'
const adminCookieSeconds = 8 * 60 * 60
const eventsShown = 50
const adminCookieSchema = z.object({ tokenDigest: z.string(), exp: z.number() })
const notices = new Set<string>([
  'team_created',
  'connection_created',
  'connection_rotated',
  'connection_enabled',
  'connection_disabled',
  'connection_deleted',
])

/** The cookie names the token by a digest, so a new ADMIN_TOKEN ends every console sign-in made with the old one. */
const tokenDigest = (token: string) => sha256Hex(`edge-sso admin console:${token}`)

async function signedIn(c: Context<AppEnv>): Promise<boolean> {
  const cookie = await readSignedCookie(c, cookieName, c.var.config.sessionKeys, adminCookieSchema)
  if (!cookie || cookie.exp <= c.var.runtime.now() / 1000) return false
  return safeEqual(cookie.tokenDigest, await tokenDigest(c.var.config.adminToken))
}

/** Pages hold support data: never cached, never framed. */
const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('cache-control', 'no-store')
  c.header('x-frame-options', 'DENY')
  c.header('content-security-policy', "frame-ancestors 'none'")
  await next()
}

/** A console action: same-origin form post, signed-in support, an audit named after the action. */
const action =
  (name: string): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('audit', { kind: 'admin', action: `console_${name}` })
    if (!(await signedIn(c))) throw new AppError('admin_login_required')
    await next()
  }

/** Post/redirect/get: the console shows what happened to which team. */
const done = (c: Context<AppEnv>, notice: Notice, teamId: string) =>
  c.redirect(`/admin?done=${notice}&id=${encodeURIComponent(teamId)}`, 303)

async function lookUp(c: Context<AppEnv>, email: string): Promise<UserLookup> {
  const user = await findUser(adminScope(c), email).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found') return null
    throw error
  })
  return { email, user }
}

export const adminPageRoutes = new Hono<AppEnv>()
  .get('/', pageHeaders, validate('query', consoleQuerySchema), async (c) => {
    if (!(await signedIn(c))) return c.html(<AdminLoginPage />)
    c.set('audit', { kind: 'admin', action: 'console_view' })
    const query = c.req.valid('query')
    const scope = adminScope(c)
    const [teams, events, lookup] = await Promise.all([
      listTeams(scope),
      listEvents(scope, { limit: eventsShown }),
      query.email ? lookUp(c, query.email) : undefined,
    ])
    const team = teams.find((t) => t.id === query.id)
    const notice =
      query.done && notices.has(query.done) && team
        ? { kind: query.done as Notice, team }
        : undefined
    return c.html(
      <AdminConsolePage teams={teams} events={events} notice={notice} lookup={lookup} />,
    )
  })
  .post('/login', pageHeaders, sameOriginOnly, validate('form', adminLoginForm), async (c) => {
    c.set('audit', { kind: 'admin', action: 'console_login' })
    if (!(await safeEqual(c.req.valid('form').token, c.var.config.adminToken)))
      throw new AppError('admin_login_required')
    const exp = Math.floor(c.var.runtime.now() / 1000) + adminCookieSeconds
    await writeSignedCookie(
      c,
      cookieName,
      { tokenDigest: await tokenDigest(c.var.config.adminToken), exp },
      c.var.config.sessionKeys,
      adminCookieSeconds,
    )
    await recordAdminSuccess(adminScope(c))
    return c.redirect('/admin', 303)
  })
  .post('/logout', pageHeaders, sameOriginOnly, async (c) => {
    clearCookie(c, cookieName)
    return c.redirect('/admin', 303)
  })
  .post(
    '/teams',
    pageHeaders,
    sameOriginOnly,
    action('team_create'),
    validate('form', createTeamForm),
    async (c) => {
      const team = await createTeam(adminScope(c), c.req.valid('form'))
      return done(c, 'team_created', team.id)
    },
  )
  .post(
    '/connections',
    pageHeaders,
    sameOriginOnly,
    action('connection_create'),
    validate('form', createConnectionSchema),
    async (c) => {
      const connection = await createConnection(adminScope(c), c.req.valid('form'))
      return done(c, 'connection_created', connection.teamId)
    },
  )
  .post(
    '/connections/:id/rotate',
    pageHeaders,
    sameOriginOnly,
    action('connection_rotate'),
    validate('form', rotateConnectionForm),
    async (c) => {
      const connection = await patchConnection(
        adminScope(c),
        c.req.param('id'),
        c.req.valid('form'),
      )
      return done(c, 'connection_rotated', connection.teamId)
    },
  )
  .post(
    '/connections/:id/enabled',
    pageHeaders,
    sameOriginOnly,
    action('connection_enable'),
    validate('form', enableConnectionForm),
    async (c) => {
      const { enabled } = c.req.valid('form')
      const connection = await patchConnection(adminScope(c), c.req.param('id'), { enabled })
      return done(c, enabled ? 'connection_enabled' : 'connection_disabled', connection.teamId)
    },
  )
  .post(
    '/connections/:id/delete',
    pageHeaders,
    sameOriginOnly,
    action('connection_delete'),
    validate('form', deleteConnectionForm),
    async (c) => {
      const scope = adminScope(c)
      const { teamId } = await getConnection(scope, c.req.param('id'))
      await deleteConnection(scope, c.req.param('id'))
      return done(c, 'connection_deleted', teamId)
    },
  )
