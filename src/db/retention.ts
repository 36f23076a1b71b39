// Retention's one statement: delete up to `limit` rows of a table whose column is below a cutoff, by rowid.
import { lt, sql } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Database } from './client'

/** A table whose rows are only history once `column` is below the cutoff (an index on `column` keeps it a range). */
export interface ExpiringRows {
  table: SQLiteTable
  column: SQLiteColumn
}

/** Deletes one bounded batch (the rowid subquery walks the column's index); answers how many rows went. */
export async function deleteBatch(
  db: Database,
  { table, column }: ExpiringRows,
  cutoff: number,
  limit: number,
): Promise<number> {
  const result = await db.run(
    sql`delete from ${table} where rowid in (select rowid from ${table} where ${lt(column, cutoff)} limit ${limit})`,
  )
  return result.meta.changes
}
