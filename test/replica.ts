// A D1 read replica that lags, for workerd tests (one D1 instance there): reads a replica may serve come from a copy of the D1 state taken earlier.
import { applyD1Migrations, env } from 'cloudflare:test'

const isRead = (sql: string) => /^\s*(select|with)\b/i.test(sql)

/** A statement routed when it runs: to the primary, or to the replica's copy when the session may read it. */
class RoutedStatement {
  constructor(
    private readonly session: ModelSession,
    readonly sql: string,
    readonly params: unknown[] = [],
  ) {}
  bind(...values: unknown[]) {
    return new RoutedStatement(this.session, this.sql, values)
  }
  on(d1: D1Database) {
    return d1.prepare(this.sql).bind(...this.params)
  }
  first(column?: string) {
    return this.session.run([this], (d1) =>
      column === undefined ? this.on(d1).first() : this.on(d1).first(column),
    )
  }
  all() {
    return this.session.run([this], (d1) => this.on(d1).all())
  }
  run() {
    return this.session.run([this], (d1) => this.on(d1).run())
  }
  raw(options?: { columnNames?: boolean }) {
    return this.session.run([this], (d1) =>
      options?.columnNames ? this.on(d1).raw({ columnNames: true }) : this.on(d1).raw(),
    )
  }
}

/**
 * One D1 session as the Sessions API defines it, over the model: 'first-primary' reads the primary;
 * 'first-unconstrained' may read the replica; a bookmark reads the replica only if the replica's copy is at
 * least that new (otherwise the replica would first catch up: modelled as reading the primary). A write
 * goes to the primary and moves the session past it (sequential consistency). Bookmarks count writes.
 */
class ModelSession {
  onReplica: boolean
  seen = 0
  constructor(
    private readonly model: LaggingReplica,
    from: string | undefined,
  ) {
    this.onReplica =
      from === 'first-unconstrained' ||
      (from !== undefined && from !== 'first-primary' && Number(from) <= model.copiedAt)
  }
  prepare(sql: string) {
    return new RoutedStatement(this, sql)
  }
  batch(statements: RoutedStatement[]) {
    return this.run(statements, (d1) => d1.batch(statements.map((s) => s.on(d1))))
  }
  async run<T>(statements: RoutedStatement[], send: (d1: D1Database) => Promise<T>): Promise<T> {
    const reads = statements.every((s) => isRead(s.sql))
    const fromReplica = reads && this.onReplica
    if (fromReplica) this.model.replicaReads++
    const result = await send(fromReplica ? env.REPLICA_SNAPSHOT : env.DB)
    if (!reads) {
      this.model.writes++
      this.onReplica = false
    }
    this.seen = fromReplica ? this.model.copiedAt : this.model.writes
    return result
  }
  getBookmark() {
    return String(this.seen).padStart(12, '0')
  }
}

/** The primary (the test's D1) and a replica whose state is a copy taken at `snapshot()`, until the next one. */
export class LaggingReplica {
  /** Writes through the model so far; the copy holds the state as of `copiedAt` of them. */
  writes = 0
  copiedAt = 0
  replicaReads = 0

  static async create(): Promise<LaggingReplica> {
    await applyD1Migrations(env.REPLICA_SNAPSHOT, env.TEST_MIGRATIONS)
    return new LaggingReplica()
  }

  /** The binding as the worker sees it: queries outside a session go to the primary, as D1's do. */
  binding(): D1Database {
    const primary = new ModelSession(this, 'first-primary')
    return {
      prepare: (sql: string) => primary.prepare(sql),
      batch: (statements: RoutedStatement[]) => primary.batch(statements),
      withSession: (from?: string) => new ModelSession(this, from),
    } as unknown as D1Database
  }

  /** Copies every table of the primary into the replica: from now on its reads see this state. */
  async snapshot(): Promise<void> {
    const tables = await env.DB.prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations'",
    ).all<{ name: string }>()
    const copy = env.REPLICA_SNAPSHOT
    const statements = [
      copy.prepare('pragma defer_foreign_keys = on'),
      ...tables.results.map(({ name }) => copy.prepare(`delete from "${name}"`)),
    ]
    for (const { name } of tables.results) {
      for (const row of (await env.DB.prepare(`select * from "${name}"`).all()).results) {
        const columns = Object.keys(row)
        const names = columns.map((c) => `"${c}"`).join(', ')
        const marks = columns.map(() => '?').join(', ')
        statements.push(
          copy
            .prepare(`insert into "${name}" (${names}) values (${marks})`)
            .bind(...Object.values(row)),
        )
      }
    }
    await copy.batch(statements)
    this.copiedAt = this.writes
  }
}
