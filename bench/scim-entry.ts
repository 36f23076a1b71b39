// The SCIM bench's worker entry: the real app over a D1 that counts statements (each statement of a batch counts) and round trips.
import { createApp } from '../src/app'
import { createRuntime } from '../src/runtime'

const counted = { statements: 0, roundTrips: 0 }
const app = createApp(createRuntime())

/** A prepared statement that counts each execution; drizzle's D1 driver calls all/raw/run/first. */
function countingStatement(inner: D1PreparedStatement): D1PreparedStatement {
  const ran = <T>(work: Promise<T>) => {
    counted.statements++
    counted.roundTrips++
    return work
  }
  return {
    inner,
    bind: (...values: unknown[]) => countingStatement(inner.bind(...values)),
    first: (column?: string) => ran(column === undefined ? inner.first() : inner.first(column)),
    all: () => ran(inner.all()),
    run: () => ran(inner.run()),
    raw: (options?: { columnNames?: boolean }) =>
      ran(options?.columnNames ? inner.raw({ columnNames: true }) : inner.raw()),
  } as unknown as D1PreparedStatement
}

const unwrap = (statement: D1PreparedStatement) =>
  (statement as unknown as { inner: D1PreparedStatement }).inner

function countingQueries(db: Pick<D1Database, 'prepare' | 'batch'>) {
  return {
    prepare: (sql: string) => countingStatement(db.prepare(sql)),
    batch: (statements: D1PreparedStatement[]) => {
      counted.statements += statements.length
      counted.roundTrips++
      return db.batch(statements.map(unwrap))
    },
  }
}

const countingD1 = (db: D1Database): D1Database =>
  ({
    ...countingQueries(db),
    exec: (sql: string) => db.exec(sql),
    withSession: (from?: string) => {
      const session = db.withSession(from)
      return { ...countingQueries(session), getBookmark: () => session.getBookmark() }
    },
    dump: () => db.dump(),
  }) as unknown as D1Database

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const { pathname } = new URL(request.url)
    if (pathname === '/__bench/statements') {
      const answer = Response.json(counted)
      if (request.method === 'POST') Object.assign(counted, { statements: 0, roundTrips: 0 })
      return answer
    }
    return app.fetch(request, { ...env, DB: countingD1(env.DB) }, ctx)
  },
} satisfies ExportedHandler<Env>
