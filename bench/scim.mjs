// `npm run bench:scim -- [--rounds 30] [--sync-users 500]`: SCIM's D1 statements and latency per request at 100 and 10,000 group members, and an initial sync at Entra's pace; writes docs/scim.md's figures.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, root, startDev, stopAll, waitUntilUp, wrangler } from '../scripts/processes.mjs'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    'sync-users': { type: 'string', default: '500' },
    /** Print only; leave docs/scim.md as it is. */
    'dry-run': { type: 'boolean', default: false },
  },
})
const rounds = Number(args.rounds)
const syncUsers = Number(args['sync-users'])
/** Entra's provisioning pace: 25 requests a second per tenant (a GET by filter, then a POST, per user). */
const entraRequestsPerSecond = 25
const sizes = [100, 10_000]
const log = (line) => console.error(`[bench:scim] ${line}`)
const domain = 'bench-scim.example'
const token = randomBytes(32).toString('base64url')
const docPath = resolve(root, 'docs/scim.md')
const markers = ['<!-- bench:scim: written by npm run bench:scim -->', '<!-- /bench:scim -->']

/**
 * One team with a SCIM token, 10,100 provisioned members, and a group of each size (members 1..size): SQL with
 * a recursive series, run by `wrangler d1 execute` on the local D1 after the migrations.
 */
async function seed(dir) {
  await wrangler(['d1', 'migrations', 'apply', 'edge-sso', '--local', '--persist-to', dir], {
    timeoutMs: 120_000,
  })
  const members = Math.max(...sizes) + 100
  const series = `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${members})`
  const tokenHash = createHash('sha256').update(token).digest('hex')
  const sql = [
    `insert into users (id, email, email_verified) values ('owner', 'owner@${domain}', 1);`,
    `insert into teams (id, name, owner_user_id, default_permission) values ('team', 'Bench', 'owner', 'private');`,
    `insert into memberships (user_id, team_id, role, permission) values ('owner', 'team', 'owner', 'private');`,
    `insert into team_domains (team_id, domain, verified) values ('team', '${domain}', 1);`,
    `insert into sso_connections (id, team_id, issuer, client_id, client_secret_sealed, token_endpoint_auth_method, scim_token_hash) values ('connection', 'team', 'https://bench.okta.example', 'client', 'unused', 'client_secret_basic', '${tokenHash}');`,
    `${series} insert into users (id, email, email_verified) select 'm' || i, 'm' || i || '@${domain}', 1 from n;`,
    `insert into memberships (user_id, team_id, role, permission) select id, 'team', 'member', 'private' from users where id like 'm%';`,
    `insert into scim_users (team_id, user_id, status, user_name, updated_at) select 'team', id, 'active', email, 0 from users where id like 'm%';`,
    ...sizes.flatMap((size) => [
      `insert into scim_groups (id, team_id, display_name, updated_at) values ('g${size}', 'team', 'Everyone ${size}', 0);`,
      `insert into scim_group_members (group_id, user_id) select 'g${size}', id from users where id like 'm%' and cast(substr(id, 2) as integer) <= ${size};`,
    ]),
  ]
  const file = join(dir, 'seed.sql')
  await writeFile(file, sql.join('\n'))
  await wrangler(
    ['d1', 'execute', 'edge-sso', '--local', '--persist-to', dir, '--file', file, '--yes'],
    { timeoutMs: 120_000 },
  )
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const p95 = (values) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]

/** A SCIM request with the bench's token; answers its status, its wall time and its D1 statements. */
function client(base) {
  const statements = async () => (await fetch(`${base}/__bench/statements`)).json()
  const send = (method, path, body) =>
    fetch(`${base}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/scim+json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    })
  return {
    send,
    async measured(method, path, body) {
      await fetch(`${base}/__bench/statements`, { method: 'POST' })
      const started = performance.now()
      const answer = await send(method, path, body)
      await answer.arrayBuffer()
      const ms = performance.now() - started
      const { statements: count } = await statements()
      if (answer.status >= 400) throw new Error(`${method} ${path}: ${answer.status}`)
      return { ms, statements: count }
    },
  }
}

const patchOp = (operation) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [operation],
})

/** Each request `rounds` times on the group of `size` members: statements (they do not vary) and latency. */
async function perRequest(scim, size) {
  const outsider = `m${Math.max(...sizes) + 50}`
  const samples = { add: [], remove: [], slim: [], lookup: [] }
  for (let round = 0; round < rounds; round++) {
    samples.add.push(
      await scim.measured(
        'PATCH',
        `/Groups/g${size}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: outsider }] }),
      ),
    )
    samples.remove.push(
      await scim.measured(
        'PATCH',
        `/Groups/g${size}`,
        patchOp({ op: 'remove', path: `members[value eq "${outsider}"]` }),
      ),
    )
    samples.slim.push(await scim.measured('GET', `/Groups/g${size}?excludedAttributes=members`))
    const someone = `m${1 + Math.floor(Math.random() * size)}@${domain}`
    samples.lookup.push(
      await scim.measured('GET', `/Users?filter=${encodeURIComponent(`userName eq "${someone}"`)}`),
    )
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [
      name,
      {
        statements: Math.max(...list.map((s) => s.statements)),
        medianMs: median(list.map((s) => s.ms)),
        p95Ms: p95(list.map((s) => s.ms)),
      },
    ]),
  )
}

