// SCIM filters as Okta sends them: one `attribute eq "value"` comparison, optionally joined by `and`.
// @see RFC 7644 §3.4.2.2
import { ScimError } from './errors'

export interface Equality {
  /** The attribute path as written, compared case-insensitively (`userName`, `emails.value`). */
  attribute: string
  value: string
}

const comparison = /^\s*([A-Za-z][\w.:$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i

/**
 * Parses a filter of `eq` comparisons joined by `and` (all Okta's provisioning sends). Anything else
 * is `400 invalidFilter`, so an unsupported filter never silently matches everything.
 */
export function parseFilter(filter: string | undefined): Equality[] {
  if (filter === undefined || filter.trim() === '') return []
  if (filter.length > 1024) throw new ScimError(400, 'The filter is too long.', 'invalidFilter')
  const parts = filter.split(/\s+and\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/i)
  return parts.map((part) => {
    const match = comparison.exec(part)
    if (!match?.[1] || match[2] === undefined)
      throw new ScimError(
        400,
        `Unsupported filter "${filter}": only attribute eq "value" (joined by and) is supported.`,
        'invalidFilter',
      )
    let value: string
    try {
      value = JSON.parse(`"${match[2]}"`) as string
    } catch {
      throw new ScimError(400, `The filter value in "${filter}" is malformed.`, 'invalidFilter')
    }
    return { attribute: match[1].replace(/^urn:[^$]*:/i, '').toLowerCase(), value }
  })
}

/** The value compared with `attribute` (lower-cased names), or undefined when the filter does not name it. */
export function filterValue(filters: Equality[], ...attributes: string[]): string | undefined {
  return filters.find((f) => attributes.includes(f.attribute))?.value
}

/** Refuses filters on attributes the caller cannot search by. */
export function onlyAttributes(filters: Equality[], allowed: string[]) {
  const other = filters.find((f) => !allowed.includes(f.attribute))
  if (other)
    throw new ScimError(400, `Filtering by "${other.attribute}" is not supported.`, 'invalidFilter')
}
