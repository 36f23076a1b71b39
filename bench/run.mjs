// `npm run bench`: edge-sso, its previous release and @hono/oidc-auth under `wrangler dev` against one loopback IdP, side by side, near and far.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { summarize } from './browser.mjs'
import { build } from './bundle.mjs'
import { measureThroughput } from './load.mjs'
import { countingObserver, idpLog, timedLogins, timeRequests } from './measure.mjs'
import {
  freePort,
  root,
  start,
  startDev,
  stopAll,
  waitUntilUp,
  wrangler,
} from '../scripts/processes.mjs'
import { hostTargets, timeGateway, tokenCrypto } from './host.mjs'
import { report, summary, summaryMarkers } from './report.mjs'
import { edgeSso, peer } from './targets.mjs'

/**
 * Where the user is: the round trip from the edge to Okta (`IDP_RTT_MS`), to the D1 primary
 * (`D1_PRIMARY_RTT_MS`) and to the nearest read replica (`D1_REPLICA_RTT_MS`). "far" is Sydney with the
 * primary in North America.
 */
const scenarios = [
  { name: 'near', idpRttMs: 40, primaryMs: 20, replicaMs: 5 },
  { name: 'far', idpRttMs: 150, primaryMs: 150, replicaMs: 5 },
]

/** The bench's recheck interval: long enough for the load runs to reuse one cookie between rechecks. */
const recheckSeconds = 600

const farthest = scenarios[scenarios.length - 1]

