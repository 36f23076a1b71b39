// Telling a lost race (a unique index said no) from a storage failure, whatever wrapped D1's error.
const messages = (error: unknown): string => (error instanceof Error ? `${error.message} ${messages(error.cause)}` : '')

/** True when a unique index or primary key refused the write; `on` narrows it to one table. */
export function isUniqueViolation(error: unknown, on?: string): boolean {
  const text = messages(error)
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(text) && (on === undefined || text.includes(`${on}.`))
}
