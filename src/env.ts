// Bindings, context variables and the configuration, parsed once per isolate from the Worker's env.
import * as z from 'zod/mini'
import { defaultResolverUrl } from './domains/dns'
import type { FormFailure, Subject } from './errors'
import type { Audit } from './events'
import { outboxEnabled } from './mail/outbox'
import type { SessionEnd } from './provisioning'
import type { Runtime } from './runtime'
import type { Session } from './session/session'
import type { Outbox } from './webhooks/outbox'

export type AppEnv = { Bindings: Env }

/** Secrets a deploy may leave unset, so the generated `Env` does not name them. */
interface OptionalSecrets {
  /** The host app's webhook signing secret, `whsec_…` (a dev-only default under wrangler dev). */
  WEBHOOK_SECRET?: string
}

declare module 'hono' {
  interface ContextVariableMap {
    config: Config
    runtime: Runtime
    /** The attempt the request serves, named where its route is declared; never changed. */
    audit: Audit
    /**
     * Whom the request concerns, once the middleware that authenticates it knows (support's token, a SCIM
     * token's team, a setup scope); set once, never changed. A refusal names it on its event row.
     */
    subject: Subject
    /** Set by the routes that require a signed-in user. */
    session: Session
    /** The request's webhook events: rows for its batches, messages for the queue after the response. */
    outbox: Outbox
    /** The setup flow's team and where its pages live (a setup link, or the owner's /settings/sso). */
    setup: SetupScope
    /** A form route's answer to its own refusal: the form again, with what was typed and the error. */
    refusedForm: (failure: FormFailure) => Promise<Response>
    /** Why this request's recheck ended the browser's session, for the sign-in page's sentence. */
    sessionEnded: SessionEnd
  }
}

export interface SetupScope {
  teamId: string
  /** The flow's page: `/setup/<token>` or `/settings/sso`; its forms post below it. */
  base: string
  /** Through a setup link, which activation retires (its page is gone once SSO is on). */
  viaLink: boolean
}

export interface SessionKey {
  kid: string
  secret: Uint8Array
}

/** An ES256 signing key of the identity token: its key id and its PKCS #8 private key. */
export interface TokenSigningKey {
  kid: string
  pkcs8: Uint8Array
}

export interface Config {
  publicOrigin: string
  appUrl: string
  sessionRecheckSeconds: number
  /** Events older than this many days are deleted by the scheduled retention run. */
  eventRetentionDays: number
  /** `DEV_ALLOW_HTTP_ISSUERS=1`, honoured only while PUBLIC_URL and the request are on loopback. */
  allowHttpIssuers: boolean
  adminToken: string
  sessionKeys: SessionKey[]
  dataKey: Uint8Array
  /** The sender of every mail, `MAIL_FROM`. */
  mailFrom: string
  /** `DEV_MAIL_OUTBOX=1`, honoured only on loopback: every mail is also kept for `GET /dev/outbox`. */
  devMailOutbox: boolean
  /** The DNS-over-HTTPS JSON resolver that checks a domain's TXT record, `DNS_RESOLVER_URL`. */
  dnsResolverUrl: string
  /** `TOKEN_SIGNING_KEYS`: the first signs the identity token, all are published in the JWKS. */
  tokenSigningKeys: TokenSigningKey[]
  /** The identity token's `aud`: `TOKEN_AUDIENCE`, by default the origin of `APP_URL`. */
  tokenAudience: string
  /** The identity token's life, `TOKEN_TTL_SECONDS` (10–300, default 60). */
  tokenTtlSeconds: number
  /** `APP_ORIGIN`: the host app the gateway forwards to over the network (else the `APP` binding, if any). */
  appOrigin: string | undefined
  /** `PROTECTED_PATHS`: path prefixes a signed-out request is sent to sign in for (default `/app`). */
  protectedPaths: string[]
  /** `WEBHOOK_URL` and `WEBHOOK_SECRET`: where the host app hears what changed (docs/webhooks.md), if anywhere. */
  webhook: { url: string; secret: string } | undefined
  /** PUBLIC_URL and the request on loopback (wrangler dev): a receiver may then be http on loopback. */
  loopback: boolean
}

/**
 * Dev-only secrets: filled in when PUBLIC_URL and the request are both on loopback (wrangler dev) and no
 * secret is set. Anywhere else they are refused, so a deploy that forgot its secrets serves nothing.
 */
