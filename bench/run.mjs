// `npm run bench`: edge-sso and @hono/oidc-auth under `wrangler dev` against one loopback IdP, side by side.
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
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
  startWrangler,
  stopAll,
  waitUntilUp,
  wrangler,
} from '../scripts/processes.mjs'
import { report } from './report.mjs'
import { edgeSso, peer } from './targets.mjs'

const settings = {
  idpDelayMs: Number(process.env.IDP_DELAY_MS ?? 40),
  logins: Number(process.env.BENCH_LOGINS ?? 50),
  passwordLogins: Number(process.env.BENCH_PASSWORD_LOGINS ?? 30),
  countedLogins: 10,
  seconds: Number(process.env.BENCH_SECONDS ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  deadlineSeconds: Number(process.env.BENCH_DEADLINE_SECONDS ?? 240),
}

const log = (line) => console.error(`[bench] ${line}`)
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
      headers: { authorization: 'Bearer dev-only-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify(body),
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
async function buildWorkers(work) {
  log('building the workers (wrangler deploy --dry-run)')
  const [served, product, peerBuild, productMin, peerMin] = await Promise.all([
    build({
      config: 'wrangler.toml',
      script: 'bench/instrumented.ts',
      outdir: join(work, 'served'),
    }),
    build({ config: 'wrangler.toml', outdir: join(work, 'product') }),
    build({ config: 'bench/peer/wrangler.toml', outdir: join(work, 'peer') }),
    build({ config: 'wrangler.toml', outdir: join(work, 'product-min'), minify: true }),
    build({ config: 'bench/peer/wrangler.toml', outdir: join(work, 'peer-min'), minify: true }),
  ])
  const size = (b, min) => ({
    rawBytes: b.rawBytes,
    gzipBytes: b.gzipBytes,
    minifiedGzipBytes: min.gzipBytes,
    largest: b.largest,
  })
  return {
    entries: { ours: served.entry, peer: peerBuild.entry },
    bundles: { ours: size(product, productMin), peer: size(peerBuild, peerMin) },
  }
}

async function startServers(work, entries) {
  const [idpPort, oursPort, peerPort, oursInspector, peerInspector] = await Promise.all(
    Array.from({ length: 5 }, freePort),
  )
  const issuer = origin(idpPort)
  const clients = {
    ours: {
      client_id: 'edge-sso-bench',
      client_secret: secret(),
      redirect_uri: `${origin(oursPort)}/sso/callback`,
    },
    peer: {
      client_id: 'oidc-auth-bench',
      client_secret: secret(),
      redirect_uri: `${origin(peerPort)}/callback`,
    },
  }
  const oursPersist = join(work, 'state-ours')
  log('applying migrations to a fresh local D1')
  await wrangler([
    'd1',
    'migrations',
    'apply',
    'DB',
    '--local',
    '--persist-to',
    oursPersist,
    '-c',
    'wrangler.toml',
  ])
  log(`starting the IdP (delay ${settings.idpDelayMs} ms) and both workers under wrangler dev`)
  const idp = start('idp', ['bench/idp.mjs'], {
    env: {
      IDP_PORT: String(idpPort),
      IDP_DELAY_MS: String(settings.idpDelayMs),
      IDP_CLIENTS: JSON.stringify(Object.values(clients)),
    },
  })
  const devFlags = (port, inspector, persist) => [
    '--no-bundle',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--persist-to',
    persist,
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
  ]
  const oursDev = startWrangler('wrangler dev (edge-sso)', [
    'dev',
    entries.ours,
    '-c',
    'wrangler.toml',
    ...devFlags(oursPort, oursInspector, oursPersist),
    '--var',
    'DEV_ALLOW_HTTP_ISSUERS:1',
    '--var',
    `PUBLIC_URL:${origin(oursPort)}`,
    '--var',
    `BENCH_IDP_DELAYED_URL:${issuer}/__bench/delayed`,
  ])
  const peerDev = startWrangler('wrangler dev (peer)', [
    'dev',
    entries.peer,
    '-c',
    'bench/peer/wrangler.toml',
    ...devFlags(peerPort, peerInspector, join(work, 'state-peer')),
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
  ])
  await Promise.all([
    waitUntilUp(idp, `${issuer}/__bench/counts`),
    waitUntilUp(oursDev, `${origin(oursPort)}/__bench/floor`),
    waitUntilUp(peerDev, `${origin(peerPort)}/__bench/floor`),
  ])
  return {
    issuer,
    clients,
    ours: edgeSso(origin(oursPort), issuer),
    peer: peer(origin(peerPort)),
    devs: { ours: oursDev, peer: peerDev },
  }
}

const users = {
  sso: 'member@bench-sso.example',
  /** Password logins take turns over these accounts: each allows 10 attempts a minute (RL_LOGIN_FAILURES). */
  passwords: Array.from({ length: 8 }, (_, i) => `person${i}@bench-password.example`),
  passwordSecret: 'bench-password-0123',
}
const passwordUser = (i) => users.passwords[i % users.passwords.length]

/** Counts per step: the first (cold) login, then warm logins, email starts and password logins. */
async function countSteps(ours, peerTarget, idp) {
  log('counting upstream fetches, D1 round trips and KV operations per step')
  const cold = { ours: countingObserver(ours, idp), peer: countingObserver(peerTarget, idp) }
  await ours.login(users.sso, cold.ours.observe)
  await peerTarget.login(users.sso, cold.peer.observe)
  const warm = { ours: countingObserver(ours, idp), peer: countingObserver(peerTarget, idp) }
  let session
  for (let i = 0; i < settings.countedLogins; i++) {
    session = (await ours.login(users.sso, warm.ours.observe)).browser
    await peerTarget.login(users.sso, warm.peer.observe)
    await ours.emailStart(users.sso, warm.ours.observe)
    await ours.passwordLogin(passwordUser(i), users.passwordSecret, warm.ours.observe)
  }
  const peerSession = (await peerTarget.login(users.sso)).browser
  return {
    cold: { ours: cold.ours.perRun(), peer: cold.peer.perRun() },
    warm: { ours: warm.ours.perRun(), peer: warm.peer.perRun() },
    sessions: { ours: session.header(), peer: peerSession.header() },
  }
}

/** Latency as the browser sees it: interleaved logins, then email starts, password logins and the IdP's own round trip. */
async function measureLatency(ours, peerTarget, idp, issuer) {
  log('warming up')
  for (let i = 0; i < 5; i++) {
    await ours.login(users.sso)
    await peerTarget.login(users.sso)
  }
  await timeRequests(ours.floorUrl, 20)
  await timeRequests(peerTarget.floorUrl, 20)
  log(`timing ${settings.logins} logins on each worker, interleaved`)
  await Promise.all([idp.reset(), ours.resetCounters()])
  const [oursLogins, peerLogins] = await timedLogins(
    [ours, peerTarget],
    [users.sso, users.sso],
    settings.logins,
  )
  const [idpSeen, oursCounted] = await Promise.all([idp.read(), ours.readCounters()])
  log(`timing ${settings.logins} email starts and ${settings.passwordLogins} password logins`)
  const emailStart = []
  for (let i = 0; i < settings.logins; i++) emailStart.push((await ours.emailStart(users.sso)).ms)
  const password = []
  for (let i = 0; i < settings.passwordLogins; i++)
    password.push((await ours.passwordLogin(passwordUser(i), users.passwordSecret)).ms)
  const nodeIdpRoundTrip = summarize(await timeRequests(`${issuer}/__bench/delayed`, 20))
  return {
    ours: { ...oursLogins, emailStart: summarize(emailStart), password: summarize(password) },
    peer: peerLogins,
    nodeIdpRoundTrip,
    timedPass: {
      idpServerToServer: idpSeen.discovery + idpSeen.jwks + idpSeen.token + idpSeen.userinfo,
      oursUpstream: oursCounted.upstream,
      logins: settings.logins,
    },
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
    const { entries, bundles } = await buildWorkers(work)
    const { issuer, clients, ours, peer: peerTarget, devs } = await startServers(work, entries)
    const idp = idpLog(issuer)
    await setUpTeam(ours, issuer, clients.ours)
    for (const email of users.passwords) await ours.register(email, users.passwordSecret)
    const { sessions, ...counts } = await countSteps(ours, peerTarget, idp)
    const latency = await measureLatency(ours, peerTarget, idp, issuer)
    const load = await measureThroughput(
      settings,
      { ours, peer: peerTarget, idp, sessions, devs },
      log,
    )
    await stopAll()
    const results = {
      settings,
      bundles,
      counts,
      latency,
      load,
      loadAtStart,
      elapsedSeconds: (Date.now() - started) / 1000,
    }
    const markdown = await report(results)
    console.log(markdown)
    await mkdir(join(root, 'docs'), { recursive: true })
    await writeFile(join(root, 'docs/benchmark.md'), markdown)
    if (process.env.BENCH_JSON)
      await writeFile(process.env.BENCH_JSON, JSON.stringify(results, null, 2))
    log(`wrote docs/benchmark.md (${results.elapsedSeconds.toFixed(0)} s)`)
    clearTimeout(deadline)
    await rm(work, { recursive: true, force: true })
  } catch (error) {
    await fail(error)
  }
}

await main()
