// `npm run seed:scale -- [--users N] [--persist-to DIR] [--replace]`: fills wrangler dev's local D1 with N users, N/10 teams and connections, 2N sessions and 10N events.
import { createHash, randomBytes } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { root, wrangler } from './processes.mjs'

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    'persist-to': { type: 'string', default: '.wrangler/state' },
    replace: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
})
const users = Number(args.users)
if (!Number.isInteger(users) || users < 10) throw new Error('--users: a whole number, 10 or more')
const persistTo = resolve(root, args['persist-to'])
const log = (line) => console.error(`[seed] ${line}`)
const { DatabaseSync } = await import('node:sqlite')

const dayMs = 86_400_000
const now = Date.now()
const nowSeconds = Math.floor(now / 1000)
const membersPerTeam = 10
const teams = Math.floor(users / membersPerTeam)
/** Tables in the order rows are written (children after parents, as the foreign keys want). */
const tables = [
  'users',
  'teams',
  'team_domains',
  'memberships',
  'sso_connections',
  'identities',
  'sessions',
  'events',
]

/** Ids shaped like the product's: 16 random bytes in base64url (22 characters), drawn in blocks. */
function idSource(bytes = 16) {
  let block = Buffer.alloc(0)
  let at = 0
  return () => {
    if (at >= block.length) {
      block = randomBytes(bytes * 65_536)
      at = 0
    }
    at += bytes
    return block.subarray(at - bytes, at).toString('base64url')
  }
}
const newId = idSource()
const newReference = idSource(9)

async function databaseFile() {
  log(`applying migrations to the local D1 under ${persistTo}`)
  await wrangler(['d1', 'migrations', 'apply', 'edge-sso', '--local', '--persist-to', persistTo], {
    timeoutMs: 120_000,
  })
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
  if (files.length !== 1) throw new Error(`expected one D1 file in ${dir}, found ${files.length}`)
  return join(dir, files[0])
}

/** The indexes that are not primary keys: dropped while rows go in, built again after (a sort, not N inserts). */
function dropIndexes(db) {
  const indexes = db
    .prepare("select name, sql from sqlite_master where type = 'index' and sql is not null")
    .all()
  for (const { name } of indexes) db.exec(`drop index "${name}"`)
  return () => {
    for (const { sql } of indexes) db.exec(sql)
  }
}

/** Runs `write(i)` for i in [0, count) inside one transaction, with a progress line now and then. */
function fill(db, table, count, write) {
  const started = performance.now()
  db.exec('begin')
  for (let i = 0; i < count; i++) write(i)
  db.exec('commit')
  log(
    `${table}: ${count.toLocaleString('en')} rows in ${Math.round(performance.now() - started)} ms`,
  )
}

