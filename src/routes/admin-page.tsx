// The support console at /admin: the admin token once, then a console session, then forms over the admin operations.
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { every } from 'hono/combine'
import * as z from 'zod/mini'
import {
  addTeamDomain,
  type AdminDeps,
  createConnection,
  createTeam,
  deleteConnection,
  deleteTeamDomain,
  findUser,
  getTeam,
  listEvents,
  listTeams,
  patchConnection,
  verifyTeamDomain,
  teamWithMembersFrom,
} from '../admin/operations'
import {
  addDomainForm,
  adminLoginForm,
  consoleQuerySchema,
  createConnectionSchema,
  createTeamForm,
  deleteConnectionForm,
  enableConnectionForm,
  rotateConnectionForm,
  adminGroupForm,
  endIdpSessionForm,
  sessionsEndForm,
  recoveryLinkSchema,
  setupLinkForm,
} from '../admin/schemas'
import { mintRecoveryLink } from '../recovery'
import { issueScimToken, patchTeam, removeMember, revokeSessions } from '../admin/access'
import { ScimTokenPage } from '../views/scim-token'
import { listSetupLinks, mintSetupLink, revokeSetupLink } from '../setup/links'
import {
  closeConsoleSession,
  consoleSessionLive,
  consoleSessionSeconds,
  openConsoleSession,
} from '../admin/console-session'
import { safeEqual } from '../crypto/encoding'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import { audited, recorded } from '../http/audit'
import {
  onOwnersTeam,
  onPathConnection,
  onPathMember,
  onPathTeam,
  onPathUser,
} from '../http/admin-subjects'
import { adminDeps } from '../http/context'
import { clientKey, rateLimit, rateLimits } from '../http/rate-limit'
import { sameOriginOnly } from '../http/csrf'
import { validate } from '../http/input'
import { clearCookie, readSignedCookie, writeSignedCookie } from '../http/signed-cookie'
import type { AuditAction } from '../vocabulary'
import {
  AdminConsolePage,
  AdminLoginPage,
  type Notice,
  SetupLinksPage,
  type UserLookup,
} from '../views/admin'

const cookieName = 'edge_sso_admin'
const eventsShown = 50
const teamsShown = 20
/** The cookie carries only the console session's random id (nothing derived from the admin token). */
const consoleCookieSchema = z.object({ sid: z.string().check(z.maxLength(64)) })
const notices = new Set<string>([
  'team_created',
  'connection_created',
  'connection_rotated',
  'connection_enabled',
  'connection_disabled',
  'connection_deleted',
  'end_idp_session_on',
  'end_idp_session_off',
  'admin_group_set',
  'member_removed',
  'sessions_ended',
  'recovery_link_sent',
  'domain_added',
  'domain_verified',
  'domain_deleted',
])

const consoleCookie = (c: Context<AppEnv>) =>
  readSignedCookie(
    c,
    { name: cookieName, purpose: 'console', keys: c.var.config.sessionKeys },
    consoleCookieSchema,
  )

async function signedIn(c: Context<AppEnv>): Promise<boolean> {
  const cookie = await consoleCookie(c)
  return cookie !== undefined && consoleSessionLive(adminDeps(c), cookie.sid)
}

/** Pages hold support data: never cached (never framed: src/http/secure-headers.ts, as every page). */
const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('cache-control', 'no-store')
  await next()
}

/** A console action: a page, a same-origin form post, signed-in support, an audit named after it. */
const action = (name: AuditAction) =>
  every(pageHeaders, sameOriginOnly, async (c: Context<AppEnv>, next: () => Promise<void>) => {
    c.set('audit', { kind: 'admin', action: name })
    if (!(await signedIn(c))) throw new AppError('admin_login_required')
    c.set('subject', { identified: true })
    await next()
  })

/** Post/redirect/get: the console shows what happened to which team. */
const done = (c: Context<AppEnv>, notice: Notice, teamId: string) =>
  c.redirect(`/admin?done=${notice}&id=${encodeURIComponent(teamId)}`, 303)

const teamIfAny = (deps: AdminDeps, id: string) =>
  getTeam(deps, id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found') return undefined
    throw error
  })

/** The current page's address with `param` moved on to `cursor`, or none when there is no next page. */
function nextPageLink(url: string, param: 'teams' | 'events', cursor: string | null) {
  if (!cursor) return undefined
  const { searchParams } = new URL(url)
  const kept = new URLSearchParams()
  for (const name of ['teams', 'events', 'q']) {
    const value = searchParams.get(name)
    if (value) kept.set(name, value)
  }
  kept.set(param, cursor)
  return `/admin?${kept}`
}

