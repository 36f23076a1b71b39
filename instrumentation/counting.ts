// Counting wrappers for the tests and the bench: D1 round trips (a batch is one), KV reads and writes, upstream fetches.
export interface Counters {
  d1: number
  kvReads: number
  kvWrites: number
  upstream: number
  /** Of `d1`, the round trips sent after the response (write-behind), as the caller that awaits them counts. */
  d1AfterResponse: number
  /** Wall time spent waiting on D1 and on upstream fetches (workerd's clock advances across I/O). */
  d1Ms: number
  upstreamMs: number
}

export const newCounters = (): Counters => ({
  d1: 0,
  kvReads: 0,
  kvWrites: 0,
  upstream: 0,
  d1AfterResponse: 0,
  d1Ms: 0,
  upstreamMs: 0,
})

function timed<T>(counters: Counters, key: 'd1Ms' | 'upstreamMs', work: Promise<T>): Promise<T> {
  const started = performance.now()
  return work.finally(() => {
    counters[key] += performance.now() - started
  })
}

/** A prepared statement whose every execution counts as one round trip; drizzle's D1 driver uses all/raw/run. */
class CountingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly counters: Counters,
  ) {}
  bind(...values: unknown[]) {
    return new CountingStatement(this.inner.bind(...values), this.counters)
  }
  first(column?: string) {
    this.counters.d1++
    return timed(
      this.counters,
      'd1Ms',
      column === undefined ? this.inner.first() : this.inner.first(column),
    )
  }
  all() {
    this.counters.d1++
    return timed(this.counters, 'd1Ms', this.inner.all())
  }
  run() {
    this.counters.d1++
    return timed(this.counters, 'd1Ms', this.inner.run())
  }
  raw(options?: { columnNames?: boolean }) {
    this.counters.d1++
    return timed(
      this.counters,
      'd1Ms',
      options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw(),
    )
  }
}

/** What a D1 binding and a D1 session have in common: the two methods drizzle calls. */
type D1Queries = Pick<D1Database, 'prepare' | 'batch'>

/** Counts the round trips of a binding or of one of its sessions (a session keeps its bookmark). */
function countingQueries(db: D1Queries, counters: Counters, failBatch: () => boolean) {
  return {
    prepare: (sql: string) => new CountingStatement(db.prepare(sql), counters),
    batch: async (statements: CountingStatement[]) => {
      counters.d1++
      if (failBatch()) throw new Error('D1_ERROR: injected storage failure')
      return timed(counters, 'd1Ms', db.batch(statements.map((s) => s.inner)))
    },
  }
}

/** `failBatch`, when it answers true, makes the next batch fail as D1 would (tests of storage faults). */
export function countingD1(
  db: D1Database,
  counters: Counters,
  failBatch = () => false,
): D1Database {
  return {
    ...countingQueries(db, counters, failBatch),
    exec: (sql: string) => db.exec(sql),
    withSession: (from?: string) => {
      const session = db.withSession(from)
      return {
        ...countingQueries(session, counters, failBatch),
        getBookmark: () => session.getBookmark(),
      }
    },
    dump: () => db.dump(),
  } as unknown as D1Database
}

/** `down`, when it answers true, makes every KV call fail (tests of a KV outage). */
export function countingKv(kv: KVNamespace, counters: Counters, down = () => false): KVNamespace {
  const unavailable = () => Promise.reject(new Error('KV unavailable'))
  return {
    get: (key: string, type?: never) => {
      counters.kvReads++
      return down() ? unavailable() : kv.get(key, type)
    },
    put: (key: string, value: string, options?: KVNamespacePutOptions) => {
      counters.kvWrites++
      return down() ? unavailable() : kv.put(key, value, options)
    },
  } as unknown as KVNamespace
}

export const countingFetch =
  (counters: Counters): typeof fetch =>
  (input, init) => {
    counters.upstream++
    return timed(counters, 'upstreamMs', fetch(input, init))
  }
