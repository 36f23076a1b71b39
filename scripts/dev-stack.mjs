// The local stack for `npm run dev` and the browser tests: migrations, the Okta stand-in, wrangler dev, demo seed.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { demoClient, demoTeams, devAdminToken } from './demo.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const wrangler = fileURLToPath(new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url))
const standinScript = fileURLToPath(new URL('./okta-standin.mjs', import.meta.url))
const startupTimeoutMs = 90_000

/**
 * Wrangler lines that only alarm a newcomer: request.cf cannot be fetched offline (the worker does not use it),
 * and "missing secrets" (on localhost the worker uses dev-only values, which a deploy refuses).
 */
const harmless =
  /Unable to fetch the `?Request\.cf`? object|getaddrinfo ENOTFOUND workers\.cloudflare\.com|at GetAddrInfoReqWrap|Missing required secrets/

/** Runs `args` under this Node in its own process group (so a stop ends its children too), lines to `log`. */
function start(name, args, env, log) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const recent = []
  let pending = ''
  const forward = (chunk) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines.filter((l) => l.trim() && !harmless.test(l))) {
      recent.push(line)
      if (recent.length > 30) recent.shift()
      log(`[${name}] ${line}`)
    }
  }
  child.stdout.setEncoding('utf8').on('data', forward)
  child.stderr.setEncoding('utf8').on('data', forward)
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  )
  return { name, child, exited, recent }
}

/** SIGTERM to the process group, SIGKILL if it has not gone after a few seconds. */
async function stop(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return
  const signal = (name) => {
    try {
      process.kill(-proc.child.pid, name)
    } catch {
      // already gone
    }
  }
  signal('SIGTERM')
  const timer = setTimeout(() => signal('SIGKILL'), 5_000)
  await proc.exited
  clearTimeout(timer)
}

async function run(args, log) {
  const proc = start('wrangler', args, {}, log)
  const code = await proc.exited
  if (code !== 0)
    throw new Error(
      `wrangler ${args.slice(1, 4).join(' ')} failed (${code}):\n${proc.recent.join('\n')}`,
    )
}

const answers = (url) =>
  fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  )

/** Resolves when `url` answers at all; rejects when `proc` exits first or the time is up. */
async function waitFor(url, proc) {
  const deadline = Date.now() + startupTimeoutMs
  let gone = false
  proc.exited.then(() => (gone = true))
  while (Date.now() < deadline) {
    if (gone)
      throw new Error(`${proc.name} exited before ${url} answered:\n${proc.recent.join('\n')}`)
    if (await answers(url)) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(
    `${url} did not answer within ${startupTimeoutMs / 1000}s:\n${proc.recent.join('\n')}`,
  )
}

/**
 * Applies the local D1 migrations, starts the stand-in and `wrangler dev` (http issuers allowed, every mail
 * kept in the dev outbox at /dev/outbox) and waits for both. `persistTo` is wrangler's local state folder; the stand-in keeps its signing key beside it.
 */
export async function startStack({ ports, persistTo, log = console.log }) {
  const publicUrl = `http://localhost:${ports.worker}`
  const issuer = `http://localhost:${ports.standin}`
  for (const url of [publicUrl, issuer])
    if (await answers(url))
      throw new Error(`${url} is already taken (is \`npm run dev\` running elsewhere?)`)
  const persist = persistTo ? ['--persist-to', persistTo] : []
  await run([wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', ...persist], log)
  const standinEnv = {
    OKTA_STANDIN_PORT: String(ports.standin),
    PUBLIC_URL: publicUrl,
    OKTA_STANDIN_STATE: `${persistTo ?? '.wrangler'}/okta-standin`,
  }
  const procs = [start('okta-standin', [standinScript], standinEnv, log)]
  const devArgs = [
    'dev',
    '--port',
    String(ports.worker),
    '--var',
    'DEV_ALLOW_HTTP_ISSUERS:1',
    '--var',
    `PUBLIC_URL:${publicUrl}`,
    '--var',
    'DEV_MAIL_OUTBOX:1',
  ]
  procs.push(
    start(
      'wrangler',
      [wrangler, ...devArgs, '--show-interactive-dev-session=false', ...persist],
      { WRANGLER_SEND_METRICS: 'false' },
      log,
    ),
  )
  const stack = {
    publicUrl,
    issuer,
    stop: () => Promise.all(procs.map(stop)),
    exited: Promise.race(procs.map((p) => p.exited)),
  }
  try {
    await Promise.all([
      waitFor(`${stack.issuer}/.well-known/openid-configuration`, procs[0]),
      waitFor(`${publicUrl}/`, procs[1]),
    ])
  } catch (error) {
    await stack.stop()
    throw error
  }
  return stack
}

/** A call to the admin API with the dev-only token: the JSON body (or null) and the status. */
export async function adminApi(publicUrl, method, path, body) {
  const headers = {
    authorization: `Bearer ${devAdminToken}`,
    ...(body ? { 'content-type': 'application/json' } : {}),
  }
  const response = await fetch(`${publicUrl}/admin/api${path}`, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

function expectStatus(result, allowed, what) {
  if (!allowed.includes(result.status))
    throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body)}`)
  return result
}

/**
 * Seeds the demo through the admin API, idempotently: the missing teams (409: made meanwhile) and Demo Co's
 * connection to the stand-in (created, or re-pointed: same issuer is patched, another issuer replaced).
 */
export async function seedDemo({ publicUrl, issuer }) {
  const teams = async () =>
    expectStatus(await adminApi(publicUrl, 'GET', '/teams'), [200], 'teams').body.teams
  const present = new Set((await teams()).map((t) => t.ownerEmail))
  for (const team of [demoTeams.sso, demoTeams.other].filter((t) => !present.has(t.ownerEmail))) {
    expectStatus(await adminApi(publicUrl, 'POST', '/teams', team), [201, 409], `team ${team.name}`)
  }
  const demo = (await teams()).find((t) => t.ownerEmail === demoTeams.sso.ownerEmail)
  if (!demo)
    throw new Error(
      `${demoTeams.sso.name} could not be created: ${demoTeams.sso.ownerEmail} already belongs to another team`,
    )
  const existing = demo.connection
  const values = {
    clientId: demoClient.clientId,
    clientSecret: demoClient.clientSecret,
    tokenEndpointAuthMethod: 'client_secret_basic',
  }
  if (existing && existing.issuer === issuer) {
    return expectStatus(
      await adminApi(publicUrl, 'PATCH', `/sso-connections/${existing.id}`, {
        ...values,
        enabled: true,
      }),
      [200],
      'connection',
    ).body
  }
  if (existing)
    expectStatus(
      await adminApi(publicUrl, 'DELETE', `/sso-connections/${existing.id}`),
      [204],
      'old connection',
    )
  const created = await adminApi(publicUrl, 'POST', '/sso-connections', {
    ...values,
    ownerEmail: demoTeams.sso.ownerEmail,
    issuer,
  })
  return expectStatus(created, [201], 'connection').body
}
