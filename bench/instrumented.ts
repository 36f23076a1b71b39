// The bench's worker entry: the real app over counting D1/KV/fetch, plus the floor route and the counters.
import { createApp } from '../src/app'
import { createRuntime } from '../src/runtime'
import { countingD1, countingFetch, countingKv, newCounters } from './counting'

const counters = newCounters()
const app = createApp(createRuntime({ fetch: countingFetch(counters) }))

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const { pathname } = new URL(request.url)
    if (pathname === '/__bench/floor') return new Response('ok')
    if (pathname === '/__bench/counters') return Response.json(counters)
    if (pathname === '/__bench/reset' && request.method === 'POST') {
      Object.assign(counters, newCounters())
      return new Response(null, { status: 204 })
    }
    return app.fetch(request, { ...env, DB: countingD1(env.DB, counters), CACHE: countingKv(env.CACHE, counters) }, ctx)
  },
} satisfies ExportedHandler<Env>
