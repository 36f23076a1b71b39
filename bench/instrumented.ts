// The bench's worker entry: the real app over counting D1/KV/fetch in the scenario's geography, plus reference routes and the counters.
import { Hono } from 'hono'
import { createApp } from '../src/app'
import { database } from '../src/db/client'
import { readConfig } from '../src/env'
import { freshRead } from '../src/fresh-reads'
import { createRuntime } from '../src/runtime'
import { currentSession, presentedSession, writeSession } from '../src/http/session-cookie'
import { countingD1, countingFetch, countingKv, newCounters } from '../instrumentation/counting'
import { withGeography } from './geography'

/** `BENCH_IDP_DELAYED_URL`: the IdP's delayed no-op endpoint, for the "floor + one IdP round trip" reference. */
type BenchEnv = Env & { BENCH_IDP_DELAYED_URL: string }

const counters = newCounters()
const runtime = createRuntime({ fetch: countingFetch(counters) })
const app = createApp(runtime)

const meShaped = {
  user: { id: 'bench', email: 'bench@example.com', name: null },
  team: null,
  authMethod: 'sso',
}

/**
 * What `/api/me` is made of, one layer at a time: a bare Hono route answering JSON of its shape; the same with
 * edge-sso's per-request config read; the same with the session check as well (a signed cookie, no D1 read).
 */
const layers = new Hono<{ Bindings: BenchEnv }>()
  .get('/__bench/hono', (c) => c.json(meShaped))
  .get('/__bench/config', (c) => {
    readConfig(c.env, c.req.url)
    return c.json(meShaped)
  })
  .get('/__bench/session', async (c) => {
    const session = await currentSession(
      c,
      readConfig(c.env, c.req.url),
      {
        fresh: (maxAgeMs, work) => freshRead(c.env.DB, runtime, maxAgeMs, work),
        primary: database(c.env.DB),
      },
      Date.now(),
    )
    return session
      ? c.json({
          ...meShaped,
          user: { id: session.userId, email: session.email, name: session.name },
        })
      : c.json({}, 401)
  })
  // The bench's session cookie, re-signed as last checked one interval ago: its next /api/me rechecks.
  .post('/__bench/age-session', async (c) => {
    const config = readConfig(c.env, c.req.url)
    const session = await presentedSession(c, config, Date.now())
    if (!session) return c.json({}, 401)
    const checkedAt = Math.floor(Date.now() / 1000) - config.sessionRecheckSeconds - 1
    await writeSession(c, config, { ...session, checkedAt })
    return new Response(null, { status: 204, headers: c.res.headers })
  })

/** The physical limit of a callback: the floor plus one fetch to the IdP, nothing else. */
async function idpRoundTrip(env: BenchEnv) {
  const response = await fetch(env.BENCH_IDP_DELAYED_URL)
  await response.arrayBuffer()
  return new Response('ok')
}

/** The env with D1 and KV counted: one object per env, as workerd passes one env per isolate. */
const countedEnvs = new WeakMap<BenchEnv, BenchEnv>()
function countedEnv(env: BenchEnv): BenchEnv {
  let counted = countedEnvs.get(env)
  if (!counted) {
    counted = { ...env, DB: countingD1(env.DB, counters), CACHE: countingKv(env.CACHE, counters) }
    countedEnvs.set(env, counted)
  }
  return counted
}

/** The app, with the round trips this request sent after its response counted apart (write-behind). */
async function countedApp(request: Request, env: BenchEnv, ctx: ExecutionContext) {
  const later: Promise<unknown>[] = []
  const tracked = {
    waitUntil: (work: Promise<unknown>) => void later.push(work),
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
  } as unknown as ExecutionContext
  const response = await app.fetch(request, countedEnv(env), tracked)
  const answered = counters.d1
  ctx.waitUntil(
    Promise.allSettled(later).then(() => {
      counters.d1AfterResponse += counters.d1 - answered
    }),
  )
  return response
}

export default withGeography<BenchEnv>({
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url)
    if (pathname === '/__bench/floor') return new Response('ok')
    if (pathname === '/__bench/idp-round-trip') return idpRoundTrip(env)
    if (pathname === '/__bench/counters') return Response.json(counters)
    if (pathname === '/__bench/reset' && request.method === 'POST') {
      Object.assign(counters, newCounters())
      return new Response(null, { status: 204 })
    }
    if (pathname.startsWith('/__bench/')) return layers.fetch(request, env, ctx)
    return countedApp(request, env, ctx)
  },
})
