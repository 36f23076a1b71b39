// SCIM filters as Okta and Entra send them: `attribute eq "value"` comparisons, optionally joined by `and`.
// @see RFC 7644 §3.4.2.2
import type { UserQuery } from '../db/scim'
import { ScimError } from './errors'

export interface Equality {
  /**
   * The attribute path, lower-cased (`username`, `emails.value`); Entra's `emails[type eq "work"].value`
   * is `emails[type]` with `type` set.
   */
  attribute: string
  value: string
  /** The `type` an `emails[type eq "…"].value` filter names, lower-cased. */
  type?: string
}

const comparison =
  /^\s*([A-Za-z][\w.:$-]*(?:\[\s*type\s+eq\s+"[^"\\]*"\s*\]\.value)?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i
const typedEmail = /^emails\[\s*type\s+eq\s+"([^"\\]*)"\s*\]\.value$/i

/** `attribute` (a schema URN prefix dropped) as an Equality's attribute and type. */
function readAttribute(raw: string): Pick<Equality, 'attribute' | 'type'> {
  const attribute = raw.replace(/^urn:[^[]*:(?=[^:[]+(\[|$))/i, '')
  const typed = typedEmail.exec(attribute)
  if (typed) return { attribute: 'emails[type]', type: (typed[1] ?? '').toLowerCase() }
  return { attribute: attribute.toLowerCase() }
}

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
    return { ...readAttribute(match[1]), value }
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

/**
 * The users a filter asks for: userName case-insensitively, any email by its value, externalId and id
 * exactly. We keep one email, of type work: a filter on another type matches no one.
 */
export function userQuery(filters: Equality[]): UserQuery {
  const typed = filters.find((f) => f.attribute === 'emails[type]')
  return {
    userName: filterValue(filters, 'username'),
    email: filterValue(filters, 'emails.value', 'emails', 'emails[type]'),
    externalId: filterValue(filters, 'externalid'),
    id: filterValue(filters, 'id'),
    ...(typed && typed.type !== 'work' ? { none: true } : {}),
  }
}
