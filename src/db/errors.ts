// Reading D1's errors through whatever wrapped them (drizzle puts D1's own error in `cause`).
const messages = (error: unknown): string =>
  error instanceof Error ? `${error.message} ${messages(error.cause)}` : ''

/** True when a unique index or primary key refused the write; `on` narrows it to one table. */
export function isUniqueViolation(error: unknown, on?: string): boolean {
  const text = messages(error)
  return (
    /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(text) &&
    (on === undefined || text.includes(`${on}.`))
  )
}

/** True when D1 itself failed (unavailable, overloaded, a statement error), as opposed to our code. */
export const isStorageFailure = (error: unknown): boolean => /D1_|SQLITE_|D1 /.test(messages(error))
