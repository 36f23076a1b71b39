// A fault between the app and the rig's D1: statements and batches run, rejected, poisoned or held.
import type { Rig } from './harness'

/**
 * What happens to a statement or batch: run, rejected before D1 sees it (as a storage failure, or "lost" as
 * D1's transient "Network connection lost"), or failing inside D1 ("poison").
 */
export type Verdict = 'run' | 'reject' | 'lost' | 'poison'

/** A verdict now, or later: a fault that returns a promise holds the write until it settles. */
type Fault = (sqls: string[]) => Verdict | Promise<Verdict>

/** A statement that remembers its SQL, so a fault can pick the statements it hits. */
class TracedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    readonly sql: string,
    private readonly fault: Fault,
  ) {}
  bind(...values: unknown[]) {
    return new TracedStatement(this.inner.bind(...values), this.sql, this.fault)
  }
  async #check() {
    if ((await this.fault([this.sql])) !== 'run')
      throw new Error('D1_ERROR: injected storage failure')
  }
  async first(column?: string) {
    await this.#check()
    return column === undefined ? this.inner.first() : this.inner.first(column)
  }
  async all() {
    await this.#check()
    return this.inner.all()
  }
  async run() {
    await this.#check()
    return this.inner.run()
  }
  async raw(options?: { columnNames?: boolean }) {
    await this.#check()
    return options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw()
  }
}

/**
 * Puts a fault between the app and the rig's D1: each statement or batch is run, rejected before D1
 * sees it, or ("poison") sent with one more statement that fails inside D1 after the others have run;
 * returns the function that puts the rig's own D1 back.
 */
export function injectD1Fault(rig: Rig, fault: Fault) {
  const d1 = rig.testEnv.DB
  const faulty = (db: Pick<D1Database, 'prepare' | 'batch'>) => ({
    prepare: (sql: string) => new TracedStatement(db.prepare(sql), sql, fault),
    batch: async (statements: TracedStatement[]) => {
      const verdict = await fault(statements.map((s) => s.sql))
      if (verdict === 'reject') throw new Error('D1_ERROR: injected storage failure')
      if (verdict === 'lost') throw new Error('D1_ERROR: Network connection lost.')
      const inner = statements.map((s) => s.inner)
      // SQLite raises "integer overflow" while executing this, so it fails after the earlier statements ran.
      if (verdict === 'poison') inner.push(db.prepare('select abs(-9223372036854775807 - 1)'))
      return db.batch(inner)
    },
  })
  rig.testEnv.DB = {
    ...faulty(d1),
    exec: (sql: string) => d1.exec(sql),
    withSession: (from?: string) => {
      const session = d1.withSession(from)
      return { ...faulty(session), getBookmark: () => session.getBookmark() }
    },
    dump: () => d1.dump(),
  } as unknown as D1Database
  return () => {
    rig.testEnv.DB = d1
  }
}
