// Counting wrappers for the bench worker: D1 round trips (a batch is one), KV reads and writes, upstream fetches.
export interface Counters {
  d1: number
  kvReads: number
  kvWrites: number
  upstream: number
  /** Wall time spent waiting on D1 and on upstream fetches (workerd's clock advances across I/O). */
  d1Ms: number
  upstreamMs: number
}

export const newCounters = (): Counters => ({ d1: 0, kvReads: 0, kvWrites: 0, upstream: 0, d1Ms: 0, upstreamMs: 0 })

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
    return timed(this.counters, 'd1Ms', column === undefined ? this.inner.first() : this.inner.first(column))
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
    return timed(this.counters, 'd1Ms', options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw())
  }
}

export function countingD1(db: D1Database, counters: Counters): D1Database {
  return {
    prepare: (sql: string) => new CountingStatement(db.prepare(sql), counters),
    batch: (statements: CountingStatement[]) => {
      counters.d1++
      return timed(counters, 'd1Ms', db.batch(statements.map((s) => s.inner)))
    },
    exec: (sql: string) => db.exec(sql),
    withSession: () => {
      throw new Error('not used by the bench')
    },
    dump: () => db.dump(),
  } as unknown as D1Database
}

export function countingKv(kv: KVNamespace, counters: Counters): KVNamespace {
  return {
    get: (key: string, type?: never) => {
      counters.kvReads++
      return kv.get(key, type)
    },
    put: (key: string, value: string, options?: KVNamespacePutOptions) => {
      counters.kvWrites++
      return kv.put(key, value, options)
    },
  } as unknown as KVNamespace
}

export const countingFetch =
  (counters: Counters): typeof fetch =>
  (input, init) => {
    counters.upstream++
    return timed(counters, 'upstreamMs', fetch(input, init))
  }
