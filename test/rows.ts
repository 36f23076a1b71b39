// What the database holds, read directly: the outcome a test checks, never the response it got.
import { env } from 'cloudflare:test'

/** Reads rows directly, around the counting wrapper. */
export const query = <T>(sql: string, ...params: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...params)
    .all<T>()
    .then((r) => r.results)

/** One column of the team's events that match `where` (SQL on the events table), oldest first. */
export async function teamEvents(
  teamId: string,
  where: string,
  column: 'action' | 'error_code' = 'action',
): Promise<(string | null)[]> {
  const rows = await query<{ value: string | null }>(
    `select ${column} as value from events where team_id = ? and ${where} order by at, rowid`,
    teamId,
  )
  return rows.map((row) => row.value)
}
