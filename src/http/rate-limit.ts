// Rate limits over the Workers Rate Limiting binding: a middleware per limit, keyed by what the request is.
import type { Context, MiddlewareHandler } from 'hono'
import {
  convertIPv4BinaryToString,
  convertIPv4MappedIPv6ToIPv4,
  convertIPv6ToBinary,
  expandIPv6,
  isIPv4MappedIPv6,
} from 'hono/utils/ipaddr'
import { sha256Hex } from '../crypto/encoding'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { describeCause, log } from '../log'

/** The env bindings that are rate limiters (`[[ratelimits]]` in wrangler.toml). */
export type RateLimitBinding = {
  [K in keyof Env]: Env[K] extends RateLimit ? K : never
}[keyof Env]

export interface RateLimitRule {
  binding: RateLimitBinding
  /** The binding's period in wrangler.toml (Cloudflare allows 10 or 60), sent as `Retry-After`. */
  periodSeconds: 10 | 60
}

/** The product's limits; the counts themselves live in wrangler.toml beside each binding. */
export const rateLimits = {
  /** Failed password logins: 10 a minute per email. */
  loginFailures: { binding: 'RL_LOGIN_FAILURES', periodSeconds: 60 },
  /** The anonymous login routes: 100 per 10 seconds per client. */
  anonymous: { binding: 'RL_ANONYMOUS', periodSeconds: 10 },
  /** Mail from "forgot my password": 3 a minute per address (links are also capped per hour in D1). */
  passwordMail: { binding: 'RL_PASSWORD_MAIL', periodSeconds: 60 },
  /** Console login, and wrong admin API tokens: 10 a minute per client. */
  console: { binding: 'RL_CONSOLE', periodSeconds: 60 },
  /** SCIM: 300 per 10 seconds per token (Entra provisions at up to 25 a second). */
  scim: { binding: 'RL_SCIM', periodSeconds: 10 },
  /** Universal Logout: 60 a minute per connection. */
  universalLogout: { binding: 'RL_UNIVERSAL_LOGOUT', periodSeconds: 60 },
} as const satisfies Record<string, RateLimitRule>

/**
 * The client as Cloudflare saw it (`CF-Connecting-IP`, set by the edge and not forgeable through it);
 * an IPv6 client counts as its /64, which one subscriber usually holds whole, and an IPv4-mapped IPv6
 * address as the IPv4 address it carries. Without the header (tests, a local tool) every such request
 * shares one counter.
 */
export function clientKey(c: Context): string {
  const ip = c.req.header('cf-connecting-ip')?.trim().toLowerCase()
  if (!ip) return 'client:unknown'
  return ip.includes(':') ? `client:${ipv6Client(ip)}` : `client:${ip}`
}

/** `2001:db8:1:2::9` → `2001:db8:1:2::/64`, `::ffff:203.0.113.7` → `203.0.113.7`; not an address: as it came. */
function ipv6Client(ip: string): string {
  let binary: bigint
  try {
    binary = convertIPv6ToBinary(expandIPv6(ip))
  } catch {
    return ip
  }
  if (isIPv4MappedIPv6(binary))
    return convertIPv4BinaryToString(convertIPv4MappedIPv6ToIPv4(binary))
  const prefix = [3, 2, 1, 0].map((i) => ((binary >> BigInt(64 + 16 * i)) & 0xffffn).toString(16))
  return `${prefix.join(':')}::/64`
}

/**
 * Counts one request against `rule` under `key` (hashed first, so no email or token is handed to the
 * limiter). Throws `rate_limited` when over; the caller sets `Retry-After` (the middleware does).
 * A limiter that fails lets the request through: limits guard capacity, not who gets in.
 */
export async function consumeRateLimit(env: Env, rule: RateLimitRule, key: string): Promise<void> {
  let success: boolean
  try {
    ;({ success } = await env[rule.binding].limit({ key: await sha256Hex(key) }))
  } catch (error) {
    log('error', 'rate_limit_unavailable', { binding: rule.binding, cause: describeCause(error) })
    return
  }
  if (!success) throw new AppError('rate_limited', { cause: { binding: rule.binding } })
}

/** Whether one more request under `key` is within `rule` (counting it): for limits that answer nothing different. */
export async function withinRateLimit(
  env: Env,
  rule: RateLimitRule,
  key: string,
): Promise<boolean> {
  return consumeRateLimit(env, rule, key).then(
    () => true,
    () => false,
  )
}

/** Counts this request against `rule` under `key`; over the limit, sets `Retry-After` (the period) and throws. */
export async function countRequest(c: Context<AppEnv>, rule: RateLimitRule, key: string) {
  try {
    await consumeRateLimit(c.env, rule, key)
  } catch (error) {
    c.header('retry-after', String(rule.periodSeconds))
    throw error
  }
}

/**
 * A middleware that counts each request against `rule` under `key(c)`; `undefined` counts nothing.
 * Over the limit: `429 rate_limited` through the app's error handler, with `Retry-After` (the period).
 * @see https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/
 */
export function rateLimit(
  rule: RateLimitRule,
  key: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const k = await key(c)
    if (k !== undefined) await countRequest(c, rule, k)
    await next()
  }
}
