// The measurements of a login: per-step counts (worker counters and the IdP's own log) and interleaved timed logins.
import { Browser, summarize } from './browser.mjs'

const serverToServer = (c) => c.discovery + c.jwks + c.token + c.userinfo

/** The IdP's request log: how many server-to-server requests a worker sent it. */
export function idpLog(idpOrigin) {
  const get = (path, init) =>
    fetch(`${idpOrigin}${path}`, init).then((r) => (r.status === 204 ? undefined : r.json()))
  return {
    reset: () => get('/__bench/reset', { method: 'POST' }),
    read: () => get('/__bench/counts'),
  }
}

/**
 * An observer that counts each step: upstream fetches as the IdP saw them (with the IdP's own time on them and
 * the new connections opened to it) and, for edge-sso, as the worker counted them, with D1 round trips and KV
 * reads and writes. Results accumulate per step name.
 */
export function countingObserver(target, idp) {
  const steps = new Map()
  const observe = async (step, fn) => {
    await Promise.all([idp.reset(), target.resetCounters?.()])
    const result = await fn()
    const [seen, counted] = await Promise.all([idp.read(), target.readCounters?.()])
    const entry = steps.get(step) ?? {
      runs: 0,
      idpFetches: 0,
      idpMs: 0,
      idpConnections: 0,
      byEndpoint: {},
      worker: counted && Object.fromEntries(Object.keys(counted).map((k) => [k, 0])),
    }
    entry.runs++
    entry.idpFetches += serverToServer(seen)
    entry.idpMs += seen.discoveryMs + seen.jwksMs + seen.tokenMs + seen.userinfoMs
    entry.idpConnections += seen.connections
    for (const kind of ['discovery', 'jwks', 'token', 'userinfo'])
      entry.byEndpoint[kind] = (entry.byEndpoint[kind] ?? 0) + seen[kind]
    if (counted) for (const key of Object.keys(entry.worker)) entry.worker[key] += counted[key]
    steps.set(step, entry)
    return result
  }
  /** Per-step averages (counts are per run). */
  const perRun = () =>
    Object.fromEntries(
      [...steps].map(([step, e]) => [
        step,
        {
          runs: e.runs,
          idpFetches: e.idpFetches / e.runs,
          idpMs: e.idpMs / e.runs,
          idpConnections: e.idpConnections / e.runs,
          byEndpoint: Object.fromEntries(
            Object.entries(e.byEndpoint).map(([k, v]) => [k, v / e.runs]),
          ),
          worker:
            e.worker &&
            Object.fromEntries(Object.entries(e.worker).map(([k, v]) => [k, v / e.runs])),
        },
      ]),
    )
  return { observe, perRun }
}

/** `count` sequential GETs, timed as the browser sees them. */
export async function timeRequests(url, count) {
  const browser = new Browser()
  const samples = []
  for (let i = 0; i < count; i++) samples.push((await browser.request(url)).ms)
  return samples
}

/**
 * Timed logins, interleaved (an edge-sso login and its reference routes, then a peer login and its floor) so
 * that all workers meet the same machine noise. Each login uses a fresh browser; `emails[t]` gives target t's
 * user for iteration i (the same returning user, or a new one each time for first logins). A target's
 * `extras` (name → timed step) run after its login each iteration. Every summary keeps its samples in
 * order, so that steps of one iteration can be paired.
 */
export async function timedLogins(targets, emails, count) {
  const extras = (t) => Object.entries(t.extras ?? {})
  const samples = targets.map((t) =>
    Object.fromEntries(
      [
        'initiate',
        'callback',
        'protected',
        ...Object.keys(t.references),
        ...extras(t).map(([name]) => name),
      ].map((k) => [k, []]),
    ),
  )
  const browsers = targets.map(() => new Browser())
  for (let i = 0; i < count; i++) {
    for (const [t, target] of targets.entries()) {
      const { ms } = await target.login(emails[t](i))
      for (const step of ['initiate', 'callback', 'protected']) samples[t][step].push(ms[step])
      for (const [name, url] of Object.entries(target.references))
        samples[t][name].push((await browsers[t].request(url)).ms)
      for (const [name, step] of extras(target)) samples[t][name].push(await step())
    }
  }
  return samples.map((s) =>
    Object.fromEntries(
      Object.entries(s).map(([step, values]) => [step, { ...summarize(values), samples: values }]),
    ),
  )
}
