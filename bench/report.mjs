// The bench's report: the goals in the far scenario with their verdicts, near and far side by side, per-step counts and costs, as markdown.
import { readFile } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { cpuMs, kib, ms, num, pct, rps } from './format.mjs'
import { evaluate, paired, verdict, whyMissed } from './goals.mjs'
import { root } from '../scripts/processes.mjs'

const loadAverages = (averages) => averages.map((l) => l.toFixed(1)).join(' / ')
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')
const median = (s) => (s ? ms(s.median) : '–')
const minus = (x, y) => x - y

/** One scenario's medians per step, the three workers side by side, each with its excess over its own floor. */
function scenarioRows(L) {
  const over = (side, step, reference = 'floor') =>
    side[step]
      ? `${ms(side[step].median)} (+${ms(paired(side[step], side[reference], minus).median)})`
      : '–'
  const rows = [
    ['floor route', median(L.ours.floor), median(L.previous.floor), median(L.peer.floor)],
    [
      'reference: floor + 1 IdP round trip',
      median(L.ours.idpRoundTrip),
      median(L.previous.idpRoundTrip),
      '–',
    ],
    [
      'initiate (Okta tile; peer: protected route → IdP)',
      over(L.ours, 'initiate'),
      over(L.previous, 'initiate'),
      over(L.peer, 'initiate'),
    ],
    [
      'callback, returning user (over the reference)',
      over(L.ours, 'callback', 'idpRoundTrip'),
      over(L.previous, 'callback', 'idpRoundTrip'),
      over(L.peer, 'callback'),
    ],
    [
      'callback, first login (over the reference)',
      over(L.first.ours, 'callback', 'idpRoundTrip'),
      over(L.first.previous, 'callback', 'idpRoundTrip'),
      '–',
    ],
    [
      '`/api/me` right after login (peer: protected route)',
      over(L.ours, 'protected'),
      over(L.previous, 'protected'),
      over(L.peer, 'protected'),
    ],
    ['`/api/me` recheck', over(L.ours, 'recheck'), '–', '–'],
    ['email start (`POST /sso/start`)', median(L.ours.emailStart), '–', '–'],
    ['password login', median(L.ours.password), '–', '–'],
  ]
  return rows
}

/** "2 (primary 1, replica 1) + 1 after": D1 round trips of one counted step, by where they went. */
function d1Cell(w) {
  if (!w) return '–'
  const during = w.d1 - (w.d1AfterResponse ?? 0)
  const after = w.d1AfterResponse ? ` + ${num(w.d1AfterResponse)} after the response` : ''
  return `${num(during)}${after} (primary ${num(w.d1Primary)}, replica ${num(w.d1Replica)})`
}

function countRows(r) {
  const { warm, cold } = r.counts
  const fetches = (c) => num(c.idpFetches)
  const steps = [
    ['initiate (Okta tile)', 'initiate'],
    ['callback, returning user', 'callback'],
    ['`/api/me`', 'protected'],
    ['callback, first login', 'first login callback'],
    ['`/api/me` recheck', 'recheck'],
    ['email start', 'email start'],
    ['password login', 'password login'],
  ]
  const rows = []
  for (const [name, key] of steps)
    for (const [side, label] of [
      ['ours', 'edge-sso'],
      ['previous', 'previous release'],
      ['peer', 'peer'],
    ]) {
      const c = warm[side][key]
      if (c)
        rows.push([
          name,
          label,
          fetches(c),
          d1Cell(c.worker),
          c.worker ? `${num(c.worker.kvReads)} / ${num(c.worker.kvWrites)}` : '–',
        ])
    }
  const coldLogin = (side) =>
    ['initiate', 'callback', 'protected'].reduce((n, s) => n + cold[side][s].idpFetches, 0)
  rows.push([
    'first login after start (cold caches), upstream fetches',
    'edge-sso / previous / peer',
    `${num(coldLogin('ours'))} / ${num(coldLogin('previous'))} / ${num(coldLogin('peer'))}`,
    '',
    '',
  ])
  return rows
}