const settings = {
  scenarios,
  recheckSeconds,
  logins: Number(process.env.BENCH_LOGINS ?? 30),
  firstLogins: Number(process.env.BENCH_FIRST_LOGINS ?? 15),
  passwordLogins: Number(process.env.BENCH_PASSWORD_LOGINS ?? 15),
  countedLogins: 10,
  seconds: Number(process.env.BENCH_SECONDS ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  deadlineSeconds: Number(process.env.BENCH_DEADLINE_SECONDS ?? 900),
}

/** The previous release: the last commit before issue 11's work, the parent of its first commit (retention). */
const issue11First = 'e83680c'
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()
const previousCommit = () => git('rev-parse', '--short', `${issue11First}^`)

const log = (line) => console.error(`[bench] ${line}`)
/** Both edge-sso builds get this admin token: their dev-only defaults differ (the previous release's is shorter). */
const benchAdminToken = randomBytes(24).toString('base64url')
const origin = (port) => `http://127.0.0.1:${port}`
const secret = () => randomBytes(24).toString('base64url')

async function check(response, status, what) {
  if (response.status !== status)
    throw new Error(
      `${what}: expected ${status}, got ${response.status}: ${(await response.text()).slice(0, 300)}`,
    )
}

/** Support's setup through the admin API: a team and its SSO connection to the bench IdP. */
async function setUpTeam(ours, issuer, client) {
  const admin = (path, body) =>
    fetch(`${ours.origin}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${benchAdminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
  const ownerEmail = 'owner@bench-sso.example'
  await check(
    await admin('/admin/api/teams', {
      name: 'Bench SSO team',
      ownerEmail,
      defaultPermission: 'private',
    }),
    201,
    'create team',
  )
  await check(
    await admin('/admin/api/sso-connections', {
      ownerEmail,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      issuer,
    }),
    201,
    'create connection',
  )
}

/**
 * Builds what the bench serves (edge-sso's instrumented entry, the peer) and what ships (src/index.ts), plus
 * minified copies for the size table. Serving built files keeps the run immune to edits made while it runs.
 */
/**
 * The previous release's tree (git archive of its commit) with this repository's node_modules, and its own
 * bench/instrumented.ts wrapped in this bench's geography (bench/geography.ts), as its entry.
 */
async function previousReleaseTree(work, commit) {
  const dir = join(work, 'previous-release')
  await mkdir(dir, { recursive: true })
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: root })
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'))
  await copyFile(join(root, 'bench/geography.ts'), join(dir, 'bench/geography.ts'))
  const entry = join(dir, 'bench/geographic.ts')
  await writeFile(
    entry,
    "import inner from './instrumented'\nimport { withGeography } from './geography'\nexport default withGeography(inner)\n",
  )
  return { dir, entry, config: join(dir, 'wrangler.toml') }
}

async function buildWorkers(work, previous) {
  log(
    `building the workers (wrangler deploy --dry-run), the previous release at ${previous.commit}`,
  )
  const [served, previousBuild, product, peerBuild, productMin, peerMin] = await Promise.all([
    build({
      config: 'wrangler.toml',
      script: 'bench/instrumented.ts',
      outdir: join(work, 'served'),
    }),
    build({ config: previous.config, script: previous.entry, outdir: join(work, 'previous') }),
    build({ config: 'wrangler.toml', outdir: join(work, 'product') }),
    build({ config: 'bench/peer/wrangler.toml', outdir: join(work, 'peer') }),
    build({ config: 'wrangler.toml', outdir: join(work, 'product-min'), minify: true }),
    build({ config: 'bench/peer/wrangler.toml', outdir: join(work, 'peer-min'), minify: true }),
  ])
  const size = (b, min) => ({
    rawBytes: b.rawBytes,
    gzipBytes: b.gzipBytes,
    domainListsGzipBytes: b.domainListsGzipBytes,
    minifiedGzipBytes: min.gzipBytes,
    largest: b.largest,
  })
  return {
    entries: { ours: served.entry, previous: previousBuild.entry, peer: peerBuild.entry },
    bundles: { ours: size(product, productMin), peer: size(peerBuild, peerMin) },
  }
}

/** Puts the run's summary between README.md's bench markers. */
async function quoteInReadme(block) {
  const path = join(root, 'README.md')
  const text = await readFile(path, 'utf8')
  const [start, end] = summaryMarkers.map((m) => text.indexOf(m))
  if (start < 0 || end < start) throw new Error(`README.md lacks ${summaryMarkers.join(' … ')}`)
  await writeFile(
    path,
    `${text.slice(0, start)}${block}${text.slice(end + summaryMarkers[1].length)}`,
  )
}

/** A fresh local D1 for an edge-sso build, with its own migrations applied. */
async function freshD1(persist, config) {
  await wrangler([
    'd1',
    'migrations',
    'apply',
    'DB',
    '--local',
    '--persist-to',
    persist,
    '-c',
    config,
  ])
}

async function startServers(work, entries, previous) {
  const ports = await Promise.all(Array.from({ length: 9 }, freePort))
  const [idpPort, oursPort, previousPort, peerPort, hostPort, ...inspectors] = ports
  const issuer = origin(idpPort)
  const client = (id, port, path) => ({
    client_id: id,
    client_secret: secret(),
    redirect_uri: `${origin(port)}${path}`,
  })
  const clients = {
    ours: client('edge-sso-bench', oursPort, '/sso/callback'),
    previous: client('edge-sso-previous-bench', previousPort, '/sso/callback'),
    peer: client('oidc-auth-bench', peerPort, '/callback'),
  }
  log('applying migrations to fresh local D1s')
  const persist = { ours: join(work, 'state-ours'), previous: join(work, 'state-previous') }
  await freshD1(persist.ours, 'wrangler.toml')
  await freshD1(persist.previous, previous.config)
  log('starting the IdP and the three workers under wrangler dev')
  const idp = start('idp', ['bench/idp.mjs'], {
    env: {
      IDP_PORT: String(idpPort),
      IDP_RTT_MS: String(scenarios[0].idpRttMs),
      IDP_CLIENTS: JSON.stringify(Object.values(clients)),
    },
  })
  // One session cookie stays between rechecks through the load runs (over a minute); rechecks are timed by
  // re-signing a cookie as checked an interval ago (`/__bench/age-session`).
  const edgeSsoDev = (name, { entry, config, port, inspector, state, vars = {} }) =>
    startDev(name, {
      entry,
      config,
      port,
      inspector,
      persist: state,
      args: [
        '--no-bundle',
        '--var',
        'DEV_ALLOW_HTTP_ISSUERS:1',
        '--var',
        `PUBLIC_URL:${origin(port)}`,
        '--var',
        `BENCH_IDP_DELAYED_URL:${issuer}/__bench/delayed`,
        '--var',
        `SESSION_RECHECK_SECONDS:${recheckSeconds}`,
        '--var',
        `ADMIN_TOKEN:${benchAdminToken}`,
        ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ],
    })
  const oursDev = edgeSsoDev('wrangler dev (edge-sso)', {
    entry: entries.ours,
    config: 'wrangler.toml',
    port: oursPort,
    inspector: inspectors[0],
    state: persist.ours,
    // The gateway in front of the example host app; tokens live 5 minutes, so the direct requests' one
    // assertion outlasts the load runs.
    vars: { APP_ORIGIN: origin(hostPort), TOKEN_TTL_SECONDS: '300' },
  })
  const hostDev = startDev('wrangler dev (host app)', {
    entry: 'examples/host-app/src/index.ts',
    config: 'examples/host-app/wrangler.toml',
    port: hostPort,
    inspector: inspectors[3],
    persist: join(work, 'state-host'),
    args: ['--var', `SSO_ISSUER:${origin(oursPort)}`, '--var', `SSO_AUDIENCE:${origin(oursPort)}`],
  })
  const previousDev = edgeSsoDev('wrangler dev (previous release)', {
    entry: entries.previous,
    config: previous.config,
    port: previousPort,
    inspector: inspectors[1],
    state: persist.previous,
  })
  const peerDev = startDev('wrangler dev (peer)', {
    entry: entries.peer,
    config: 'bench/peer/wrangler.toml',
    port: peerPort,
    inspector: inspectors[2],
    persist: join(work, 'state-peer'),
    args: [
      '--no-bundle',
      '--var',
      `OIDC_ISSUER:${issuer}`,
      '--var',
      `OIDC_CLIENT_ID:${clients.peer.client_id}`,
      '--var',
      `OIDC_CLIENT_SECRET:${clients.peer.client_secret}`,
      '--var',
      `OIDC_AUTH_SECRET:${secret()}${secret()}`,
      '--var',
      'OIDC_SCOPES:openid email profile',
    ],
  })
  await Promise.all([
    waitUntilUp(idp, `${issuer}/__bench/counts`),
    waitUntilUp(oursDev, `${origin(oursPort)}/__bench/floor`),
    waitUntilUp(previousDev, `${origin(previousPort)}/__bench/floor`),
    waitUntilUp(peerDev, `${origin(peerPort)}/__bench/floor`),
    waitUntilUp(hostDev, `${origin(hostPort)}/pricing`),
  ])
  return {
    issuer,
    clients,
    ours: edgeSso(origin(oursPort), issuer),
    previous: edgeSso(origin(previousPort), issuer, `previous release (${previous.commit})`),
    peer: peer(origin(peerPort)),
    hostOrigin: origin(hostPort),
    devs: { ours: oursDev, peer: peerDev, host: hostDev },
  }
}

const users = {
  sso: 'member@bench-sso.example',
  /** Password logins take turns over these accounts: each allows 10 attempts a minute (RL_LOGIN_FAILURES). */
  passwords: Array.from({ length: 8 }, (_, i) => `person${i}@bench-password.example`),
  passwordSecret: 'bench-password-0123',
  /** A new member each time: the callback creates them just in time. */
  firstLogin: (run, i) => `first-${run}-${i}-${Date.now().toString(36)}@bench-sso.example`,
}
const passwordUser = (i) => users.passwords[i % users.passwords.length]

/** Counts per step: the first (cold) login, then warm logins, first logins, rechecks, email starts and password logins. */
async function countSteps({ ours, previous, peer: peerTarget }, idp) {
  log(
    'counting upstream fetches, D1 round trips (primary, replica, after the response) and KV operations per step',
  )
  const sides = { ours, previous, peer: peerTarget }
  const observers = () =>
    Object.fromEntries(Object.entries(sides).map(([k, t]) => [k, countingObserver(t, idp)]))
  const cold = observers()
  for (const [k, t] of Object.entries(sides)) await t.login(users.sso, cold[k].observe)
  const warm = observers()
  let session
  for (let i = 0; i < settings.countedLogins; i++) {
    session = (await ours.login(users.sso, warm.ours.observe)).browser
    await previous.login(users.sso, warm.previous.observe)
    await peerTarget.login(users.sso, warm.peer.observe)
    await ours.login(users.firstLogin('counted', i), (step, fn) =>
      warm.ours.observe(`first login ${step}`, fn),
    )
    await previous.login(users.firstLogin('counted-previous', i), (step, fn) =>
      warm.previous.observe(`first login ${step}`, fn),
    )
    await ours.recheck(session, warm.ours.observe)
    await ours.emailStart(users.sso, warm.ours.observe)
    await ours.passwordLogin(passwordUser(i), users.passwordSecret, warm.ours.observe)
  }
  const peerSession = (await peerTarget.login(users.sso)).browser
  const perRun = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.perRun()]))
  return {
    cold: perRun(cold),
    warm: perRun(warm),
    sessions: { ours: session.header(), peer: peerSession.header() },
  }
}

/** The IdP's and both edge-sso builds' round trips for `scenario`. */
async function enter(scenario, { ours, previous }, issuer) {
  log(
    `scenario "${scenario.name}": IdP ${scenario.idpRttMs} ms, D1 primary ${scenario.primaryMs} ms, replica ${scenario.replicaMs} ms`,
  )
  await fetch(`${issuer}/__bench/delay?ms=${scenario.idpRttMs}`, { method: 'POST' })
  await Promise.all([ours.setGeography(scenario), previous.setGeography(scenario)])
}

/**
 * Latency as the browser sees it in one scenario: interleaved returning-user logins on the three workers (with
 * an edge-sso recheck each time), interleaved first logins on both edge-sso builds, then email starts,
 * password logins and the IdP's own round trip.
 */
async function measureLatency(scenario, { ours, previous, peer: peerTarget }, issuer) {
  log('warming up')
  for (let i = 0; i < 3; i++)
    for (const target of [ours, previous, peerTarget]) await target.login(users.sso)
  for (const target of [ours, previous, peerTarget]) await timeRequests(target.floorUrl, 10)
  const rechecked = (await ours.login(users.sso)).browser
  await ours.readCounters() // the login's write-behind has landed before its session is rechecked
  const withRecheck = {
    ...ours,
    extras: { recheck: async () => (await ours.recheck(rechecked)).ms },
  }
  const same = () => users.sso
  log(`timing ${settings.logins} returning-user logins on each worker, interleaved`)
  const [oursLogins, previousLogins, peerLogins] = await timedLogins(
    [withRecheck, previous, peerTarget],
    [same, same, same],
    settings.logins,
  )
  log(`timing ${settings.firstLogins} first logins (just in time) on both edge-sso builds`)
  const [oursFirst, previousFirst] = await timedLogins(
    [ours, previous],
    [
      (i) => users.firstLogin(`${scenario.name}-ours`, i),
      (i) => users.firstLogin(`${scenario.name}-previous`, i),
    ],
    settings.firstLogins,
  )
  log(`timing ${settings.logins} email starts and ${settings.passwordLogins} password logins`)
  const emailStart = []
  for (let i = 0; i < settings.logins; i++) emailStart.push((await ours.emailStart(users.sso)).ms)
  const password = []
  for (let i = 0; i < settings.passwordLogins; i++)
    password.push((await ours.passwordLogin(passwordUser(i), users.passwordSecret)).ms)
  return {
    scenario,
    ours: { ...oursLogins, emailStart: summarize(emailStart), password: summarize(password) },
    previous: previousLogins,
    peer: peerLogins,
    first: { ours: oursFirst, previous: previousFirst },
    nodeIdpRoundTrip: summarize(await timeRequests(`${issuer}/__bench/delayed`, 10)),
  }
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'edge-sso-bench-'))
  let failed = false
  const fail = async (error) => {
    if (failed) return
    failed = true
    console.error(`[bench] failed: ${error.stack ?? error}`)
    await stopAll()
    await rm(work, { recursive: true, force: true })
    process.exit(1)
  }
  const deadline = setTimeout(
    () => fail(new Error(`the bench passed its ${settings.deadlineSeconds} s deadline`)),
    settings.deadlineSeconds * 1000,
  )
  process.on('SIGINT', () => fail(new Error('interrupted')))
  process.on('SIGTERM', () => fail(new Error('terminated')))
  try {
    const started = Date.now()
    const loadAtStart = loadavg()
    const commit = previousCommit()
    const previous = { commit, ...(await previousReleaseTree(work, commit)) }
    const { entries, bundles } = await buildWorkers(work, previous)
    const servers = await startServers(work, entries, previous)
    const { issuer, clients, ours, previous: before, peer: peerTarget, devs } = servers
    const idp = idpLog(issuer)
    log('setting up a team and its connection on both edge-sso builds')
    await setUpTeam(ours, issuer, clients.ours)
    await setUpTeam(before, issuer, clients.previous)
    for (const email of users.passwords) await ours.register(email, users.passwordSecret)
    const targets = { ours, previous: before, peer: peerTarget }
    // Counted in the far scenario, so that the waits counted inside the worker belong to its latencies.
    await enter(farthest, targets, issuer)
    const { sessions, ...counts } = await countSteps(targets, idp)
    const latency = {}
    for (const scenario of scenarios) {
      await enter(scenario, targets, issuer)
      latency[scenario.name] = await measureLatency(scenario, targets, issuer)
    }
    sessions.ours = (await ours.login(users.sso)).browser.header()
    log(`timing ${settings.logins} gateway requests against direct ones to the host app`)
    const hostBrowser = (await ours.login(users.sso)).browser
    const hostSide = hostTargets(ours, servers.hostOrigin, hostBrowser)
    const gateway = await timeGateway(
      { ours, host: hostSide, browser: hostBrowser },
      settings.logins,
    )
    log('timing the identity token’s ES256 signing and verification (jose, WebCrypto)')
    const crypto = await tokenCrypto()
    const host = {
      url: hostSide.gatewayUrl,
      cookie: hostBrowser.header(),
      directUrl: hostSide.directUrl,
      assertion: await hostSide.token(),
    }
    const load = await measureThroughput(
      settings,
      { ours, peer: peerTarget, idp, sessions, devs, host },
      log,
    )
    await stopAll()
    const results = {
      settings,
      previousRelease: commit,
      bundles,
      counts,
      latency,
      load,
      host: { ...gateway, crypto },
      loadAtStart,
      elapsedSeconds: (Date.now() - started) / 1000,
    }
    if (process.env.BENCH_JSON)
      await writeFile(process.env.BENCH_JSON, JSON.stringify(results, null, 2))
    const markdown = await report(results)
    console.log(markdown)
    await mkdir(join(root, 'docs'), { recursive: true })
    await writeFile(join(root, 'docs/benchmark.md'), markdown)
    await quoteInReadme(summary(results))
    log(`wrote docs/benchmark.md and README's summary (${results.elapsedSeconds.toFixed(0)} s)`)
    clearTimeout(deadline)
    await rm(work, { recursive: true, force: true })
  } catch (error) {
    await fail(error)
  }
}

await main()
