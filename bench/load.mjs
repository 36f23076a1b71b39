// Bounded load: requests per second and CPU per request for edge-sso's and the peer's floor and protected routes.
import autocannon from 'autocannon'
import { summarize } from './browser.mjs'
import { groupCpuMs } from '../scripts/processes.mjs'

/** Throughput of one URL for a bounded time; any non-2xx answer or error fails the bench. */
async function throughput(url, { seconds, connections, cookie, headers = {} }) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: cookie ? { ...headers, cookie } : headers,
  })
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts under load`,
    )
  }
  return { requests: result.requests.total, perSecond: result.requests.total / result.duration }
}

/**
 * Bounded load: rounds of edge-sso's floor, /api/me's layers and /api/me, and the peer's floor and protected route, the order
 * reversed every other round so drift on a shared machine falls on both sides. Per run: requests per second,
 * and the CPU time its wrangler dev used per request. edge-sso's counters and the IdP's log give D1 round
 * trips and upstream fetches per protected request.
 */
export async function measureThroughput(
  settings,
  { ours, peer: peerTarget, idp, sessions, devs, host },
  log,
) {
  const load = { seconds: settings.seconds, connections: settings.connections }
  const runs = [
    { key: 'oursFloor', url: ours.floorUrl, dev: devs.ours },
    ...Object.entries(ours.layerUrls).map(([key, url]) => ({
      key,
      url,
      cookie: sessions.ours,
      dev: devs.ours,
    })),
    {
      key: 'oursMe',
      url: ours.protectedUrl,
      cookie: sessions.ours,
      counters: ours,
      dev: devs.ours,
    },
    // The gateway between rechecks, and the same page of the host app asked directly with the same assertion.
    { key: 'oursGateway', url: host.url, cookie: host.cookie, dev: devs.ours },
    {
      key: 'hostDirect',
      url: host.directUrl,
      headers: { 'edge-sso-assertion': host.assertion },
      dev: devs.host,
    },
    { key: 'peerFloor', url: peerTarget.floorUrl, dev: devs.peer },
    { key: 'peerProtected', url: peerTarget.protectedUrl, cookie: sessions.peer, dev: devs.peer },
  ]
  log(
    `throughput: ${settings.rounds} rounds of ${runs.length} runs of ${settings.seconds} s, ${settings.connections} connections`,
  )
  for (const run of runs)
    await throughput(run.url, {
      seconds: 1,
      connections: settings.connections,
      cookie: run.cookie,
      headers: run.headers,
    })
  const perSecond = Object.fromEntries(runs.map((r) => [r.key, []]))
  const cpuMs = Object.fromEntries(runs.map((r) => [r.key, []]))
  const totals = {
    requests: { oursMe: 0, peerProtected: 0 },
    oursMe: {},
    idp: { oursMe: {}, peerProtected: {} },
  }
  const add = (into, counts) =>
    Object.entries(counts).forEach(([k, v]) => (into[k] = (into[k] ?? 0) + v))
  for (let round = 0; round < settings.rounds; round++) {
    for (const run of round % 2 ? [...runs].reverse() : runs) {
      await Promise.all([idp.reset(), run.counters?.resetCounters()])
      const cpuBefore = await groupCpuMs(run.dev)
      const result = await throughput(run.url, {
        ...load,
        cookie: run.cookie,
        headers: run.headers,
      })
      const cpuAfter = await groupCpuMs(run.dev)
      perSecond[run.key].push(result.perSecond)
      cpuMs[run.key].push(
        cpuAfter > cpuBefore ? (cpuAfter - cpuBefore) / result.requests : undefined,
      )
      if (run.key in totals.requests) totals.requests[run.key] += result.requests
      if (run.key in totals.idp) add(totals.idp[run.key], await idp.read())
      if (run.counters) add(totals.oursMe, await run.counters.readCounters())
    }
  }
  const perRequest = (counts, n) =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / n]))
  /** Per-round ratios top / bottom, skipping rounds where either sample is missing (no /proc, or a process restarted). */
  const ratios = (of, top, bottom) => {
    const paired = of[top].map((v, i) => v / of[bottom][i]).filter(Number.isFinite)
    return paired.length ? summarize(paired) : undefined
  }
  const summaries = (of) =>
    Object.fromEntries(
      Object.entries(of)
        .map(([k, v]) => [k, v.filter(Number.isFinite)])
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k, { ...summarize(v), samples: v }]),
    )
  return {
    perSecond: summaries(perSecond),
    cpuMsPerRequest: summaries(cpuMs),
    ratioToFloor: {
      oursMe: ratios(perSecond, 'oursMe', 'oursFloor'),
      peerProtected: ratios(perSecond, 'peerProtected', 'peerFloor'),
    },
    /** floor CPU per request ÷ route CPU per request: the throughput ratio the routes' own cost allows. */
    cpuRatioToFloor: {
      oursMe: ratios(cpuMs, 'oursFloor', 'oursMe'),
      oursGateway: ratios(cpuMs, 'oursFloor', 'oursGateway'),
      peerProtected: ratios(cpuMs, 'peerFloor', 'peerProtected'),
    },
    perRequest: {
      oursMe: {
        worker: perRequest(totals.oursMe, totals.requests.oursMe),
        idp: perRequest(totals.idp.oursMe, totals.requests.oursMe),
      },
      peerProtected: { idp: perRequest(totals.idp.peerProtected, totals.requests.peerProtected) },
    },
  }
}
