// Okta Universal Logout's two endpoints: the bare one (connections found by the token's issuer) and one per connection.
import { type Context, Hono } from 'hono'
import { connectionById, connectionsForIssuer } from '../connections'
import type { ConnectionRecord } from '../db/connections'
import type { AppEnv } from '../env'
import { AppError, concerning } from '../errors'
import { audited } from '../http/audit'
import { db, upstream } from '../http/context'
import { clientKey, countRequest, rateLimits } from '../http/rate-limit'
import { unverifiedIssuer } from '../oidc/logout-token'
import { id as idSchema } from '../schemas'
import {
  logsOut,
  universalLogout,
  verifyLogoutRequest,
  type VerifiedLogoutToken,
} from '../oidc/universal-logout'

const bearer = (c: Context<AppEnv>) =>
  /^Bearer ([A-Za-z0-9_.-]+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? ''

/**
 * The request's connections and its verified token. A request that does not get that far counts against
 * its client, as the anonymous routes do (over the limit: 429), never against a connection, so unsigned
 * traffic cannot spend a team's budget; a verified one is never stopped by its client's count.
 */
async function verified(
  c: Context<AppEnv>,
  path: string,
  connections: () => Promise<ConnectionRecord[]>,
): Promise<VerifiedLogoutToken> {
  try {
    return await verifyLogoutRequest(
      { upstream: upstream(c), nowMs: c.var.runtime.now() },
      {
        connections: await connections(),
        audience: `${c.var.config.publicOrigin}${path}`,
        token: bearer(c),
      },
    )
  } catch (error) {
    // Over the limit, the 429 concerns whom the refused request did.
    const subject = error instanceof AppError ? error.subject : {}
    await concerning(subject, () => countRequest(c, rateLimits.anonymous, clientKey(c)))
    throw error
  }
}

/** 60 verified requests a minute per connection (every connection of the issuer, for the bare endpoint). */
async function answer(c: Context<AppEnv>, token: VerifiedLogoutToken) {
  await concerning(token.subject, async () => {
    for (const { id } of token.connections)
      await countRequest(c, rateLimits.universalLogout, `connection:${id}`)
    await universalLogout(
      {
        db: db(c),
        upstream: upstream(c),
        nowMs: c.var.runtime.now(),
        audit: c.var.audit,
        outbox: c.var.outbox,
      },
      token,
      () => c.req.json().catch(() => undefined),
    )
  })
  return c.body(null, 204)
}

export const universalLogoutRoutes = new Hono<AppEnv>()
  .use('*', audited({ kind: 'login', action: 'universal_logout' }), async (c, next) => {
    c.header('cache-control', 'no-store')
    await next()
  })
  .post('/', async (c) => {
    const token = await verified(c, '/sso/universal-logout', async () => {
      const issuer = unverifiedIssuer(bearer(c))
      return issuer ? connectionsForIssuer(db(c), c.var.runtime, issuer) : []
    })
    return answer(c, token)
  })
  .post('/:connectionId', async (c) => {
    const id = c.req.param('connectionId')
    const token = await verified(c, `/sso/universal-logout/${id}`, async () => {
      const known = idSchema.safeParse(id)
      const connection = known.success
        ? await connectionById(db(c), c.var.runtime, known.data)
        : undefined
      // A draft or a disabled connection logs nobody out: to this endpoint it is no connection.
      if (!connection || !logsOut(connection))
        throw new AppError('unknown_connection', {
          cause: connection ? 'draft or disabled' : 'no such id',
        })
      return [connection]
    })
    return answer(c, token)
  })
