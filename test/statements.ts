// Records every SQL statement the app sends to D1 (text and last parameters), for the query-plan test to EXPLAIN.
/** SQL text → the parameters it last ran with; one map per test file (each file has its own module state). */
export const statementsSeen = new Map<string, unknown[]>()

class RecordingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly sql: string,
  ) {
    if (!statementsSeen.has(sql)) statementsSeen.set(sql, [])
  }
  bind(...values: unknown[]) {
    statementsSeen.set(this.sql, values)
    return new RecordingStatement(this.inner.bind(...values), this.sql)
  }
  first(column?: string) {
    return column === undefined ? this.inner.first() : this.inner.first(column)
  }
  all() {
    return this.inner.all()
  }
  run() {
    return this.inner.run()
  }
  raw(options?: { columnNames?: boolean }) {
    return options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw()
  }
}

/** A binding or one of its D1 sessions, with every prepared statement recorded. */
const recordingQueries = (db: Pick<D1Database, 'prepare' | 'batch'>) => ({
  prepare: (sql: string) => new RecordingStatement(db.prepare(sql), sql),
  batch: (statements: RecordingStatement[]) => db.batch(statements.map((s) => s.inner)),
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
