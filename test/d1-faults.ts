// A fault between the app and the rig's D1: statements and batches run, rejected, poisoned or held.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { type Browser, publicOrigin, type Rig } from './harness'

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

const writesSession = (sqls: string[]) => sqls.some((sql) => /^insert into "sessions"/i.test(sql))

/**
 * A returning user's tile login in `browser` (which chose that user there before: no question) whose
 * write-behind batch (session row, event, last login) is held at D1, as a slow write would be. Returns the
 * callback's answer, and `land()`, which lets the real batch run and waits for it.
 */
export async function loginWithHeldWriteBehind(
  rig: Rig,
  login: { browser: Browser; initiatePath: string; person: string },
) {
  let release!: () => void
  const held = new Promise<Verdict>((resolve) => (release = () => resolve('run')))
  // Several statements: the login's batch, not a logout's one-statement upsert of a session row.
  const restore = injectD1Fault(rig, (sqls) =>
    sqls.length > 1 && writesSession(sqls) ? held : 'run',
  )
  const initiate = await rig.fetch(login.browser, login.initiatePath, {
    headers: { 'sec-fetch-site': 'cross-site' },
  })
  const callbackUrl = rig.idp.authorize(initiate.headers.get('location')!, login.person)
  const afterResponse = createExecutionContext()
  const callback = await rig.app.fetch(
    new Request(new URL(callbackUrl, publicOrigin), {
      headers: {
        cookie: login.browser.header(),
        'sec-fetch-site': 'cross-site',
        'cf-connecting-ip': login.browser.ip,
      },
      redirect: 'manual',
    }),
    rig.testEnv,
    afterResponse,
  )
  login.browser.remember(callback)
  const land = async () => {
    release()
    await waitOnExecutionContext(afterResponse)
    restore()
  }
  return { callback, land }
}
