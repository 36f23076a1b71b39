// The bench's worker entry: the real app over counting D1/KV/fetch, plus reference routes and the counters.
import { Hono } from 'hono'
import { createApp } from '../src/app'
import { createRuntime } from '../src/runtime'
import { countingD1, countingFetch, countingKv, newCounters } from './counting'

/** `BENCH_IDP_DELAYED_URL`: the IdP's delayed no-op endpoint, for the "floor + one IdP round trip" reference. */
type BenchEnv = Env & { BENCH_IDP_DELAYED_URL: string }

const counters = newCounters()
const app = createApp(createRuntime({ fetch: countingFetch(counters) }))

/** A bare Hono route answering JSON shaped like /api/me's: what routing and a JSON answer cost without the app. */
const bareHono = new Hono().get('/__bench/hono', (c) =>
  c.json({ user: { id: 'bench', email: 'bench@example.com', name: null }, team: null, authMethod: 'sso' }),
)

/** The physical limit of a callback: the floor plus one fetch to the IdP, nothing else. */
async function idpRoundTrip(env: BenchEnv) {
  const response = await fetch(env.BENCH_IDP_DELAYED_URL)
  await response.arrayBuffer()
  return new Response('ok')
}

export default {
  fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    const { pathname } = new URL(request.url)
    if (pathname === '/__bench/floor') return new Response('ok')
    if (pathname === '/__bench/hono') return bareHono.fetch(request)
    if (pathname === '/__bench/idp-round-trip') return idpRoundTrip(env)
    if (pathname === '/__bench/counters') return Response.json(counters)
    if (pathname === '/__bench/reset' && request.method === 'POST') {
      Object.assign(counters, newCounters())
      return new Response(null, { status: 204 })
    }
    return app.fetch(request, { ...env, DB: countingD1(env.DB, counters), CACHE: countingKv(env.CACHE, counters) }, ctx)
  },
} satisfies ExportedHandler<BenchEnv>
