// The test rig: the real app over counting D1/KV/fetch wrappers, a cookie-keeping browser, form posts, refusals.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { expect } from 'vitest'
import { createApp } from '../src/app'
import { createRuntime, type Runtime } from '../src/runtime'
import { CookieJar } from '../instrumentation/cookie-jar'
import { type Counters, countingD1, countingKv, newCounters } from '../instrumentation/counting'
import { routeFetch, TestIdp } from './idp/provider'
import type { SentMail } from './mailbox'
import { recordingD1 } from './statements'
import { query } from './rows'

export const publicOrigin = 'https://sso.example.com'
export const adminToken = 'test-admin-token-0123456789abcdef'
/** The DNS-over-HTTPS resolver the rig answers itself (DNS_RESOLVER_URL), from `rig.dns`. */
export const resolverUrl = 'https://dns.test/dns-query'

/** Client addresses: a random start per test file, so files running side by side do not share counters. */
let clients = Math.floor(Math.random() * 0xffffff)
const nextClientIp = () => {
  clients = (clients + 1) % 0xffffff
  return `10.${clients >> 16}.${(clients >> 8) & 255}.${clients & 255}`
}

/** A browser: its cookies for our origin (the jar the bench's client uses too) and its own address. */
export class Browser extends CookieJar {
  /** Sent as `CF-Connecting-IP`, as Cloudflare's edge does, so rate limits count each browser apart. */
  readonly ip = nextClientIp()
}