/** Where edge-sso's time goes in the far scenario: the floor, waiting on the IdP, on D1, and the rest. */
function timeRows(r) {
  const far = r.latency.far
  const { warm } = r.counts
  const floor = far.ours.floor.median
  const steps = [
    ['initiate', far.ours.initiate, warm.ours.initiate],
    ['callback, returning user', far.ours.callback, warm.ours.callback],
    ['callback, first login', far.first.ours.callback, warm.ours['first login callback']],
    ['`/api/me` recheck', far.ours.recheck, warm.ours.recheck],
  ]
  const { primaryMs, replicaMs } = far.scenario
  return steps.map(([name, lat, counts]) => {
    const w = counts.worker
    const modelled = w.d1Primary * primaryMs + w.d1Replica * replicaMs
    return [
      name,
      ms(lat.median),
      ms(floor),
      `${num(counts.idpFetches)} × ${ms(far.scenario.idpRttMs)} (waited ${ms(w.upstreamMs)})`,
      d1Cell(w),
      `${ms(w.d1Ms)} (${ms(modelled)} of it the modelled distance)`,
    ]
  })
}

/** /api/me's cost per request, layer by layer (bench/instrumented.ts), by the CPU its wrangler dev spent. */
function layerRows(r) {
  const C = r.load.cpuMsPerRequest
  const P = r.load.perSecond
  const names = [
    ['oursFloor', 'floor: the raw fetch handler'],
    ['oursBareHono', '+ a Hono route answering JSON shaped like /api/me'],
    ['oursConfig', "+ `readConfig` (src/env.ts), as the app's middleware runs it"],
    [
      'oursSession',
      '+ `currentSession`: the signed cookie checked with the cached key, no D1 read',
    ],
    ['oursMe', '`/api/me` through the whole app'],
  ]
  return names.map(([key, name]) => [name, C[key] ? cpuMs(C[key].median) : '–', rps(P[key].median)])
}

