// Break-glass recovery at /recover/:token: the confirmation page, and its same-origin POST that signs in.
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { db, mailer } from '../http/context'
import { sameOriginOnly } from '../http/csrf'
import { writeSession } from '../http/session-cookie'
import { recoveryLinkValidHours } from '../mail/templates'
import { recoverWithLink, recoveryLinkHolder } from '../recovery'
import { RecoveryConfirmPage } from '../views/recovery'

/** The link's token from the path; anything but 43 base64url characters is the same 404 as a used link. */
function recoveryToken(raw: string | undefined): string {
  if (!raw || !/^[\w-]{43}$/.test(raw)) throw new AppError('recovery_link_invalid')
  return raw
}

export const recoveryRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    c.header('referrer-policy', 'no-referrer')
    c.header('cache-control', 'no-store')
    await next()
  })
  .get('/', async (c) => {
    const token = recoveryToken(c.req.param('token'))
    const member = await recoveryLinkHolder(db(c), token, c.var.runtime.now())
    c.set('subject', { teamId: member.teamId, email: member.email })
    return c.html(
      <RecoveryConfirmPage
        email={member.email}
        team={member.teamName}
        hours={recoveryLinkValidHours}
      />,
    )
  })
  .post('/', sameOriginOnly, async (c) => {
    const token = recoveryToken(c.req.param('token'))
    const { session, notices } = await recoverWithLink({
      db: db(c),
      token,
      audit: c.var.audit,
      nowMs: c.var.runtime.now(),
    })
    for (const mail of notices) mailer(c)('recovery_used', mail)
    await writeSession(c, c.var.config, session)
    return c.redirect(c.var.config.appUrl, 303)
  })
