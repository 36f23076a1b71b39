// What a handler hands the domain from its Context: the database client and the upstream options.
import type { Context } from 'hono'
import { database } from '../db/client'
import type { AdminDeps } from '../admin/operations'
import type { AppEnv } from '../env'
import type { UpstreamOptions } from '../oidc/discovery'

export const db = (c: Context<AppEnv>) => database(c.env.DB)

export const upstream = (c: Context<AppEnv>): UpstreamOptions => ({
  runtime: c.var.runtime,
  allowHttp: c.var.config.allowHttpIssuers,
  source: { kv: c.env.CACHE, waitUntil: (p) => c.executionCtx.waitUntil(p) },
})

/** The plain inputs an admin operation takes. */
export const adminDeps = (c: Context<AppEnv>): AdminDeps => ({
  db: db(c),
  config: c.var.config,
  runtime: c.var.runtime,
  upstream: upstream(c),
})
