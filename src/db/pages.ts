// Keyset pages: a position is the (number, id) pair of the last row shown; a page asks for one row more than it shows.
export type Position = readonly [number, string]

export interface Page<T> {
  rows: T[]
  /** The last shown row's position when more rows follow, else null. */
  next: Position | null
}

/** Cuts the extra row a query fetched (limit + 1) and names where the next page starts. */
export function pageOf<T>(rows: T[], limit: number, position: (row: T) => Position): Page<T> {
  const shown = rows.slice(0, limit)
  const last = shown.at(-1)
  return { rows: shown, next: rows.length > limit && last ? position(last) : null }
}
