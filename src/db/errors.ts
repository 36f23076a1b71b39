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

/**
 * True for the errors D1 documents as transient, worth one more try (the list of Cloudflare's D1 read
 * replication template, `shouldRetry`): the connection to the database was lost, or its object was reset.
 * @see https://developers.cloudflare.com/d1/best-practices/retry-queries/
 */
export const isTransientD1Error = (error: unknown): boolean =>
  /Network connection lost|storage caused object to be reset|reset because its code was updated/.test(
    messages(error),
  )
