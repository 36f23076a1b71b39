// The scale figure's worker: times the product's own D1 queries against whatever the local D1 holds (1k or 1M users).
import { eq, sql } from 'drizzle-orm'
import { database, type Database } from '../src/db/client'
import { connectionsByIssuer, connectionsForDomain } from '../src/db/connections'
import { insertEvent, listEvents } from '../src/db/events'
import { loadSsoLoginFacts } from '../src/db/login'
import { deleteBatch } from '../src/db/retention'
import { events, identities, memberships, sessions, ssoConnections, users } from '../src/db/schema'
import { insertSession, loadSessionRecheck } from '../src/db/sessions'
import { listMembers, loadTeams } from '../src/db/teams'
import { userWithTeam } from '../src/db/users'

/** A real user picked at random, with what each query needs to find them. */
interface Sample {
  userId: string
  email: string
  domain: string
  teamId: string
  teamCreatedAt: number
  connectionId: string
  issuer: string
  subject: string
  sessionId: string
  event: readonly [number, string]
}

async function pick(db: Database, maxRowid: number, maxEventRowid: number): Promise<Sample> {
  const user = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`${users}.rowid >= ${1 + Math.floor(Math.random() * maxRowid)}`)
    .limit(1)
    .get()
  const person = await db
    .select({
      userId: users.id,
      email: users.email,
      teamId: memberships.teamId,
      teamCreatedAt: sql<number>`(select created_at from teams where id = ${memberships.teamId})`,
      connectionId: identities.connectionId,
      subject: identities.subject,
      issuer: ssoConnections.issuer,
      sessionId: sql<string>`(select id from sessions where user_id = ${users.id} limit 1)`,
    })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .innerJoin(identities, eq(identities.userId, users.id))
    .innerJoin(ssoConnections, eq(ssoConnections.id, identities.connectionId))
    .where(eq(users.id, user?.id ?? ''))
    .get()
  const event = await db
    .select({ at: events.at, id: events.id })
    .from(events)
    .where(sql`${events}.rowid >= ${1 + Math.floor(Math.random() * maxEventRowid)}`)
    .limit(1)
    .get()
  if (!person || !event) throw new Error('the local D1 is empty: run npm run seed:scale first')
  return {
    ...person,
    domain: person.email.split('@')[1] ?? '',
    event: [event.at, event.id],
  }
}

/** Each product query as the product calls it, named by the step it serves. */
const queries: Record<string, (db: Database, s: Sample) => Promise<unknown>> = {
  'initiate: connection by issuer': (db, s) => connectionsByIssuer(db, s.issuer),
  'start: connection for an email domain': (db, s) => connectionsForDomain(db, s.domain),
  'callback: login facts (batch of 4)': (db, s) =>
    loadSsoLoginFacts(db, {
      connectionId: s.connectionId,
      subject: s.subject,
      email: s.email,
      domain: s.domain,
    }),
  'callback: session and event written (batch of 2)': (db, s) =>
    db.batch([
      insertSession(db, {
        id: crypto.randomUUID(),
        userId: s.userId,
        authMethod: 'sso',
        connectionId: s.connectionId,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        issuedAtMs: Date.now(),
      }),
      insertEvent(db, {
        id: crypto.randomUUID(),
        at: Date.now(),
        kind: 'login',
        action: 'sso_callback',
        outcome: 'success',
        teamId: s.teamId,
        email: s.email,
        referenceId: crypto.randomUUID().slice(0, 12),
      }),
    ]),
  '/api/me recheck': (db, s) =>
    loadSessionRecheck(db, s.sessionId, s.userId, Math.floor(Date.now() / 1000)),
  'password login: user by email': (db, s) => userWithTeam(db, s.email),
  'admin: a page of 50 teams (batch of 4)': (db, s) =>
    loadTeams(db, { limit: 50, before: [s.teamCreatedAt, s.teamId] }),
  'admin: one team (batch of 4)': (db, s) => loadTeams(db, { id: s.teamId }),
  "admin: a team's members": (db, s) => listMembers(db, s.teamId, { limit: 100 }),
  'admin: a page of 50 events': (db, s) => listEvents(db, { limit: 50, before: s.event }),
  "admin: a team's latest 50 events": (db, s) => listEvents(db, { teamId: s.teamId, limit: 50 }),
  'retention: a batch of 10 expired sessions': (db) =>
    deleteBatch(
      db,
      { table: sessions, column: sessions.expiresAt },
      Math.floor(Date.now() / 1000),
      10,
    ),
}

