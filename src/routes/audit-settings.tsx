// The team owner's /settings/audit: the team's audit stream to its SIEM, set (secret shown once) or stopped.
import { type Context, Hono } from 'hono'
import * as z from 'zod/mini'
import { getTeam } from '../admin/operations'
import { auditStreamSchema } from '../admin/schemas'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import { auditedAs, recorded } from '../http/audit'
import { adminDeps, db } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { validate } from '../http/input'
import { requestSession } from '../http/session-cookie'
import { ownedTeam } from '../teams'
import { AuditSettingsPage } from '../views/audit-settings'
import { auditStreamUrl, removeAuditStream, setAuditStream } from '../webhooks/audit-stream'

const ownerTeam = (c: Context<AppEnv>) => c.var.subject.teamId ?? ''

const page = async (c: Context<AppEnv>, secret?: string) => {
  const team = await getTeam(adminDeps(c), ownerTeam(c))
  const url = await auditStreamUrl(db(c), team.id)
  return c.html(<AuditSettingsPage teamName={team.name} url={url} secret={secret} />)
}

export const auditSettingsRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    c.header('cache-control', 'no-store')
    c.set('audit', { kind: 'admin', action: 'audit_settings_view' })
    const session = await requestSession(c)
    if (!session) throw new AppError('unauthorized')
    const subject = { email: session.email, identified: true }
    const teamId = await concerning(subject, () => ownedTeam(db(c), session.email))
    c.set('subject', { ...subject, teamId })
    await next()
  })
  .get('/', (c) => page(c))
  .post(
    '/',
    sameOriginOnly,
    auditedAs('audit_stream_set'),
    validate('form', auditStreamSchema),
    async (c) => {
      const stream = { teamId: ownerTeam(c), url: c.req.valid('form').url }
      const { secret } = await setAuditStream(adminDeps(c), stream, recorded(c))
      return page(c, secret)
    },
  )
  .post(
    '/delete',
    sameOriginOnly,
    auditedAs('audit_stream_delete'),
    validate('form', z.strictObject({})),
    async (c) => {
      await removeAuditStream(adminDeps(c), ownerTeam(c), recorded(c))
      return c.redirect('/settings/audit', 303)
    },
  )
