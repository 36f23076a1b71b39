// Records every SQL statement the app sends to D1 (text and last parameters), for the query-plan test to EXPLAIN, and counts them.
/** SQL text → the parameters it last ran with; one map per test file (each file has its own module state). */
export const statementsSeen = new Map<string, unknown[]>()

/** Statements run so far in this test file (each statement of a batch counts), and their SQL in order. */
export const statementsRun = { count: 0, sql: [] as string[] }

/** The statements `work` ran (count and SQL), whatever else ran before. */
export async function statementsOf(work: () => Promise<unknown>) {
  const [count, seen] = [statementsRun.count, statementsRun.sql.length]
  await work()
  return { count: statementsRun.count - count, sql: statementsRun.sql.slice(seen) }
}

const ran = (sql: string) => {
  statementsRun.count++
  statementsRun.sql.push(sql)
}

class RecordingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    readonly sql: string,
  ) {
    if (!statementsSeen.has(sql)) statementsSeen.set(sql, [])
  }
  bind(...values: unknown[]) {
    statementsSeen.set(this.sql, values)
    return new RecordingStatement(this.inner.bind(...values), this.sql)
  }
  first(column?: string) {
    ran(this.sql)
    return column === undefined ? this.inner.first() : this.inner.first(column)
  }
  all() {
    ran(this.sql)
    return this.inner.all()
  }
  run() {
    ran(this.sql)
    return this.inner.run()
  }
  raw(options?: { columnNames?: boolean }) {
    ran(this.sql)
    return options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw()
  }
}

/** A binding or one of its D1 sessions, with every prepared statement recorded. */
const recordingQueries = (db: Pick<D1Database, 'prepare' | 'batch'>) => ({
  prepare: (sql: string) => new RecordingStatement(db.prepare(sql), sql),
  batch: (statements: RecordingStatement[]) => {
    for (const statement of statements) ran(statement.sql)
    return db.batch(statements.map((s) => s.inner))
  },
})

/** The binding as the app sees it, with every prepared statement recorded in `statementsSeen`. */
export const recordingD1 = (db: D1Database): D1Database =>
  ({
    ...recordingQueries(db),
    exec: (sql: string) => db.exec(sql),
    withSession: (from?: string) => {
      const session = db.withSession(from)
      return { ...recordingQueries(session), getBookmark: () => session.getBookmark() }
    },
    dump: () => db.dump(),
  }) as unknown as D1Database