function seed(db) {
  const userIds = new Array(users)
  const teamIds = new Array(teams)
  const connectionIds = new Array(teams)
  const email = (i) => `user${i}@t${Math.floor(i / membersPerTeam)}.example`
  const insert = (sql) => db.prepare(sql)

  const user = insert('insert into users (id, email, name, created_at) values (?, ?, ?, ?)')
  fill(db, 'users', users, (i) => {
    userIds[i] = newId()
    user.run(userIds[i], email(i), `User ${i}`, nowSeconds - 365 * 86_400 + (i % 86_400))
  })
  const team = insert(
    "insert into teams (id, name, owner_user_id, default_permission, created_at) values (?, ?, ?, 'private', ?)",
  )
  fill(db, 'teams', teams, (t) => {
    teamIds[t] = newId()
    team.run(teamIds[t], `Team ${t}`, userIds[t * membersPerTeam], nowSeconds - 365 * 86_400 + t)
  })
  const domain = insert('insert into team_domains (domain, team_id) values (?, ?)')
  fill(db, 'team_domains', teams, (t) => domain.run(`t${t}.example`, teamIds[t]))
  const membership = insert(
    'insert into memberships (user_id, team_id, role, permission, created_at) values (?, ?, ?, ?, ?)',
  )
  fill(db, 'memberships', users, (i) => {
    const owner = i % membersPerTeam === 0
    membership.run(
      userIds[i],
      teamIds[Math.floor(i / membersPerTeam)],
      owner ? 'owner' : 'member',
      'private',
      nowSeconds - 300 * 86_400 + i,
    )
  })
  const connection = insert(
    `insert into sso_connections (id, team_id, issuer, client_id, client_secret_sealed, enabled,
     token_endpoint_auth_method) values (?, ?, ?, ?, ?, 1, 'client_secret_basic')`,
  )
  const sealed = `v1.${randomBytes(60).toString('base64url')}`
  fill(db, 'sso_connections', teams, (t) => {
    connectionIds[t] = newId()
    connection.run(connectionIds[t], teamIds[t], `https://t${t}.okta.example`, `0oa${t}`, sealed)
  })
  const identity = insert(
    'insert into identities (connection_id, subject, user_id, created_at) values (?, ?, ?, ?)',
  )
  fill(db, 'identities', users, (i) =>
    identity.run(connectionIds[Math.floor(i / membersPerTeam)], `00u${i}`, userIds[i], nowSeconds),
  )
  const session = insert(
    `insert into sessions (id, user_id, auth_method, connection_id, created_at, expires_at)
     values (?, ?, 'sso', ?, ?, ?)`,
  )
  fill(db, 'sessions', 2 * users, (s) => {
    const i = s % users
    const createdAt = nowSeconds - Math.floor((s / (2 * users)) * 28 * 86_400)
    session.run(
      createHash('sha256').update(newId()).digest('hex'),
      userIds[i],
      connectionIds[Math.floor(i / membersPerTeam)],
      createdAt,
      createdAt + 14 * 86_400,
    )
  })
  const event = insert(
    `insert into events (id, at, kind, action, outcome, error_code, team_id, email, reference_id)
     values (?, ?, 'login', 'sso_callback', ?, ?, ?, ?, ?)`,
  )
  fill(db, 'events', 10 * users, (e) => {
    const i = e % users
    const refused = e % 20 === 0
    event.run(
      newId(),
      now - Math.floor((e / (10 * users)) * 89 * dayMs),
      refused ? 'refused' : 'success',
      refused ? 'not_in_team' : null,
      teamIds[Math.floor(i / membersPerTeam)],
      email(i),
      newReference(),
    )
  })
}

/** Bytes on disk per row of each table, its indexes included (SQLite's dbstat over the seeded file). */
function sizes(db) {
  const owners = Object.fromEntries(
    db
      .prepare("select name, tbl_name from sqlite_master where type in ('table', 'index')")
      .all()
      .map((r) => [r.name, r.tbl_name]),
  )
  const bytes = {}
  for (const { name, size } of db
    .prepare('select name, sum(pgsize) as size from dbstat group by name')
    .all()) {
    const table = owners[name] ?? name
    bytes[table] = (bytes[table] ?? 0) + size
  }
  const rows = Object.fromEntries(
    tables.map((t) => [t, db.prepare(`select count(*) as n from ${t}`).get().n]),
  )
  return { bytes, rows }
}

const started = performance.now()
const file = await databaseFile()
const db = new DatabaseSync(file)
db.exec('pragma foreign_keys = off; pragma synchronous = off; pragma cache_size = -1000000')
const existing = db.prepare('select count(*) as n from users').get().n
if (existing > 0 && !args.replace)
  throw new Error(`${file} already has ${existing} users; --replace deletes every row first`)
if (existing > 0) for (const table of [...tables].reverse()) db.exec(`delete from ${table}`)
log(`seeding ${users.toLocaleString('en')} users into ${file}`)
const rebuildIndexes = dropIndexes(db)
seed(db)
const indexing = performance.now()
rebuildIndexes()
log(`indexes rebuilt in ${Math.round(performance.now() - indexing)} ms`)
const { bytes, rows } = sizes(db)
db.close()
const fileBytes = (await stat(file)).size
const perRow = (table) => Math.round(bytes[table] / Math.max(1, rows[table]))
const summary = {
  users,
  file,
  fileBytes,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  rows,
  bytesPerRow: Object.fromEntries(tables.map((t) => [t, perRow(t)])),
  /** A user with their membership and identity; a team with its domain and connection. */
  bytesPerUser: perRow('users') + perRow('memberships') + perRow('identities'),
  bytesPerTeam: perRow('teams') + perRow('team_domains') + perRow('sso_connections'),
}
if (args.json) console.log(JSON.stringify(summary))
else console.log(summary)