async function lookUp(c: Context<AppEnv>, email: string): Promise<UserLookup> {
  const user = await findUser(adminDeps(c), email).catch((error: unknown) => {
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
    const deps = adminDeps(c)
    const [teams, events, lookup, noticeTeam] = await Promise.all([
      query.team
        ? teamWithMembersFrom(deps, query.team, query.members)
        : listTeams(deps, { limit: teamsShown, cursor: query.teams, search: query.q }),
      listEvents(deps, { limit: eventsShown, cursor: query.events }),
      query.email ? lookUp(c, query.email) : undefined,
      query.done && notices.has(query.done) && query.id ? teamIfAny(deps, query.id) : undefined,
    ])
    const notice = noticeTeam && { kind: query.done as Notice, team: noticeTeam }
    const pages = {
      teams: nextPageLink(c.req.url, 'teams', teams.nextCursor),
      events: nextPageLink(c.req.url, 'events', events.nextCursor),
    }
    return c.html(
      <AdminConsolePage
        teams={teams.teams}
        events={events.events}
        pages={pages}
        notice={notice}
        lookup={lookup}
        search={query.q}
        oneTeam={query.team !== undefined}
      />,
    )
  })
  .post(
    '/login',
    pageHeaders,
    audited({ kind: 'admin', action: 'console_login' }),
    rateLimit(rateLimits.console, clientKey),
    sameOriginOnly,
    validate('form', adminLoginForm),
    async (c) => {
      if (!(await safeEqual(c.req.valid('form').token, c.var.config.adminToken)))
        throw new AppError('admin_login_required')
      const sid = await openConsoleSession(adminDeps(c), c.var.audit)
      await writeSignedCookie(
        c,
        {
          name: cookieName,
          purpose: 'console',
          keys: c.var.config.sessionKeys,
          maxAgeSeconds: consoleSessionSeconds,
        },
        { sid },
      )
      return c.redirect('/admin', 303)
    },
  )
  .post('/logout', pageHeaders, sameOriginOnly, async (c) => {
    const cookie = await consoleCookie(c)
    if (cookie) await closeConsoleSession(adminDeps(c), cookie.sid)
    clearCookie(c, cookieName)
    return c.redirect('/admin', 303)
  })
  .post('/teams', action('console_team_create'), validate('form', createTeamForm), async (c) => {
    const input = c.req.valid('form')
    const team = await concerning({ email: input.ownerEmail }, () =>
      createTeam(adminDeps(c), input, recorded(c)),
    )
    return done(c, 'team_created', team.id)
  })
  .post(
    '/connections',
    action('console_connection_create'),
    validate('form', createConnectionSchema),
    async (c) => {
      const input = c.req.valid('form')
      return onOwnersTeam(c, input.ownerEmail, async ({ deps, teamId, recorded }) => {
        const connection = await createConnection(deps, teamId, input, recorded)
        return done(c, 'connection_created', connection.teamId)
      })
    },
  )
  .post(
    '/connections/:id/rotate',
    action('console_connection_rotate'),
    validate('form', rotateConnectionForm),
    async (c) => {
      return onPathConnection(c, async ({ deps, id, recorded }) => {
        const connection = await patchConnection(deps, id, c.req.valid('form'), recorded)
        return done(c, 'connection_rotated', connection.teamId)
      })
    },
  )
  .post(
    '/connections/:id/enabled',
    action('console_connection_enable'),
    validate('form', enableConnectionForm),
    async (c) => {
      const { enabled } = c.req.valid('form')
      return onPathConnection(c, async ({ deps, id, recorded }) => {
        const connection = await patchConnection(deps, id, { enabled }, recorded)
        return done(c, enabled ? 'connection_enabled' : 'connection_disabled', connection.teamId)
      })
    },
  )
  .post(
    '/teams/:id/domains',
    action('console_domain_add'),
    validate('form', addDomainForm),
    async (c) => {
      return onPathTeam(c, async ({ deps, teamId, recorded }) => {
        await addTeamDomain(deps, teamId, c.req.valid('form'), recorded)
        return done(c, 'domain_added', teamId)
      })
    },
  )
  .post('/teams/:id/domains/:domain/verify', action('console_domain_verify'), async (c) => {
    return onPathTeam(c, async ({ deps, teamId, recorded }) => {
      await verifyTeamDomain(deps, teamId, c.req.param('domain'), recorded)
      return done(c, 'domain_verified', teamId)
    })
  })
  .post('/teams/:id/domains/:domain/delete', action('console_domain_delete'), async (c) => {
    return onPathTeam(c, async ({ deps, teamId, recorded }) => {
      await deleteTeamDomain(deps, teamId, c.req.param('domain'), recorded)
      return done(c, 'domain_deleted', teamId)
    })
  })
  .post(
    '/connections/:id/delete',
    action('console_connection_delete'),
    validate('form', deleteConnectionForm),
    async (c) => {
      return onPathConnection(c, async ({ deps, id, teamId, recorded }) => {
        await deleteConnection(deps, id, recorded)
        return done(c, 'connection_deleted', teamId)
      })
    },
  )
  .post(
    '/connections/:id/end-idp-session',
    action('console_end_idp_session'),
    validate('form', endIdpSessionForm),
    async (c) => {
      const { endIdpSession } = c.req.valid('form')
      return onPathConnection(c, async ({ deps, id, recorded }) => {
        const connection = await patchConnection(deps, id, { endIdpSession }, recorded)
        const notice = endIdpSession ? 'end_idp_session_on' : 'end_idp_session_off'
        return done(c, notice, connection.teamId)
      })
    },
  )
  .post('/connections/:id/scim-token', action('console_scim_token'), async (c) => {
    return onPathConnection(c, async ({ deps, id, teamId, recorded }) => {
      const team = await getTeam(deps, teamId)
      const { token, baseUrl } = await issueScimToken(deps, id, recorded)
      const back = { href: '/admin', label: 'Back to the console' }
      return c.html(<ScimTokenPage team={team.name} token={token} baseUrl={baseUrl} back={back} />)
    })
  })
  .post(
    '/teams/:id/admin-group',
    action('console_admin_group'),
    validate('form', adminGroupForm),
    async (c) => {
      return onPathTeam(c, async ({ deps, teamId, recorded }) => {
        await patchTeam(deps, teamId, c.req.valid('form'), recorded)
        return done(c, 'admin_group_set', teamId)
      })
    },
  )
  .post(
    '/teams/:id/recovery-links',
    action('console_recovery_link'),
    validate('form', recoveryLinkSchema),
    async (c) => {
      const { email } = c.req.valid('form')
      return onPathTeam(c, ({ deps, teamId, recorded }) =>
        concerning({ email }, async () => {
          await mintRecoveryLink(deps, teamId, email, recorded)
          return done(c, 'recovery_link_sent', teamId)
        }),
      )
    },
  )
  .post('/teams/:teamId/members/:userId/remove', action('console_member_remove'), async (c) => {
    return onPathMember(c, async ({ deps, member, userId, recorded }) => {
      await removeMember(deps, member, userId, recorded)
      return done(c, 'member_removed', member.teamId)
    })
  })
  .post(
    '/users/:id/sessions/end',
    action('console_sessions_end'),
    validate('form', sessionsEndForm),
    async (c) => {
      return onPathUser(c, async ({ deps, id, facts, recorded }) => {
        await revokeSessions(deps, id, recorded)
        return done(c, 'sessions_ended', facts.teamId ?? c.req.valid('form').teamId)
      })
    },
  )
  .get('/teams/:id/setup-links', action('console_view'), async (c) => {
    return onPathTeam(c, async ({ deps, teamId }) => {
      const [team, links] = await Promise.all([getTeam(deps, teamId), listSetupLinks(deps, teamId)])
      return c.html(<SetupLinksPage team={team} links={links} />)
    })
  })
  .post(
    '/teams/:id/setup-links',
    action('console_setup_link_create'),
    validate('form', setupLinkForm),
    async (c) => {
      const { email } = c.req.valid('form')
      return onPathTeam(c, ({ deps, teamId, recorded }) =>
        concerning({ email: email ?? null }, async () => {
          const minted = await mintSetupLink(deps, teamId, email, recorded)
          const links = await listSetupLinks(deps, teamId)
          const team = await getTeam(deps, teamId)
          return c.html(
            <SetupLinksPage team={team} links={links} minted={{ ...minted, mailedTo: email }} />,
          )
        }),
      )
    },
  )
  .post('/teams/:id/setup-links/:linkId/revoke', action('console_setup_link_revoke'), async (c) => {
    return onPathTeam(c, async ({ deps, teamId, recorded }) => {
      await revokeSetupLink(deps, teamId, c.req.param('linkId'), recorded)
      return c.redirect(`/admin/teams/${encodeURIComponent(teamId)}/setup-links`, 303)
    })
  })
