// D1 reads through the Sessions API, each as fresh as its caller needs: any replica, a bookmark, or the primary.
import { type Database, d1Session } from './db/client'
import type { Runtime } from './runtime'

/** Reads that may lag by any replica lag (the connection at initiate): the nearest replica. */
export const anyReplica = (d1: D1Database): Database => d1Session(d1, 'first-unconstrained').db

/** Reads at least as fresh as `bookmark` (a write this request made, say): a replica that has caught up to it. */
export const replicaAfter = (d1: D1Database, bookmark: string): Database =>
  d1Session(d1, bookmark).db

function remember(runtime: Runtime, bookmark: string | null, at: number) {
  if (bookmark && (!runtime.primaryMark || at > runtime.primaryMark.at))
    runtime.primaryMark = { bookmark, at }
}

/**
 * `work` in a D1 session whose first query goes to the primary; its bookmark is remembered as this isolate's
 * newest (everything committed before `work` started is in it) and returned for reads that must see the write.
 */
export async function onPrimary<T>(
  d1: D1Database,
  runtime: Runtime,
  work: (db: Database) => Promise<T>,
): Promise<{ result: T; bookmark: string | null }> {
  const started = runtime.now()
  const session = d1Session(d1, 'first-primary')
  const result = await work(session.db)
  const bookmark = session.bookmark()
  remember(runtime, bookmark, started)
  return { result, bookmark }
}

/**
 * A read that sees every write committed before `freshAt`, no older than `maxAgeMs`: on a replica anchored at
 * this isolate's newest primary bookmark when that is recent enough, else on the primary (which renews it).
 * A replica's lag never stretches the promise: the caller counts its interval from `freshAt`, not from now.
 */
export async function freshRead<T>(
  d1: D1Database,
  runtime: Runtime,
  maxAgeMs: number,
  work: (db: Database) => Promise<T>,
): Promise<{ result: T; freshAt: number }> {
  const mark = runtime.primaryMark
  if (mark && runtime.now() - mark.at <= maxAgeMs)
    return { result: await work(replicaAfter(d1, mark.bookmark)), freshAt: mark.at }
  const freshAt = runtime.now()
  const { result } = await onPrimary(d1, runtime, work)
  return { result, freshAt }
}