let sequence = 0
/** A fresh name for each test's data, so tests never see each other's rows. */
export const unique = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(sequence++).toString(36)}`

export interface Rig {
  app: ReturnType<typeof createApp>
  runtime: Runtime
  idp: TestIdp
  counters: Counters
  faults: { d1Batch: boolean; kvDown: boolean; mailDown: boolean; queueDown: boolean }
  /** Receivers the worker's upstream fetch reaches, by origin (webhooks, audit streams: test/webhooks.ts). */
  receivers: Map<string, (request: Request) => Promise<Response>>
  /** Every message sent to the EVENTS queue and not yet taken by test/webhooks.ts's `drain`, oldest first. */
  queued: unknown[]
  /** The env the worker gets; a test replaces it whole to model a deploy with other settings. */
  testEnv: Env
  /** Every mail sent, oldest first (through miniflare's real binding unless `faults.mailDown`). */
  mails: SentMail[]
  /** TXT records the rig's resolver answers: name → texts; `'servfail'` answers a resolver failure. */
  dns: Map<string, string[] | 'servfail'>
  resetCounters(): void
  /** A request as a browser with `browser`'s cookies sends it (Sec-Fetch-Site same-origin unless given). */
  fetch(browser: Browser, path: string, init?: RequestInit): Promise<Response>
  admin(method: string, path: string, body?: unknown): Promise<Response>
}

export async function createRig(
  options: {
    issuer?: string
    idps?: TestIdp[]
    now?: () => number
    /** Vars and secrets over the worker's own (WEBHOOK_URL, WEBHOOK_SECRET ...). */
    vars?: Record<string, string>
  } = {},
): Promise<Rig> {
  const idp = await TestIdp.create({
    issuer: options.issuer ?? `https://${unique('org')}.okta.test`,
  })
  const counters = newCounters()
  const dns = new Map<string, string[] | 'servfail'>()
  const receivers = new Map<string, (request: Request) => Promise<Response>>()
  /** Other IdPs the worker can reach (a second Okta org), besides the rig's own. */
  const route = routeFetch(idp, ...(options.idps ?? []))
  const runtime = createRuntime({
    fetch: (input, init) => {
      counters.upstream++
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.href.startsWith(resolverUrl)) return Promise.resolve(dohAnswer(dns, url))
      const receiver = receivers.get(url.origin)
      if (receiver) return receiver(new Request(input, init))
      return route(input, init)
    },
    now: options.now,
  })
  const app = createApp(runtime)
  const faults = { d1Batch: false, kvDown: false, mailDown: false, queueDown: false }
  const queued: unknown[] = []
  /** The EVENTS producer: keeps what is sent for the test to deliver (`drain`), or fails like a queue outage. */
  const events = {
    send: async (body: unknown) => {
      if (faults.queueDown) throw new Error('Queue send failed: service unavailable')
      queued.push(body)
    },
    sendBatch: async (messages: Iterable<{ body: unknown }>) => {
      if (faults.queueDown) throw new Error('Queue sendBatch failed: service unavailable')
      for (const m of messages) queued.push(m.body)
    },
  }
  const mails: SentMail[] = []
  const email = {
    send: async (message: EmailMessageBuilder) => {
      if (faults.mailDown) throw new Error('send_email: service unavailable')
      const result = await env.EMAIL.send(message)
      mails.push({ to: String(message.to), subject: message.subject, text: message.text ?? '' })
      return result
    },
  }
  const testEnv = {
    ...env,
    DB: countingD1(recordingD1(env.DB), counters, () => faults.d1Batch),
    CACHE: countingKv(env.CACHE, counters, () => faults.kvDown),
    EMAIL: email,
    DNS_RESOLVER_URL: resolverUrl,
    EVENTS: events,
    ...options.vars,
  } as unknown as Env
  const send = async (request: Request) => {
    const ctx = createExecutionContext()
    const response = await app.fetch(request, rig.testEnv, ctx)
    const answered = counters.d1
    await waitOnExecutionContext(ctx)
    counters.d1AfterResponse += counters.d1 - answered
    return response
  }
  const rig: Rig = {
    app,
    runtime,
    idp,
    counters,
    faults,
    testEnv,
    mails,
    dns,
    receivers,
    queued,
    resetCounters() {
      Object.assign(counters, newCounters())
    },
    async fetch(browser, path, init = {}) {
      const headers = new Headers(init.headers)
      if (browser.cookies.size) headers.set('cookie', browser.header())
      if (!headers.has('sec-fetch-site')) headers.set('sec-fetch-site', 'same-origin')
      if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', browser.ip)
      const response = await send(
        new Request(new URL(path, publicOrigin), { ...init, headers, redirect: 'manual' }),
      )
      browser.remember(response)
      return response
    },
    admin(method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` }
      if (body !== undefined) headers['content-type'] = 'application/json'
      return send(
        new Request(new URL(path, publicOrigin), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      )
    },
  }
  return rig
}

export const me = async (rig: Rig, browser: Browser) => rig.fetch(browser, '/api/me')

/** A form post as a browser sends it from our own pages (Origin and Sec-Fetch-Site); `headers` override. */
export const formPost = (
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    origin: publicOrigin,
    'sec-fetch-site': 'same-origin',
    ...headers,
  },
  body: new URLSearchParams(fields),
})

/** A JSON post as our own pages' scripts send it; `headers` override. */
export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    origin: publicOrigin,
    'sec-fetch-site': 'same-origin',
    ...headers,
  },
  body: JSON.stringify(body),
})

/** The stable code and reference id a refusal shows: JSON `{"error":{…}}` or the HTML error page. */
export async function refusalOf(
  response: Response,
): Promise<{ code: string | undefined; referenceId: string | undefined; body: string }> {
  const body = await response.text()
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    const parsed = JSON.parse(body) as { error?: { code?: string; referenceId?: string } }
    return { code: parsed.error?.code, referenceId: parsed.error?.referenceId, body }
  }
  const field = (id: string) => new RegExp(`data-testid="${id}">([^<]*)<`).exec(body)?.[1]
  return { code: field('error-code'), referenceId: field('reference-id'), body }
}

/** A stack frame (`at fn (file:1:2)`, `at file:1:2`, `(file:1:2)`), an exception or a storage message. */
const internals =
  /\bat \S+ \(|\bat \S+:\d+:\d+|\(\S+:\d+:\d+\)|Error:|D1_|SQLITE|DrizzleQueryError|Failed query|TypeError|ZodError|\bstack\b/

/** Whether a body shows a stack, an exception or a storage message (reference ids are random, so they are left out). */
export const showsInternals = (body: string) =>
  internals.test(body.replace(/"referenceId":"[\w-]*"|data-testid="reference-id">[\w-]*</g, ''))

/** Routine answers (not signed in, no such page, wrong method) write no event row, by design. */
const routine = new Set(['unauthorized', 'not_found', 'method_not_allowed'])

/**
 * Asserts a refusal as a person or a client meets it: the status and stable code (HTML page or JSON), no
 * internals in the body, and the event row behind its reference id (none for routine answers).
 */
export async function expectRefusal(
  response: Response,
  expected: { status: number; code: string },
): Promise<{ code: string; referenceId: string | undefined; body: string }> {
  const { code, referenceId, body } = await refusalOf(response)
  expect({ status: response.status, code }).toEqual(expected)
  expect(showsInternals(body), body).toBe(false)
  const events = await query<{ error_code: string; outcome: string }>(
    'select * from events where reference_id = ?',
    referenceId,
  )
  if (routine.has(expected.code)) expect(events).toEqual([])
  else
    expect(events).toMatchObject([
      { error_code: expected.code, outcome: expected.status >= 500 ? 'error' : 'refused' },
    ])
  return { code: expected.code, referenceId, body }
}

/** The resolver's JSON answer (Cloudflare's DoH JSON shape) for `?name=&type=TXT`. */
function dohAnswer(dns: Map<string, string[] | 'servfail'>, url: URL): Response {
  const name = url.searchParams.get('name') ?? ''
  const records = dns.get(name)
  if (records === 'servfail') return Response.json({ Status: 2 })
  if (!records) return Response.json({ Status: 3 })
  const Answer = records.map((text) => ({ name, type: 16, TTL: 300, data: JSON.stringify(text) }))
  return Response.json(
    { Status: 0, Answer },
    { headers: { 'content-type': 'application/dns-json' } },
  )
}
