// Inserts that happen only while a condition holds, checked in the same statement (insert … select … where).
import { getTableColumns, is, SQL, sql } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * `row` as the select an insert takes: each column's value (or its default) as a bound literal, in the
 * table's column order, and one row only when `condition` holds.
 */
export function rowWhen<T extends SQLiteTable>(
  table: T,
  row: T['$inferInsert'],
  condition: SQL,
): SQL {
  const values = Object.entries(getTableColumns(table)).map(([key, column]) => {
    const value = (row as Record<string, unknown>)[key]
    if (value !== undefined) return sql.param(value, column)
    if (is(column.default, SQL)) return column.default
    return column.default === undefined ? sql`null` : sql.param(column.default, column)
  })
  return sql`select ${sql.join(values, sql`, `)} where ${condition}`
}