/** Keeps the retention batch's supply of expired sessions the same at every size (not timed). */
const expiredSessions = (db: Database, userId: string, count: number) =>
  db.insert(sessions).values(
    Array.from({ length: count }, () => ({
      id: crypto.randomUUID(),
      userId,
      authMethod: 'password' as const,
      expiresAt: Math.floor(Date.now() / 1000) - 86_400,
    })),
  )

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

/** Times every query `rounds` times, each time for another random user (workerd's clock moves across I/O). */
async function probe(d1: D1Database, rounds: number) {
  const db = database(d1)
  const maxRowid = (await d1.prepare('select max(rowid) as n from users').first<number>('n')) ?? 0
  const maxEventRowid =
    (await d1.prepare('select max(rowid) as n from events').first<number>('n')) ?? 0
  const times: Record<string, number[]> = Object.fromEntries(
    Object.keys(queries).map((name) => [name, []]),
  )
  for (let round = 0; round < rounds; round++) {
    const sample = await pick(db, maxRowid, maxEventRowid)
    await expiredSessions(db, sample.userId, 10)
    for (const [name, query] of Object.entries(queries)) {
      const started = performance.now()
      await query(db, sample)
      times[name]?.push(performance.now() - started)
    }
  }
  const users = await d1.prepare('select count(*) as n from users').first<number>('n')
  return {
    users,
    rounds,
    queries: Object.fromEntries(
      Object.entries(times).map(([name, ms]) => {
        const sorted = ms.sort((a, b) => a - b)
        return [name, { medianMs: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95) }]
      }),
    ),
  }
}

/** A binding that writes down each statement with its parameters instead of running it (the replay runs it). */
function recording(into: { sql: string; params: unknown[] }[]): D1Database {
  const nothing = { results: [], meta: { changes: 0 }, success: true }
  const wrap = (sql: string, params: unknown[]) => {
    const record = <T>(answer: T) => (into.push({ sql, params }), Promise.resolve(answer))
    return {
      sql,
      params,
      bind: (...values: unknown[]) => wrap(sql, values),
      first: () => record(null),
      all: () => record(nothing),
      run: () => record(nothing),
      raw: () => record([]),
    }
  }
  return {
    prepare: (sql: string) => wrap(sql, []),
    batch: (statements: { sql: string; params: unknown[] }[]) => {
      for (const { sql, params } of statements) into.push({ sql, params })
      return Promise.resolve(statements.map(() => nothing))
    },
  } as unknown as D1Database
}

/** The statements each query sends for `samples` random users, for timing by SQLite itself outside workerd. */
async function statements(d1: D1Database, samples: number) {
  const db = database(d1)
  const maxRowid = (await d1.prepare('select max(rowid) as n from users').first<number>('n')) ?? 0
  const maxEventRowid =
    (await d1.prepare('select max(rowid) as n from events').first<number>('n')) ?? 0
  const sent: Record<string, { sql: string; params: unknown[] }[][]> = {}
  for (let i = 0; i < samples; i++) {
    const sample = await pick(db, maxRowid, maxEventRowid)
    for (const [name, query] of Object.entries(queries)) {
      const log: { sql: string; params: unknown[] }[] = []
      await query(database(recording(log)), sample)
      ;(sent[name] ??= []).push(log)
    }
  }
  return sent
}

export default {
  async fetch(request: Request, env: Env) {
    const url = new URL(request.url)
    const rounds = Number(url.searchParams.get('rounds') ?? 200)
    if (url.pathname === '/statements')
      return Response.json(await statements(env.DB, Math.max(1, Math.min(rounds, 5000))))
    if (url.pathname !== '/probe') return new Response('GET /probe?rounds=N', { status: 404 })
    return Response.json(await probe(env.DB, Math.max(1, Math.min(rounds, 5000))))
  },
} satisfies ExportedHandler<Env>
