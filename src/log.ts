// Structured JSON log lines for Workers Logs: one line per event, the cause of a failure spelt out.
import { DrizzleQueryError } from 'drizzle-orm'
type LogLevel = 'info' | 'error'

interface LoggedCause {
  name: string
  message: string
  field?: string
}

/** drizzle's wrapper quotes the statement's parameters (emails, password hashes): log D1's own error. */
const withoutParameters = (error: Error): Error =>
  error instanceof DrizzleQueryError && error.cause instanceof Error ? error.cause : error

/** The error's name, message and (for a configuration error) the field at fault; never a stack. */
export function describeCause(cause: unknown): LoggedCause | undefined {
  if (cause === undefined || cause === null) return undefined
  if (!(cause instanceof Error)) return { name: typeof cause, message: String(cause) }
  const error = withoutParameters(cause)
  const field = (error as { field?: unknown }).field
  return {
    name: error.name,
    message: error.message,
    ...(typeof field === 'string' ? { field } : {}),
  }
}

export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, event, ...fields })
  if (level === 'error') console.error(line)
  else console.log(line)
}
