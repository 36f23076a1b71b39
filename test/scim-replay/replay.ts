// A recorded SCIM client session as data: each request as the client sends it, and what the client then checks.
import { expect } from 'vitest'

/** One check a client makes on an answer (Runscope's comparisons; the Entra docs' fields). */
export type Assertion =
  | { property: string; is: 'not_empty' | 'a_number' | 'absent' }
  | { property: string; equals: unknown }
  | { property: string; contains: string }
  | { property: string; atLeast: number }

export interface ReplayStep {
  /** The client's own name for the step. */
  name: string
  /** The document and section (or collection step) it comes from. */
  source: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Under the SCIM base URL; `{{variables}}` are filled in before sending. */
  path: string
  /** The headers the client sends besides Authorization (none: no User-Agent, no Content-Type). */
  headers?: Record<string, string>
  /** The body exactly as the client sends it, `{{variables}}` filled in. */
  body?: string
  expect: { status: number; checks?: Assertion[] }
  /** Variables the client keeps from the answer: name → property. */
  save?: Record<string, string>
}

/** `a.b[0].c` of a JSON value (Runscope's property syntax); `emails.value` reads the first item's. */
export function propertyOf(json: unknown, property: string): unknown {
  let value = json
  for (const part of property.split('.')) {
    const [, key, index] = /^([^[]*)(?:\[(\d+)\])?$/.exec(part) ?? []
    if (Array.isArray(value) && key) value = value[0]
    value = key ? (value as Record<string, unknown> | undefined)?.[key] : value
    if (index !== undefined) value = (value as unknown[] | undefined)?.[Number(index)]
  }
  return value
}

export const fill = (text: string, variables: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in variables)) throw new Error(`replay variable {{${name}}} is not set`)
    return variables[name]!
  })

/** Asserts what the client checks on `json`, naming the step on failure. */
export function expectChecks(step: ReplayStep, json: unknown, variables: Record<string, string>) {
  for (const check of step.expect.checks ?? []) {
    const actual = propertyOf(json, check.property)
    const label = `${step.name}: ${check.property}`
    if ('is' in check) {
      if (check.is === 'absent') expect(actual, label).toBeUndefined()
      else if (check.is === 'a_number') expect(typeof actual, label).toBe('number')
      else expect(actual === undefined || actual === null || actual === '', label).toBe(false)
    } else if ('equals' in check)
      expect(actual, label).toEqual(JSON.parse(fill(JSON.stringify(check.equals), variables)))
    else if ('contains' in check) expect(actual, label).toContain(fill(check.contains, variables))
    else expect(Number(actual), label).toBeGreaterThanOrEqual(check.atLeast)
  }
}