/** Entra's initial sync: per user a GET by filter, then a POST, started at 25 requests a second. */
async function initialSync(scim, base) {
  await fetch(`${base}/__bench/statements`, { method: 'POST' })
  const statuses = []
  const started = performance.now()
  const gapMs = (2 * 1000) / entraRequestsPerSecond
  const users = Array.from({ length: syncUsers }, async (_, i) => {
    await new Promise((r) => setTimeout(r, i * gapMs))
    const userName = `Sync_User_${i}_${randomBytes(4).toString('hex')}`
    const found = await scim.send(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`,
    )
    statuses.push(found.status)
    await found.arrayBuffer()
    const created = await scim.send('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      emails: [{ primary: true, type: 'work', value: `sync.${i}@${domain}` }],
      name: { givenName: 'Sync', familyName: String(i) },
      active: true,
    })
    statuses.push(created.status)
    await created.arrayBuffer()
  })
  await Promise.all(users)
  const seconds = (performance.now() - started) / 1000
  const { statements } = await (await fetch(`${base}/__bench/statements`)).json()
  return {
    users: syncUsers,
    seconds,
    usersPerSecond: syncUsers / seconds,
    requestsPerSecond: statuses.length / seconds,
    tooMany: statuses.filter((s) => s === 429).length,
    failed: statuses.filter((s) => s >= 400 && s !== 429).length,
    statementsPerRequest: statements / statuses.length,
  }
}

function report(results, sync) {
  const ms = (x) => `${x.medianMs.toFixed(1)} ms (p95 ${x.p95Ms.toFixed(1)})`
  const names = {
    add: 'PATCH /Groups/:id: add one member (204)',
    remove: 'PATCH /Groups/:id: remove one member (204)',
    slim: 'GET /Groups/:id?excludedAttributes=members',
    lookup: 'GET /Users?filter=userName eq "…"',
  }
  const lines = [
    markers[0],
    '',
    `Local \`wrangler dev\` (miniflare's D1, no network delay), medians of ${rounds} rounds; D1 statements count each statement of a batch, the bearer-token lookup included.`,
    '',
    `| request | D1 statements, ${sizes[0]} members | ${sizes[0]} members | D1 statements, ${sizes[1].toLocaleString('en')} members | ${sizes[1].toLocaleString('en')} members |`,
    '|---|---|---|---|---|',
    ...Object.entries(names).map(
      ([key, name]) =>
        `| ${name} | ${results[0][key].statements} | ${ms(results[0][key])} | ${results[1][key].statements} | ${ms(results[1][key])} |`,
    ),
    '',
    `Initial sync offered at Entra's pace (${entraRequestsPerSecond} requests a second: a GET by filter, then a POST, per user; each user's pair started on schedule, whatever the answers before) into a team of ${(Math.max(...sizes) + 101).toLocaleString('en')} members: ${sync.users} users in ${sync.seconds.toFixed(1)} s, ${sync.usersPerSecond.toFixed(1)} users/s (${sync.requestsPerSecond.toFixed(1)} requests/s achieved by this one local workerd), ${sync.tooMany} answered 429, ${sync.failed} failed otherwise; ${sync.statementsPerRequest.toFixed(1)} D1 statements per request on average.`,
    '',
    markers[1],
  ]
  return lines.join('\n')
}

const work = await mkdtemp(join(tmpdir(), 'edge-sso-scim-'))
try {
  log('seeding a team of 10,100 members with groups of 100 and 10,000')
  await seed(work)
  const [port, inspector] = [await freePort(), await freePort()]
  const dev = startDev('wrangler dev (bench:scim)', {
    entry: 'bench/scim-entry.ts',
    config: 'wrangler.toml',
    port,
    inspector,
    persist: work,
    args: ['--var', `PUBLIC_URL:http://127.0.0.1:${port}`],
  })
  const base = `http://127.0.0.1:${port}`
  await waitUntilUp(dev, `${base}/__bench/statements`)
  const scim = client(base)
  await scim.measured('GET', '/ServiceProviderConfig')
  const results = []
  for (const size of sizes) {
    log(`${rounds} rounds on the group of ${size} members`)
    results.push(await perRequest(scim, size))
  }
  // A fresh window of the rate limiter before the sync.
  await new Promise((r) => setTimeout(r, 10_000))
  log(`initial sync of ${syncUsers} users at ${entraRequestsPerSecond} requests a second`)
  const sync = await initialSync(scim, base)
  const section = report(results, sync)
  console.log(section)
  if (!args['dry-run']) {
    const doc = await readFile(docPath, 'utf8')
    const [start, end] = [doc.indexOf(markers[0]), doc.indexOf(markers[1])]
    if (start < 0 || end < 0) throw new Error(`${docPath} has no bench:scim markers`)
    await writeFile(docPath, doc.slice(0, start) + section + doc.slice(end + markers[1].length))
    log(`wrote ${docPath}`)
  }
} finally {
  await stopAll()
  await rm(work, { recursive: true, force: true })
}
