// Okta Universal Logout's two endpoints: the bare one (connections found by the token's issuer) and one per connection.
import { type Context, Hono } from 'hono'
import { connectionById, connectionsForIssuer } from '../connections'
import type { ConnectionRecord } from '../db/connections'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { audited } from '../http/audit'
import { db, upstream } from '../http/context'
import { consumeRateLimit, rateLimits } from '../http/rate-limit'
import { unverifiedIssuer } from '../oidc/logout-token'
import { universalLogout } from '../oidc/universal-logout'

const bearer = (c: Context<AppEnv>) =>
  /^Bearer ([A-Za-z0-9_.-]+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? ''

/** 60 a minute per connection the request names (every connection of the issuer, for the bare endpoint). */
async function countAgainst(c: Context<AppEnv>, connections: ConnectionRecord[]) {
  try {
    for (const { id } of connections)
      await consumeRateLimit(c.env, rateLimits.universalLogout, `connection:${id}`)
  } catch (error) {
    c.header('retry-after', String(rateLimits.universalLogout.periodSeconds))
    throw error
  }
}

async function answer(c: Context<AppEnv>, connections: ConnectionRecord[], path: string) {
  await countAgainst(c, connections)
  await universalLogout(
    { db: db(c), upstream: upstream(c), nowMs: c.var.runtime.now(), audit: c.var.audit },
    {
      connections,
      audience: `${c.var.config.publicOrigin}${path}`,
      token: bearer(c),
      readBody: () => c.req.json().catch(() => undefined),
    },
  )
  return c.body(null, 204)
}

export const universalLogoutRoutes = new Hono<AppEnv>()
  .use('*', audited({ kind: 'login', action: 'universal_logout' }), async (c, next) => {
    c.header('cache-control', 'no-store')
    await next()
  })
  .post('/', async (c) => {
    const issuer = unverifiedIssuer(bearer(c))
    const connections = issuer ? await connectionsForIssuer(db(c), c.var.runtime, issuer) : []
    return answer(c, connections, '/sso/universal-logout')
  })
  .post('/:connectionId', async (c) => {
    const id = c.req.param('connectionId').slice(0, 64)
    const connection = await connectionById(db(c), c.var.runtime, id)
    if (!connection) throw new AppError('unknown_connection')
    return answer(c, [connection], `/sso/universal-logout/${id}`)
  })
