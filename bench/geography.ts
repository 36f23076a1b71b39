// The bench's geography: D1 calls delayed by where they go (the far primary, or a replica near the user), and counters that wait for work after the response.
// Wraps any instrumented entry (this repository's, and the previous release's built the same way) without touching it.

/** Round-trip times of the scenario, in ms: `D1_PRIMARY_RTT_MS`, `D1_REPLICA_RTT_MS`; the bench sets them per scenario. */
interface Geography {
  primaryMs: number
  replicaMs: number
}

type GeoEnv = { DB: D1Database; D1_PRIMARY_RTT_MS?: string; D1_REPLICA_RTT_MS?: string }

/** D1 round trips by where they went, and of those, the ones sent after the response. */
const routed = { d1Primary: 0, d1Replica: 0 }
let geography: Geography | undefined

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const isRead = (sql: string) => /^\s*(select|with)\b/i.test(sql)

/**
 * A binding or one D1 session as the Sessions API routes it: outside a session every query goes to the
 * primary; in a session, writes go to the primary, and reads to a replica, except the first query of a
 * 'first-primary' session. Each round trip waits the scenario's delay before it is sent.
 */
function routedQueries(db: Pick<D1Database, 'prepare' | 'batch'>, mayReadReplica: () => boolean) {
  const delayed = async <T>(sqls: string[], send: () => Promise<T>): Promise<T> => {
    const replica = mayReadReplica() && sqls.every(isRead)
    routed[replica ? 'd1Replica' : 'd1Primary']++
    const g = geography ?? { primaryMs: 0, replicaMs: 0 }
    await sleep(replica ? g.replicaMs : g.primaryMs)
    return send()
  }
  const statement = (inner: D1PreparedStatement, sql: string): D1PreparedStatement =>
    ({
      inner,
      sql,
      bind: (...values: unknown[]) => statement(inner.bind(...values), sql),
      first: (column?: string) =>
        delayed([sql], () => (column === undefined ? inner.first() : inner.first(column))),
      all: () => delayed([sql], () => inner.all()),
      run: () => delayed([sql], () => inner.run()),
      raw: (options?: { columnNames?: boolean }) =>
        delayed([sql], () =>
          options?.columnNames ? inner.raw({ columnNames: true }) : inner.raw(),
        ),
    }) as unknown as D1PreparedStatement
  return {
    prepare: (sql: string) => statement(db.prepare(sql), sql),
    batch: (statements: (D1PreparedStatement & { inner: D1PreparedStatement; sql: string })[]) =>
      delayed(
        statements.map((s) => s.sql),
        () => db.batch(statements.map((s) => s.inner)),
      ),
  }
}

function geographicD1(db: D1Database): D1Database {
  return {
    ...routedQueries(db, () => false),
    exec: (sql: string) => db.exec(sql),
    dump: () => db.dump(),
    withSession: (from?: string) => {
      const session = db.withSession(from)
      let queries = 0
      const onPrimaryFirst = from === 'first-primary'
      return {
        ...routedQueries(session, () => queries++ > 0 || !onPrimaryFirst),
        getBookmark: () => session.getBookmark(),
      }
    },
  } as unknown as D1Database
}

/**
 * The entry with geography: env.DB delayed by where each call goes; `POST /__bench/geography` sets the
 * scenario; `/__bench/counters` first waits for the work sent after responses (write-behind) and adds the
 * round trips by where they went; `/__bench/reset` clears those too.
 */
/**
 * The env with its D1 placed in the geography: one object per isolate, as workerd passes its env, so what
 * the app keeps per env object (its parsed config) lives as long as it would in production.
 */
const placedEnvs = new WeakMap<object, object>()
function placed<E extends GeoEnv>(env: E): E {
  let wrapped = placedEnvs.get(env) as E | undefined
  if (!wrapped) placedEnvs.set(env, (wrapped = { ...env, DB: geographicD1(env.DB) }))
  return wrapped
}

export function withGeography<E extends GeoEnv>(inner: {
  fetch: (request: Request, env: E, ctx: ExecutionContext) => Response | Promise<Response>
}): ExportedHandler<E> {
  const pending = new Set<Promise<unknown>>()
  return {
    async fetch(request, env, ctx) {
      geography ??= {
        primaryMs: Number(env.D1_PRIMARY_RTT_MS ?? 0),
        replicaMs: Number(env.D1_REPLICA_RTT_MS ?? 0),
      }
      const { pathname, searchParams } = new URL(request.url)
      if (pathname === '/__bench/geography' && request.method === 'POST') {
        geography = {
          primaryMs: Number(searchParams.get('primary') ?? 0),
          replicaMs: Number(searchParams.get('replica') ?? 0),
        }
        return Response.json(geography)
      }
      if (pathname === '/__bench/counters') {
        await Promise.allSettled([...pending])
        const counted = await (await inner.fetch(request, env, ctx)).json<object>()
        return Response.json({ ...counted, ...routed })
      }
      if (pathname === '/__bench/reset') Object.assign(routed, { d1Primary: 0, d1Replica: 0 })
      const tracked = {
        waitUntil: (work: Promise<unknown>) => {
          const settled = work.finally(() => pending.delete(settled))
          pending.add(settled)
          ctx.waitUntil(settled)
        },
        passThroughOnException: () => ctx.passThroughOnException(),
        props: ctx.props,
      } as unknown as ExecutionContext
      return inner.fetch(request as never, placed(env), tracked)
    },
  }
}