const devSecrets = {
  ADMIN_TOKEN: 'dev-only-admin-token-0123456789abcdef',
  SESSION_KEYS: 'dev:ZGV2LW9ubHktc2Vzc2lvbi1rZXktMDEyMzQ1Njc4OWFi',
  DATA_KEY: 'ZGV2LW9ubHktZGF0YS1rZXktMDEyMzQ1Njc4OWFiY2Q=',
  TOKEN_SIGNING_KEYS:
    'dev:MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgh9ao8KC/JK3ndLGSxdGYBhfd6NpDwGSc2dbtyC7fs2ShRANCAATqukHIOv2DCDfb/X1kv3ITpyUHYBYXwY/aHsbnSrtgTLZ0Vd04Yw3CKr7Ob5myKNdEGmge0KnauMFghEKfXE7C',
  WEBHOOK_SECRET: 'whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc=',
} as const

const base64Bytes = (bytes: { min: number; max?: number }) =>
  z
    .pipe(
      z.base64(),
      z.transform((s) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0))),
    )
    .check(
      z.refine(
        (b) => b.length >= bytes.min && b.length <= (bytes.max ?? Infinity),
        `${bytes.min} bytes or more`,
      ),
    )

const sessionKey = z.pipe(
  z.tuple([z.string().check(z.regex(/^[\w-]{1,16}$/)), base64Bytes({ min: 32 })]),
  z.transform(([kid, secret]): SessionKey => ({ kid, secret })),
)

/** "kid:base64[,kid:base64...]", the first key signs, all verify. */
const sessionKeysSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s) => s.split(',').map((entry) => entry.trim().split(':'))),
  ),
  z.array(sessionKey).check(z.minLength(1)),
)

const tokenSigningKey = z.pipe(
  z.tuple([z.string().check(z.regex(/^[\w-]{1,32}$/)), base64Bytes({ min: 64, max: 512 })]),
  z.transform(([kid, pkcs8]): TokenSigningKey => ({ kid, pkcs8 })),
)

/** "kid:base64(PKCS #8 DER of a P-256 key)[,kid:base64...]": the first key signs, all are published. */
const tokenSigningKeysSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s) => s.split(',').map((entry) => entry.trim().split(':'))),
  ),
  z.array(tokenSigningKey).check(
    z.minLength(1),
    z.refine((keys) => new Set(keys.map((k) => k.kid)).size === keys.length, 'unique key ids'),
  ),
)

/** Comma-separated path prefixes, each "/segment[/...]" without a trailing slash. */
const pathPrefixes = z.pipe(
  z.string(),
  z.transform((s) =>
    s
      .split(',')
      .map((p) => p.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  ),
)

const configSchema = z.object({
  PUBLIC_URL: z.pipe(
    z.url(),
    z.transform((u) => new URL(u).origin),
  ),
  APP_URL: z.optional(z.string()),
  SESSION_RECHECK_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(86_400)),
    60,
  ),
  EVENT_RETENTION_DAYS: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(3650)),
    90,
  ),
  DEV_ALLOW_HTTP_ISSUERS: z.optional(z.string()),
  ADMIN_TOKEN: z.string().check(z.minLength(32)),
  SESSION_KEYS: sessionKeysSchema,
  DATA_KEY: base64Bytes({ min: 32, max: 32 }),
  MAIL_FROM: z._default(
    z.string().check(z.minLength(3), z.maxLength(320)),
    'edge-sso <no-reply@localhost>',
  ),
  DNS_RESOLVER_URL: z._default(z.url({ protocol: /^https?$/ }), defaultResolverUrl),
  TOKEN_SIGNING_KEYS: tokenSigningKeysSchema,
  TOKEN_AUDIENCE: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  TOKEN_TTL_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(10), z.maximum(300)),
    60,
  ),
  APP_ORIGIN: z.optional(
    z.pipe(
      z.url({ protocol: /^https?$/ }),
      z.transform((u) => new URL(u).origin),
    ),
  ),
  PROTECTED_PATHS: z._default(pathPrefixes, ['/app']),
  WEBHOOK_URL: z.optional(z.url({ protocol: /^https?$/ })),
  WEBHOOK_SECRET: z.optional(z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/))),
})

const isLoopback = (url: string) =>
  URL.canParse(url) && ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname)

/** A receiver's URL (webhooks, an audit stream): https, or http on loopback while running on loopback. */
export const receiverUrlAllowed = (url: string, loopback: boolean) =>
  URL.canParse(url) &&
  (new URL(url).protocol === 'https:' ||
    (loopback && new URL(url).protocol === 'http:' && isLoopback(url)))

/** Parsed once per env object (an isolate's), for each way a request can see it (on loopback, outbox on). */
const configs = new WeakMap<Env, Map<string, Config>>()

