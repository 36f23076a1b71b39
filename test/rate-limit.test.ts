// Rate limits: the Workers Rate Limiting binding (miniflare's) behind a middleware; over the limit is 429 with Retry-After.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'
import {
  clientKey,
  consumeRateLimit,
  type RateLimitRule,
  rateLimit,
  rateLimits,
} from '../src/http/rate-limit'
import { AppError } from '../src/errors'
import { publicOrigin } from './harness'

/** RL_TEST allows 3 a minute (vitest.config.ts). */
const testRule: RateLimitRule = {
  binding: 'RL_TEST' as RateLimitRule['binding'], // a test-only binding, not in the worker's Env
  periodSeconds: 60,
}

let next = 0
/** A client address no other test has used, so counters never carry over between tests. */
const freshIp = () => `198.51.${Math.floor(Math.random() * 250)}.${next++ % 250}`

/** The real app (its error handler, pages and event rows) with one extra route behind the limit. */
function appWith(key: (c: Context) => string | undefined) {
  const app = createApp()
  app.get('/limited', rateLimit(testRule, key), (c) => c.text('ok'))
  app.get('/client-key', (c) => c.text(clientKey(c)))
  return async (path: string, headers: Record<string, string> = {}) => {
    const ctx = createExecutionContext()
    const response = await app.fetch(
      new Request(new URL(path, publicOrigin), { headers }),
      env,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    return response
  }
}

describe('rateLimit', () => {
  it('lets 3 requests through and refuses the 4th with 429, Retry-After and the refusal page', async () => {
    const send = appWith(clientKey)
    const ip = freshIp()
    for (let i = 1; i <= 3; i++) {
      const response = await send('/limited', { 'cf-connecting-ip': ip })
      expect(response.status, `request ${i}`).toBe(200)
    }
    const refused = await send('/limited', { 'cf-connecting-ip': ip })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await refused.text()).toContain('Too many attempts. Please wait a moment and try again.')
  })

  it('counts each key apart: another client is still let through', async () => {
    const send = appWith(clientKey)
    const ip = freshIp()
    for (let i = 0; i < 4; i++) await send('/limited', { 'cf-connecting-ip': ip })
    const other = await send('/limited', { 'cf-connecting-ip': freshIp() })
    expect(other.status).toBe(200)
  })

  it('counts nothing when the key function gives no key', async () => {
    const send = appWith(() => undefined)
    for (let i = 0; i < 5; i++) expect((await send('/limited')).status).toBe(200)
  })

  it('keys by any part of the request (here a header), not only the client address', async () => {
    const send = appWith((c) => `email:${c.req.header('x-email')}`)
    const email = `${freshIp()}@acme.example`
    for (let i = 0; i < 3; i++)
      await send('/limited', { 'x-email': email, 'cf-connecting-ip': freshIp() })
    const refused = await send('/limited', { 'x-email': email, 'cf-connecting-ip': freshIp() })
    expect(refused.status).toBe(429)
  })
})

describe('consumeRateLimit', () => {
  it('throws rate_limited once over', async () => {
    const key = `k:${freshIp()}`
    for (let i = 0; i < 3; i++) await consumeRateLimit(env, testRule, key)
    const error = await consumeRateLimit(env, testRule, key).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('rate_limited')
    expect((error as AppError).status).toBe(429)
  })

  it('lets the request through when the limiter itself fails', async () => {
    const broken = {
      ...env,
      RL_TEST: { limit: () => Promise.reject(new Error('limiter down')) },
    } as Env
    await expect(consumeRateLimit(broken, testRule, 'k')).resolves.toBeUndefined()
  })
})

describe('clientKey', () => {
  const send = appWith(clientKey)
  const keyFor = async (ip?: string) =>
    (await send('/client-key', ip ? { 'cf-connecting-ip': ip } : {})).text()

  it('is the IPv4 address', async () => {
    expect(await keyFor('203.0.113.7')).toBe('client:203.0.113.7')
  })

  it('is the /64 of an IPv6 address, however it is written', async () => {
    expect(await keyFor('2001:db8:1:2:3:4:5:6')).toBe('client:2001:db8:1:2::/64')
    expect(await keyFor('2001:DB8:1:2::9')).toBe('client:2001:db8:1:2::/64')
    expect(await keyFor('2001:0db8:0001:0002:ffff::')).toBe('client:2001:db8:1:2::/64')
    expect(await keyFor('2001:db8::1')).toBe('client:2001:db8:0:0::/64')
  })

  it('is the IPv4 address an IPv4-mapped IPv6 address carries (before: all of them one /64)', async () => {
    expect(await keyFor('::ffff:203.0.113.7')).toBe('client:203.0.113.7')
    expect(await keyFor('::ffff:cb00:7108')).toBe('client:203.0.113.8')
  })

  it('is the value as it came when it is no address (a local tool; the edge always sends one)', async () => {
    expect(await keyFor('zz::1')).toBe('client:zz::1')
  })

  it('is one shared key without the header', async () => {
    expect(await keyFor()).toBe('client:unknown')
  })
})

describe('rateLimits', () => {
  it('names a binding the worker has for every product limit', () => {
    for (const rule of Object.values(rateLimits))
      expect(typeof env[rule.binding].limit).toBe('function')
  })
})