async function machine() {
  const version = async (pkg) =>
    JSON.parse(await readFile(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version
  const cpu = cpus()
  return {
    cpu: `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}`,
    node: process.version,
    wrangler: await version('wrangler'),
    peer: await version('@hono/oidc-auth'),
    loadNow: loadavg(),
  }
}

const scenarioLine = (s) =>
  `"${s.name}": IdP ${s.idpRttMs} ms, D1 primary ${s.primaryMs} ms, nearest replica ${s.replicaMs} ms`

/** The block README.md quotes between these markers, written by the same run as docs/benchmark.md. */
export const summaryMarkers = [
  '<!-- bench summary: written by npm run bench -->',
  '<!-- /bench summary -->',
]

/** The far scenario's goals with their verdicts, and the step-by-step change from the previous release. */
export function summary(r) {
  const { far, near } = r.latency
  const goals = evaluate(r)
  return [
    summaryMarkers[0],
    table(
      ['goal (far scenario)', 'target', 'edge-sso', 'verdict'],
      goals.map((g) => [g.measure, g.goal, g.ours, g.met ? verdict(g) : `**${verdict(g)}**`]),
    ),
    '',
    'Round trips per step, counted (warm caches; the same counts `test/sso-login.test.ts` asserts):',
    '',
    table(
      [
        'step',
        'upstream fetches',
        'D1 round trips: before the response + after it',
        'KV reads / writes',
      ],
      countRows(r)
        .filter(([, side]) => side === 'edge-sso')
        .map(([step, , fetches, d1, kv]) => [step, fetches, d1, kv]),
    ),
    '',
    `Far from the primary the previous release (${r.previousRelease}) took ${ms(far.previous.initiate.median)} to initiate a tile`,
    `login and ${ms(far.previous.callback.median)} for a returning user's callback; edge-sso took ${ms(far.ours.initiate.median)} and`,
    `${ms(far.ours.callback.median)}, and ${ms(far.first.ours.callback.median)} for a first login, which still waits for the primary once.`,
    `Near, the returning user's callback went from ${ms(near.previous.callback.median)} to ${ms(near.ours.callback.median)}.`,
    summaryMarkers[1],
  ].join('\n')
}

/** docs/benchmark.md: goals, misses and why, near and far, counts, where the time goes, layers, bundle, how to reproduce. */
export async function report(r) {
  const goals = evaluate(r)
  const m = await machine()
  const s = r.settings
  const misses = goals
    .filter((g) => !g.met)
    .map(
      (g) =>
        `- **${g.measure}**: ${verdict(g)} (${g.ours}; goal ${g.goal}). Why: ${whyMissed(g, r)}`,
    )
  return [
    '# Benchmark: a login near and far from the D1 primary, beside the previous release and @hono/oidc-auth',
    '',
    `Generated by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}. Do not edit by hand: run it again.`,
    '',
    `Three workers run under \`wrangler dev\` (local workerd, wrangler ${m.wrangler}) on one machine against one local IdP on loopback`,
    '(bench/idp.mjs): edge-sso as bench/instrumented.ts (the real `createApp()` with D1, KV and the upstream fetch counted), the',
    `previous release (commit ${r.previousRelease}, the last before issue 11, its own tree and instrumented entry built the same way),`,
    `and \`@hono/oidc-auth\` ${m.peer} in a minimal Hono worker (bench/peer/worker.ts). A geography wraps both edge-sso builds`,
    "(bench/geography.ts): every D1 call waits the round trip to where it goes, the primary's unless it is a read in a D1 session",
    "that may read a replica (then the replica's); the IdP's server-to-server endpoints answer one round trip after a request arrives.",
    'Two scenarios in one run:',
    '',
    ...s.scenarios.map((sc) => `- ${scenarioLine(sc)}.`),
    '',
    `In each, ${s.logins} returning-user logins per worker, interleaved (edge-sso with a recheck of a standing session, the previous`,
    `release, the peer), then ${s.firstLogins} first logins (a new member created just in time) on both edge-sso builds, interleaved. Each`,
    'step is paired with the floor route (and the callback with a reference route: the floor plus one fetch to the IdP) of the same',
    'iteration; verdicts use the median of the paired differences. Local D1 is one SQLite file, so a "replica" is the same data: the',
    'geography models where a read may go, and D1 itself keeps the Sessions API promises (a session started at a bookmark reads data at',
    'least that fresh; test/replica-staleness.test.ts models a lagging replica for correctness).',
    '',
    '## Goals (far scenario)',
    '',
    summary(r),
    '',
    '## Missed goals',
    '',
    ...(misses.length ? misses : ['None on this run.']),
    '',
    ...s.scenarios.flatMap((sc) => [
      `## ${sc.name === 'far' ? 'Far' : 'Near'}: ${scenarioLine(sc).slice(sc.name.length + 4)}`,
      '',
      table(
        [
          'step (median; + over the floor or reference, paired)',
          'edge-sso',
          `previous release (${r.previousRelease})`,
          '@hono/oidc-auth',
        ],
        scenarioRows(r.latency[sc.name]),
      ),
      '',
      `Node's own round trip to the IdP's delayed no-op: ${ms(r.latency[sc.name].nodeIdpRoundTrip.median)}.`,
      '',
    ]),
    '## Round trips per step',
    '',
    table(
      [
        'step',
        'worker',
        'upstream fetches',
        'D1 round trips: before the response + after it (by where they went)',
        'KV reads / writes',
      ],
      countRows(r),
    ),
    '',
    `Counted over ${s.countedLogins} warm logins of each kind (bench/measure.mjs), the counters read once the work sent after each response`,
    "(write-behind) had landed. edge-sso's callback sends the spent-state insert to the primary beside the token request (one wait for",
    "both), then reads the login facts from a replica at least as fresh as that insert; a returning user's session row, event and the",
    "connection's last login are one batch after the response. A first login writes its user, membership, identity and session before it",
    'answers (one primary round trip). The recheck reads a replica anchored at a primary bookmark this isolate got in the last half',
    'interval, or the primary when it has none that recent.',
    '',
    "## Where edge-sso's time goes (far)",
    '',
    table(
      [
        'step',
        'browser sees (median)',
        'floor',
        'IdP round trips',
        'D1 round trips',
        'D1 wait, all round trips',
      ],
      timeRows(r),
    ),
    '',
    "Waits are measured inside the worker (workerd's clock advances across I/O), averaged over the counted logins, and include",
    'the round trips sent after the response. Beyond the modelled distance, a D1 wait is local D1 itself under `wrangler dev`',
    '(a SQLite file behind a local service, on a shared machine); the IdP wait beyond its round trip is the local IdP and its TCP.',
    '',
    '## `/api/me` between rechecks, layer by layer',
    '',
    table(['layer', 'CPU per request', 'wall clock'], layerRows(r)),
    '',
    `Each layer is its own route in bench/instrumented.ts under autocannon (${s.connections} connections, ${s.rounds} rounds of ${s.seconds} s, the order`,
    `reversed every other round, medians); CPU is what the worker's \`wrangler dev\` processes spent per request (from /proc). \`/api/me\` ran at`,
    `${pct(r.load.cpuRatioToFloor.oursMe?.median ?? r.load.ratioToFloor.oursMe.median)} of the floor's throughput by CPU (the peer's protected route at ${pct(r.load.cpuRatioToFloor.peerProtected?.median ?? r.load.ratioToFloor.peerProtected.median)} of its floor), with ${num(r.load.perRequest.oursMe.worker.d1)} D1 round trips per request.`,
    '',
    '## The host app: gateway, `/api/token`, the token’s crypto',
    '',
    table(
      ['measure', 'median', 'p95'],
      [
        [
          'gateway request to the example host app (signed in, between rechecks)',
          ms(r.host.gateway.median),
          ms(r.host.gateway.p95),
        ],
        [
          'the same page asked directly, with the same assertion',
          ms(r.host.direct.median),
          ms(r.host.direct.p95),
        ],
        [
          'gateway over direct (paired)',
          ms(r.host.gatewayOverDirect.median),
          ms(r.host.gatewayOverDirect.p95),
        ],
        [
          '`GET /api/token` (the session’s cached token)',
          ms(r.host.tokenRoute.median),
          ms(r.host.tokenRoute.p95),
        ],
        [
          '`GET /api/token` over the floor (paired)',
          ms(r.host.tokenOverFloor.median),
          ms(r.host.tokenOverFloor.p95),
        ],
      ],
    ),
    '',
    `ES256 with jose on Node's WebCrypto (the same library and algorithm the worker and examples/host-app use): signing a token`,
    `costs ${cpuMs(r.host.crypto.signMs)} of CPU, once per session per half its life (bench/host.mjs); verifying one against a cached JWKS`,
    `${cpuMs(r.host.crypto.verifyMs)}. Under load, edge-sso's processes spent ${r.load.cpuMsPerRequest.oursGateway ? cpuMs(r.load.cpuMsPerRequest.oursGateway.median) : '–'} of CPU per gateway`,
    `request (the floor: ${cpuMs(r.load.cpuMsPerRequest.oursFloor.median)}), the host app's ${r.load.cpuMsPerRequest.hostDirect ? cpuMs(r.load.cpuMsPerRequest.hostDirect.median) : '–'} per direct request.`,
    '',
    '## Bundle',
    '',
    table(
      ['worker', 'raw', 'gzip', 'minified gzip', 'largest inputs'],
      [
        ['edge-sso', r.bundles.ours, ''],
        ['peer', r.bundles.peer, ''],
      ].map(([name, b]) => [
        name,
        kib(b.rawBytes),
        kib(b.gzipBytes),
        kib(b.minifiedGzipBytes),
        b.largest.map(([p, n]) => `${p} ${kib(n)}`).join(', '),
      ]),
    ),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench',
    `BENCH_LOGINS=${s.logins} BENCH_FIRST_LOGINS=${s.firstLogins} BENCH_PASSWORD_LOGINS=${s.passwordLogins} BENCH_SECONDS=${s.seconds} BENCH_ROUNDS=${s.rounds} BENCH_CONNECTIONS=${s.connections} BENCH_DEADLINE_SECONDS=${s.deadlineSeconds} npm run bench`,
    '```',
    '',
    `The bench runs both edge-sso builds with \`SESSION_RECHECK_SECONDS=${s.recheckSeconds}\` so one session cookie stays between rechecks through the`,
    'load runs; a recheck is timed by re-signing the cookie as checked one interval ago (`POST /__bench/age-session`).',
    `Machine: ${m.cpu}, Node ${m.node}; load average (1 / 5 / 15 min) ${loadAverages(r.loadAtStart)} at the start and ${loadAverages(m.loadNow)} at the end;`,
    `the run took ${r.elapsedSeconds.toFixed(0)} s. Caveat: \`wrangler dev\` is a development server on a shared machine; the delays are a model of`,
    "distance, not Cloudflare's network. Differences against the floor and the reference, paired per iteration, are what count.",
    '',
  ].join('\n')
}
