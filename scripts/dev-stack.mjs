// The local stack for `npm run dev` and the browser tests: migrations, the Okta stand-in, wrangler dev, demo seed.
import { fileURLToPath } from 'node:url'
import { demoClient, demoTeams, devAdminToken, devWebhookSecret } from './demo.mjs'
import { dohPath } from './dns-standin.mjs'
import { saveScimSettings } from './okta-offboarding.mjs'
import { answers, start, startWrangler, stop, waitUntilUp, wrangler } from './processes.mjs'

const standinScript = fileURLToPath(new URL('./okta-standin.mjs', import.meta.url))

/**
 * Wrangler lines that only alarm a newcomer: request.cf cannot be fetched offline (the worker does not use it),
 * and "missing secrets" (on localhost the worker uses dev-only values, which a deploy refuses).
 */
const harmless =
  /Unable to fetch the `?Request\.cf`? object|getaddrinfo ENOTFOUND workers\.cloudflare\.com|at GetAddrInfoReqWrap|Missing required secrets/

/**
 * One line for `wrangler d1 migrations apply`, which reprints its whole table after each migration: the
 * migrations it applied (the ✅ rows of its last table), or that there were none.
 */
export function migrationsSummary(output) {
  if (/No migrations to apply/.test(output)) return 'D1 migrations: up to date'
  const lastTable = output.slice(output.lastIndexOf('│ name'))
  const names = [...lastTable.matchAll(/│ (\S+\.sql)\s+│ ✅/g)].map((m) => m[1])
  return `D1 migrations applied: ${names.join(', ') || 'none'}`
}

/**
 * Applies the local D1 migrations, starts the stand-in and `wrangler dev` (http issuers allowed, every mail
 * kept in the dev outbox at /dev/outbox) and waits for both. `persistTo` is wrangler's local state folder;
 * the stand-in keeps its signing key beside it. `vars` are extra `wrangler dev --var`s (the browser tests
 * shorten SESSION_RECHECK_SECONDS). With `hostApp`, examples/host-app runs on `ports.hostApp` behind the
 * gateway (`APP_ORIGIN`), so `/app` is a real host app that checks the identity token.
 */
export async function startStack({
  ports,
  persistTo,
  vars = {},
  hostApp = false,
  log: print = console.log,
}) {
  const log = (line) => harmless.test(line) || print(line)
  const publicUrl = `http://localhost:${ports.worker}`
  const issuer = `http://localhost:${ports.standin}`
  const hostAppUrl = `http://localhost:${ports.hostApp}`
  for (const url of hostApp ? [publicUrl, issuer, hostAppUrl] : [publicUrl, issuer])
    if (await answers(url))
      throw new Error(`${url} is already taken (is \`npm run dev\` running elsewhere?)`)
  const persist = persistTo ? ['--persist-to', persistTo] : []
  const applied = await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist])
  log(migrationsSummary(applied))
  const standinState = `${persistTo ?? '.wrangler'}/okta-standin`
  const standinEnv = {
    OKTA_STANDIN_PORT: String(ports.standin),
    PUBLIC_URL: publicUrl,
    OKTA_STANDIN_STATE: standinState,
  }
  const procs = [start('okta-standin', [standinScript], { env: standinEnv, log })]
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
    '--var',
    `DNS_RESOLVER_URL:${issuer}${dohPath}`,
    ...Object.entries({ ...(hostApp ? hostAppVars(hostAppUrl) : {}), ...vars }).flatMap(
      ([name, value]) => ['--var', `${name}:${value}`],
    ),
  ]
  procs.push(
    startWrangler('wrangler', [...devArgs, '--show-interactive-dev-session=false', ...persist], {
      log,
    }),
  )
  if (hostApp) procs.push(startHostApp({ port: ports.hostApp, publicUrl, persist, log }))
  const stack = {
    publicUrl,
    issuer,
    hostAppUrl: hostApp ? hostAppUrl : undefined,
    standinState,
    stop: () => Promise.all(procs.map(stop)),
    exited: Promise.race(procs.map((p) => p.exited)),
  }
  try {
    await Promise.all([
      waitUntilUp(procs[0], `${stack.issuer}/.well-known/openid-configuration`),
      waitUntilUp(procs[1], `${publicUrl}/`),
      ...(hostApp ? [waitUntilUp(procs[2], `${hostAppUrl}/pricing`)] : []),
    ])
  } catch (error) {
    await stack.stop()
    throw error
  }
  return stack
}

/** edge-sso's side of the host app: the gateway forwards to it, and its POST /webhooks hears every event. */
const hostAppVars = (hostAppUrl) => ({
  APP_ORIGIN: hostAppUrl,
  WEBHOOK_URL: `${hostAppUrl}/webhooks`,
  WEBHOOK_SECRET: devWebhookSecret,
})

/** `wrangler dev` of examples/host-app, checking identity tokens and webhooks from edge-sso at `publicUrl`. */
function startHostApp({ port, publicUrl, persist, log }) {
  const args = ['dev', '-c', 'examples/host-app/wrangler.toml', '--port', String(port)]
  const vars = { SSO_ISSUER: publicUrl, SSO_AUDIENCE: publicUrl, WEBHOOK_SECRET: devWebhookSecret }
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`)
  args.push('--inspector-port', String(port + 1000), '--show-interactive-dev-session=false')
  return startWrangler('host-app', [...args, ...persist], { log })
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
export async function seedDemo({ publicUrl, issuer, standinState }) {
  const connection = await seedConnection({ publicUrl, issuer })
  await handScimTokenToStandin(publicUrl, connection.id, standinState)
  return connection
}

/** Issues Demo Co's SCIM token (a new one on every start) and leaves it where the stand-in reads it. */
async function handScimTokenToStandin(publicUrl, connectionId, standinState) {
  const issued = expectStatus(
    await adminApi(publicUrl, 'POST', `/sso-connections/${connectionId}/scim-token`),
    [201],
    'SCIM token',
  ).body
  saveScimSettings(standinState, { baseUrl: issued.baseUrl, token: issued.token })
}

async function seedConnection({ publicUrl, issuer }) {
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
