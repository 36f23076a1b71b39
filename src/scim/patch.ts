// SCIM PATCH over a resource as plain JSON: the operation forms Okta (and Entra ID) send.
// @see RFC 7644 §3.5.2
import * as z from 'zod/mini'
import { ScimError } from './errors'

const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

const operation = z.looseObject({
  op: z.pipe(
    z.string(),
    z.transform((op) => op.toLowerCase()),
  ),
  path: z.optional(z.string().check(z.maxLength(512))),
  value: z.optional(z.unknown()),
})
const patchRequest = z.looseObject({
  schemas: z.array(z.string()),
  Operations: z.array(operation).check(z.minLength(1), z.maxLength(1000)),
})
export type PatchOperation = z.output<typeof operation>

/** A PatchOp body's operations, or 400 invalidSyntax. */
export function readPatchOperations(body: unknown): PatchOperation[] {
  const request = patchRequest.safeParse(body)
  if (!request.success || !request.data.schemas.includes(patchOpSchema))
    throw new ScimError(400, 'The body must be a PatchOp with Operations.', 'invalidSyntax')
  return request.data.Operations
}

type Json = Record<string, unknown>

interface Path {
  attribute: string
  /** `[sub eq "value"]` on a multi-valued attribute. */
  filter?: { attribute: string; value: string }
  subAttribute?: string
}

const pathPattern =
  /^([A-Za-z][\w$-]*)(?:\[\s*([A-Za-z][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\])?(?:\.([A-Za-z][\w$-]*))?$/i

/** `active`, `name.givenName`, `emails[type eq "work"].value`, `members[value eq "id"]`, with an optional schema URN. */
export function parsePath(raw: string): Path {
  const path = raw.replace(/^urn:ietf:params:scim:schemas:[^$]*?:(User|Group):/i, '')
  const match = pathPattern.exec(path)
  if (!match?.[1]) throw new ScimError(400, `Unsupported path "${raw}".`, 'invalidPath')
  const [, attribute, filterAttribute, filterValue, subAttribute] = match
  return {
    attribute,
    ...(filterAttribute && filterValue !== undefined
      ? { filter: { attribute: filterAttribute, value: JSON.parse(`"${filterValue}"`) as string } }
      : {}),
    ...(subAttribute ? { subAttribute } : {}),
  }
}

/** The key of `object` that matches `name` case-insensitively (SCIM attribute names are), or `name`. */
const keyOf = (object: Json, name: string) =>
  Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const matches = (item: unknown, filter: NonNullable<Path['filter']>) =>
  isObject(item) && String(item[keyOf(item, filter.attribute)]) === filter.value

/** Adds `value` to a multi-valued attribute, skipping entries whose `value` is already there. */
function appendUnique(existing: unknown, value: unknown): unknown[] {
  const list = Array.isArray(existing) ? [...existing] : []
  for (const item of Array.isArray(value) ? value : [value]) {
    const key = isObject(item) ? item.value : undefined
    if (key === undefined || !list.some((e) => isObject(e) && e.value === key)) list.push(item)
  }
  return list
}

/**
 * Sets one attribute, or one `attribute.subAttribute` as Entra ID writes them in a path-less value; a
 * deeper key is 400 invalidPath (a value is never walked once per dot).
 */
function setAttribute(resource: Json, name: string, value: unknown, op: string) {
  const [head = name, sub, ...deeper] = name.split('.', 3)
  if (deeper.length)
    throw new ScimError(
      400,
      'A value may name an attribute or an attribute.subAttribute, nothing deeper.',
      'invalidPath',
    )
  const key = keyOf(resource, head)
  if (sub === undefined) return setValue(resource, key, value, op)
  const inner = isObject(resource[key]) ? { ...(resource[key] as Json) } : {}
  setValue(inner, keyOf(inner, sub), value, op)
  resource[key] = inner
}

/** `add` appends to a list, an object merges into an object, anything else replaces. */
function setValue(target: Json, key: string, value: unknown, op: string) {
  if (op === 'add' && Array.isArray(value)) target[key] = appendUnique(target[key], value)
  else if (isObject(value) && isObject(target[key]))
    target[key] = { ...(target[key] as Json), ...value }
  else target[key] = value
}

function applyOne(resource: Json, operation: PatchOperation) {
  const { op, value } = operation
  if (!['add', 'replace', 'remove'].includes(op))
    throw new ScimError(400, `Unknown patch op "${operation.op}".`, 'invalidSyntax')
  if (operation.path === undefined || operation.path === '') {
    if (op === 'remove') throw new ScimError(400, 'remove needs a path.', 'noTarget')
    if (!isObject(value))
      throw new ScimError(400, 'A patch without a path needs an object value.', 'invalidValue')
    for (const [name, v] of Object.entries(value)) setAttribute(resource, name, v, op)
    return
  }
  const path = parsePath(operation.path)
  const key = keyOf(resource, path.attribute)
  if (!path.filter) {
    if (op === 'remove') {
      if (!path.subAttribute && Array.isArray(value) && Array.isArray(resource[key])) {
        // Entra ID removes members by value list: {"op":"remove","path":"members","value":[{"value":"id"}]}
        const drop = new Set(value.map((v) => (isObject(v) ? v.value : v)))
        resource[key] = (resource[key] as unknown[]).filter(
          (e) => !(isObject(e) && drop.has(e.value)),
        )
      } else if (path.subAttribute && isObject(resource[key])) {
        const inner = { ...(resource[key] as Json) }
        delete inner[keyOf(inner, path.subAttribute)]
        resource[key] = inner
      } else delete resource[key]
      return
    }
    setAttribute(
      resource,
      path.subAttribute ? `${path.attribute}.${path.subAttribute}` : key,
      value,
      op,
    )
    return
  }
  const list = Array.isArray(resource[key]) ? [...(resource[key] as unknown[])] : []
  const filter = path.filter
  if (op === 'remove') {
    resource[key] = path.subAttribute
      ? list.map((item) => {
          if (!matches(item, filter) || !isObject(item)) return item
          const copy = { ...item }
          delete copy[keyOf(copy, path.subAttribute ?? '')]
          return copy
        })
      : list.filter((item) => !matches(item, filter))
    return
  }
  let found = false
  const updated = list.map((item) => {
    if (!matches(item, filter) || !isObject(item)) return item
    found = true
    if (path.subAttribute) return { ...item, [keyOf(item, path.subAttribute)]: value }
    return isObject(value) ? { ...item, ...value } : item
  })
  if (!found) {
    // Okta replaces emails[type eq "work"].value on a resource that may have no work email yet.
    const created: Json = { [filter.attribute]: filter.value }
    if (path.subAttribute) created[path.subAttribute] = value
    else if (isObject(value)) Object.assign(created, value)
    updated.push(created)
  }
  resource[key] = updated
}

/** Applies the operations in order to a copy of `resource` and returns it. */
export function applyPatch(resource: Json, operations: PatchOperation[]): Json {
  const copy = structuredClone(resource)
  for (const operation of operations) applyOne(copy, operation)
  return copy
}
