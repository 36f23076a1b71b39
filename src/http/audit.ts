// Names the attempt a request serves before anything can refuse it, so every refusal's event says what it was.
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import type { Audit } from '../events'

export const audited =
  (audit: Audit): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('audit', { ...audit })
    await next()
  }