/** An operator's mistake in the deploy: names the setting at fault (never its value). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`)
  }
}

/** Reads and checks the configuration; throws when it is unusable (an operator's mistake, not a user's). */
export function readConfig(env: Env, requestUrl: string): Config {
  const loopback = isLoopback(env.PUBLIC_URL) && isLoopback(requestUrl)
  const devMailOutbox = outboxEnabled({
    devMailOutbox: env.DEV_MAIL_OUTBOX,
    publicUrl: env.PUBLIC_URL,
    requestUrl,
  })
  const seen = configs.get(env) ?? new Map<string, Config>()
  configs.set(env, seen)
  const view = `${loopback}:${devMailOutbox}`
  const cached = seen.get(view)
  if (cached) return cached
  const raw = {
    PUBLIC_URL: env.PUBLIC_URL,
    APP_URL: env.APP_URL || undefined,
    SESSION_RECHECK_SECONDS: env.SESSION_RECHECK_SECONDS || undefined,
    EVENT_RETENTION_DAYS: env.EVENT_RETENTION_DAYS || undefined,
    DEV_ALLOW_HTTP_ISSUERS: env.DEV_ALLOW_HTTP_ISSUERS,
    ADMIN_TOKEN: env.ADMIN_TOKEN,
    SESSION_KEYS: env.SESSION_KEYS,
    DATA_KEY: env.DATA_KEY,
    MAIL_FROM: env.MAIL_FROM || undefined,
    DNS_RESOLVER_URL: env.DNS_RESOLVER_URL || undefined,
    TOKEN_SIGNING_KEYS: env.TOKEN_SIGNING_KEYS,
    TOKEN_AUDIENCE: env.TOKEN_AUDIENCE || undefined,
    TOKEN_TTL_SECONDS: env.TOKEN_TTL_SECONDS || undefined,
    APP_ORIGIN: env.APP_ORIGIN || undefined,
    PROTECTED_PATHS: env.PROTECTED_PATHS || undefined,
    WEBHOOK_URL: env.WEBHOOK_URL || undefined,
    WEBHOOK_SECRET: (env as Env & OptionalSecrets).WEBHOOK_SECRET || undefined,
  }
  for (const name of Object.keys(devSecrets) as (keyof typeof devSecrets)[]) {
    if (!raw[name] && loopback) raw[name] = devSecrets[name]
    if (raw[name] === devSecrets[name] && !loopback)
      throw new ConfigError(name, 'a dev-only value; set a real secret')
  }
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].join(', ')
    throw new ConfigError(fields, 'missing or malformed; invalid configuration')
  }
  const c = parsed.data
  if (c.APP_ORIGIN === c.PUBLIC_URL)
    throw new ConfigError('APP_ORIGIN', 'is PUBLIC_URL itself; the gateway would forward to itself')
  if (c.WEBHOOK_URL && !receiverUrlAllowed(c.WEBHOOK_URL, loopback))
    throw new ConfigError('WEBHOOK_URL', 'must be https (http only on loopback under wrangler dev)')
  if (c.WEBHOOK_URL && !c.WEBHOOK_SECRET)
    throw new ConfigError('WEBHOOK_SECRET', 'required with WEBHOOK_URL')
  const appUrl = new URL(c.APP_URL ?? '/app', c.PUBLIC_URL).href
  const config: Config = {
    publicOrigin: c.PUBLIC_URL,
    appUrl,
    sessionRecheckSeconds: c.SESSION_RECHECK_SECONDS,
    eventRetentionDays: c.EVENT_RETENTION_DAYS,
    // Like the dev secrets: honoured only on loopback (wrangler dev); a deployed Worker ignores it.
    allowHttpIssuers: c.DEV_ALLOW_HTTP_ISSUERS === '1' && loopback,
    adminToken: c.ADMIN_TOKEN,
    sessionKeys: c.SESSION_KEYS,
    dataKey: c.DATA_KEY,
    mailFrom: c.MAIL_FROM,
    devMailOutbox,
    dnsResolverUrl: c.DNS_RESOLVER_URL,
    tokenSigningKeys: c.TOKEN_SIGNING_KEYS,
    tokenAudience: c.TOKEN_AUDIENCE ?? new URL(appUrl).origin,
    tokenTtlSeconds: c.TOKEN_TTL_SECONDS,
    appOrigin: c.APP_ORIGIN,
    protectedPaths: c.PROTECTED_PATHS,
    webhook:
      c.WEBHOOK_URL && c.WEBHOOK_SECRET
        ? { url: c.WEBHOOK_URL, secret: c.WEBHOOK_SECRET }
        : undefined,
    loopback,
  }
  seen.set(view, config)
  return config
}
