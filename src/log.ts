// Structured JSON log lines for Workers Logs: one line per event, the cause of a failure spelt out.
type LogLevel = 'info' | 'warn' | 'error'

interface LoggedCause {
  name: string
  message: string
  field?: string
}

/** The error's name, message and (for a configuration error) the field at fault; never a stack. */
export function describeCause(error: unknown): LoggedCause | undefined {
  if (error === undefined || error === null) return undefined
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) }
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
