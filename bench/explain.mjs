// Why a goal was missed, from the run's own numbers: the waits measured inside the worker, the floor, the bundle's inputs.
import { cpuMs, kib, ms, num, times } from './format.mjs'

function endpoints(byEndpoint) {
  return Object.entries(byEndpoint)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${num(n)}`)
    .join(', ')
}

/**
 * /api/me's cost per request, layer by layer (bench/instrumented.ts): CPU time of the worker's wrangler dev per
 * request when /proc was readable, else 1 / throughput. Each layer adds one thing to the one before.
 */
export function meLayers(r) {
  const C = r.load.cpuMsPerRequest
  const byCpu = ['oursFloor', 'oursBareHono', 'oursConfig', 'oursSession', 'oursMe'].every(
    (k) => C[k],
  )
  const cost = (key) => (byCpu ? C[key].median : 1000 / r.load.perSecond[key].median)
  const names = [
    ['oursFloor', 'floor: the raw fetch handler'],
    ['oursBareHono', '+ a Hono route answering JSON shaped like /api/me'],
    ['oursConfig', "+ `readConfig` (src/env.ts), as the app's middleware runs it"],
    [
      'oursSession',
      '+ `currentSession` (src/session/session.ts): the signed cookie checked, no D1 read',
    ],
    ['oursMe', '`/api/me` through the whole app (`createApp`: its middleware and sub-routers)'],
  ]
  const layers = names.map(([key, name], i) => ({
    key,
    name,
    cost: cost(key),
    added: i ? cost(key) - cost(names[i - 1][0]) : 0,
  }))
  return { byCpu, layers }
}

/** One paragraph per missed goal, each naming the amount and the cause as far as the numbers show it. */
export function explainMisses(r, goals) {
  const { warm } = r.counts
  const L = r.latency
  const floor = L.ours.floor.median
  const reference = L.ours.idpRoundTrip.median
  const init = warm.ours.initiate.worker
  const cb = warm.ours.callback.worker
  const P = r.load.perSecond
  const value = (id) => goals.find((g) => g.id === id).value
  const why = {
    initiateFetches: () =>
      `edge-sso's initiate reached the IdP (${endpoints(warm.ours.initiate.byEndpoint)} per run). Discovery should come from the in-isolate copy after the first login (src/oidc/document-cache.ts, \`cachedDocument\`).`,
    loginFetches: () =>
      `A warm login reached the IdP ${num(warm.ours.initiate.idpFetches + warm.ours.callback.idpFetches + warm.ours.protected.idpFetches)} times (callback: ${endpoints(warm.ours.callback.byEndpoint)}). Only the token request (src/oidc/flow.ts, \`exchangeCode\`) should: JWKS and discovery come from the cache, and userinfo is needed only when the ID token lacks an email (the bench IdP always sends one).`,
    initiateLatency: () =>
      `Initiate sat ${ms(value('initiateLatency'))} above the floor (median of per-login differences), ${ms(value('initiateLatency') - 5)} over the 5 ms allowed. Inside the worker it waited ${ms(init.d1Ms)} on D1 (${num(init.d1)} round trip: \`connectionsByIssuer\`, src/db/connections.ts) and ${ms(init.upstreamMs)} on the IdP; the rest is worker code (input parse, PKCE S256, HMAC-signing the transaction cookie) and wrangler dev's per-request cost beyond the trivial route.`,
    callbackLatency: () => {
      const excess = value('callbackLatency')
      return [
        `The callback sat ${ms(excess)} above the reference route (the floor plus one fetch to the IdP, ${ms(reference)}; median of per-login differences), ${ms(excess - 10)} over the 10 ms allowed.`,
        `D1 accounts for ${ms(cb.d1Ms)} of it over ${num(cb.d1)} round trips (the batched read of the login facts, src/db/login.ts \`loadSsoLoginFacts\`; the batched write, src/sign-in.ts \`commitSignIn\`).`,
        `The token request itself waited ${ms(cb.upstreamMs)} inside the worker, of which the IdP's own time was ${ms(warm.ours.callback.idpMs)} (${num(warm.ours.callback.idpConnections)} new TCP connections per callback).`,
        `The remaining ${ms(excess - cb.d1Ms)} is edge-sso's code on the way (zod and oauth4webapi checks of the response, the ID token's RS256 signature check, AES-GCM unsealing of the client secret, HMAC-signing the session cookie) plus the POST and larger answer of a token request over the reference's GET.`,
      ].join(' ')
    },
    initiateRatio: () =>
      `Peer / edge-sso is ${times(value('initiateRatio'))} (median of per-login ratios). The peer pays one discovery fetch on every initiate and edge-sso none, so the best reachable ratio here is peer / floor = ${times(L.peer.initiate.median / floor)}; edge-sso's initiate sits ${ms(value('initiateLatency'))} above the floor.`,
    callbackRatio: () => {
      const best = L.peer.callback.median / reference
      return `Peer / edge-sso is ${times(value('callbackRatio'))} (median of per-login ratios). The peer's callback pays two IdP round trips (discovery, token), edge-sso's one (token), so the best reachable ratio here is peer / reference = ${times(best)}${best < 1.6 ? ': the goal is out of reach at this IdP delay on this machine whatever edge-sso does' : ''}; edge-sso spends ${ms(value('callbackLatency'))} beyond the reference (D1 ${ms(cb.d1Ms)}, the rest in code; see callback latency).`
    },
    meD1: () =>
      `Under load \`/api/me\` made ${num(r.load.perRequest.oursMe.worker.d1)} D1 round trips per request. Between rechecks \`currentSession\` (src/session/session.ts) should read no row; a recheck happens once per \`SESSION_RECHECK_SECONDS\`.`,
    meThroughput: () => {
      const { byCpu, layers } = meLayers(r)
      const total = layers.at(-1).cost - layers[0].cost
      const [largest] = layers.slice(1).sort((a, b) => b.added - a.added)
      const C = r.load.cpuMsPerRequest
      const peerGap = byCpu
        ? C.peerProtected.median - C.peerFloor.median
        : 1000 / P.peerProtected.median - 1000 / P.peerFloor.median
      return [
        `\`/api/me\` cost ${cpuMs(total)} more per request than the floor (${byCpu ? "CPU time of its wrangler dev's processes" : '1 / throughput'}), with no D1, KV or upstream fetch (see above).`,
        `Layer by layer (table below), the largest share is "${largest.name}": ${cpuMs(largest.added)}.`,
        "The session check is an HMAC-SHA256 verify for which Hono's `getSignedCookie` imports the key (`crypto.subtle.importKey`) on every call (src/session/signed-cookie.ts), then a base64/JSON/zod parse.",
        `For scale, the peer's protected route (Hono + oidc-auth's HS256 JWT check) costs ${cpuMs(peerGap)} over its own floor.`,
      ].join(' ')
    },
    bundle: () => {
      const { gzipBytes, rawBytes, minifiedGzipBytes, largest } = r.bundles.ours
      const parts = largest
        .map(([p, b]) => `${p} ${kib(b)} (${((b / rawBytes) * 100).toFixed(0)}%)`)
        .join(', ')
      const minified =
        minifiedGzipBytes < 100 * 1024
          ? `Minified (\`minify = true\` in wrangler.toml, or \`--minify\`) it is ${kib(minifiedGzipBytes)}, under the goal.`
          : `Even minified it is ${kib(minifiedGzipBytes)}.`
      return `${kib(gzipBytes)} gzip, ${kib(gzipBytes - 100 * 1024)} over (raw ${kib(rawBytes)}). Largest inputs: ${parts}. ${minified} The peer (${kib(r.bundles.peer.gzipBytes)}) carries no database layer and no schema library.`
    },
  }
  return goals.filter((g) => !g.met).map((g) => `- **${g.measure}**: ${why[g.id]()}`)
}
