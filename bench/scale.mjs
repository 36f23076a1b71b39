// `npm run bench:scale -- [--small 1000] [--large 1000000 | --large-state DIR] [--rounds 200]`: D1 time per product query, small D1 against large.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  freePort,
  root,
  start,
  startWrangler,
  stopAll,
  waitUntilUp,
} from '../scripts/processes.mjs'

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '1000' },
    large: { type: 'string', default: '1000000' },
    /** A state directory seeded before (`npm run seed:scale -- --persist-to DIR`): seeding 1M takes minutes. */
    'large-state': { type: 'string' },
    rounds: { type: 'string', default: '200' },
  },
})
const goal = 1.2
const log = (line) => console.error(`[scale] ${line}`)

/** Seeds a fresh local D1 under `dir` with `users` users; answers the seed's summary. */
async function seed(dir, users) {
  log(`seeding ${Number(users).toLocaleString('en')} users`)
  const entry = start(
    'seed',
    ['scripts/seed-scale.mjs', '--users', users, '--persist-to', dir, '--json'],
    {
      log: (line) => line.startsWith('[seed]') && log(line),
    },
  )
  if ((await entry.exited) !== 0) throw new Error(`seeding failed:\n${entry.recent.join('\n')}`)
  return JSON.parse(entry.recent.findLast((line) => line.startsWith('{')))
}

/** Serves the probe worker over the local D1 in `dir` and asks it for `rounds` timings, after a warm-up. */
async function measure(dir, rounds) {
  const [port, inspector] = [await freePort(), await freePort()]
  const dev = startWrangler('wrangler dev (scale probe)', [
    'dev',
    'bench/scale-probe.ts',
    '-c',
    'wrangler.toml',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--persist-to',
    dir,
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
  ])
  const url = `http://127.0.0.1:${port}/`
  await waitUntilUp(dev, url)
  await fetch(`${url}probe?rounds=20`).then((r) => r.json())
  const roundTrips = await fetch(`${url}probe?rounds=${rounds}`).then((r) => r.json())
  const sent = await fetch(`${url}statements?rounds=${rounds}`).then((r) => r.json())
  await stopAll()
  return { ...roundTrips, sqlite: await sqliteTimes(dir, sent) }
}

/**
 * The same statements run by SQLite itself on the same file, timed in microseconds (workerd's clock moves in
 * whole milliseconds): D1's own time without the hop. Writes are rolled back; a warm-up pass goes first.
 */
async function sqliteTimes(dir, sent) {
  const folder = join(dir, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const [file] = (await readdir(folder)).filter(
    (f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite',
  )
  const { DatabaseSync } = await import('node:sqlite')
  const db = new DatabaseSync(join(folder, file))
  const prepared = new Map()
  const statement = (sql) => prepared.get(sql) ?? prepared.set(sql, db.prepare(sql)).get(sql)
  const timeOne = (statements) => {
    db.exec('begin')
    const started = process.hrtime.bigint()
    for (const { sql, params } of statements) statement(sql).all(...params)
    const micros = Number(process.hrtime.bigint() - started) / 1000
    db.exec('rollback')
    return micros
  }
  const result = {}
  for (const [name, samples] of Object.entries(sent)) {
    samples.forEach(timeOne)
    const sorted = samples.map(timeOne).sort((a, b) => a - b)
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000
    result[name] = { medianMs: at(0.5), p95Ms: at(0.95) }
  }
  db.close()
  return result
}

const work = await mkdtemp(join(tmpdir(), 'edge-sso-scale-'))
try {
  const smallDir = join(work, 'small')
  await seed(smallDir, args.small)
  const largeDir = args['large-state'] ? resolve(root, args['large-state']) : join(work, 'large')
  if (!args['large-state']) await seed(largeDir, args.large)
  const rounds = Number(args.rounds)
  const small = await measure(smallDir, rounds)
  const large = await measure(largeDir, rounds)
  const count = (n) => `${Number(n).toLocaleString('en')} users`
  const table = (title, pick, digits) => {
    console.log(`\n${title}\n`)
    console.log(`| query | ${count(small.users)} | ${count(large.users)} | ratio | ≤ ${goal}× |`)
    console.log('|---|---|---|---|---|')
    for (const name of Object.keys(small.queries)) {
      const [a, b] = [pick(small)[name], pick(large)[name]]
      const ratio = b.medianMs / a.medianMs
      const cell = (x) => `${x.medianMs.toFixed(digits)} ms (p95 ${x.p95Ms.toFixed(digits)})`
      console.log(
        `| ${name} | ${cell(a)} | ${cell(b)} | ${ratio.toFixed(2)}× | ${ratio <= goal ? 'met' : 'missed'} |`,
      )
    }
  }
  table(
    `SQLite time per query (medians of ${rounds} random users; the statements D1 ran, timed by SQLite on the same file)`,
    (r) => r.sqlite,
    3,
  )
  table(
    `Round trip through local D1 from the worker (medians of ${rounds}; workerd's clock moves in whole ms)`,
    (r) => r.queries,
    1,
  )
} finally {
  await stopAll()
  await rm(work, { recursive: true, force: true })
}
