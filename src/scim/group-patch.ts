// A Group PatchOp read as the change it asks for (a new name, members added or removed), never as a whole new member list.
// @see RFC 7644 §3.5.2
import * as z from 'zod/mini'
import { ScimError } from './errors'
import { type PatchOperation, parsePath } from './patch'

/** What a PATCH changes; `members` replaces the whole list (then `added` and `removed` are folded into it). */
export interface GroupChange {
  displayName?: string
  externalId?: string | null
  members?: Set<string>
  added: Set<string>
  removed: Set<string>
}

const displayName = z.string().check(z.trim(), z.minLength(1), z.maxLength(256))
const externalId = z.nullable(z.string().check(z.maxLength(256)))
const memberList = z.union([
  z.array(z.looseObject({ value: z.string().check(z.maxLength(64)) })),
  z.looseObject({ value: z.string().check(z.maxLength(64)) }),
])

function read<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new ScimError(400, `Invalid ${what}.`, 'invalidValue')
  return parsed.data
}

const memberIds = (value: unknown): string[] => {
  const members = read(memberList, value, 'members')
  return (Array.isArray(members) ? members : [members]).map((m) => m.value)
}

function add(change: GroupChange, ids: string[]) {
  for (const id of ids) {
    change.removed.delete(id)
    if (change.members) change.members.add(id)
    else change.added.add(id)
  }
}

function remove(change: GroupChange, ids: string[]) {
  for (const id of ids) {
    change.added.delete(id)
    if (change.members) change.members.delete(id)
    else change.removed.add(id)
  }
}

function replaceMembers(change: GroupChange, ids: string[]) {
  change.members = new Set(ids)
  change.added.clear()
  change.removed.clear()
}

/** One attribute set by `add` or `replace` (with a path, or as a key of a path-less value). */
function setAttribute(change: GroupChange, op: string, name: string, value: unknown) {
  switch (name.toLowerCase()) {
    case 'displayname':
      change.displayName = read(displayName, value, 'displayName')
      return
    case 'externalid':
      change.externalId = read(z.optional(externalId), value, 'externalId') ?? null
      return
    case 'members':
      if (op === 'add') add(change, memberIds(value))
      else replaceMembers(change, value === null ? [] : memberIds(value))
      return
    default:
    // Okta sends `id` and `schemas` in a path-less replace; other attributes are not kept here.
  }
}

function removeAttribute(change: GroupChange, path: string, value: unknown) {
  const parsed = parsePath(path)
  const attribute = parsed.attribute.toLowerCase()
  if (attribute === 'members' && parsed.filter && !parsed.subAttribute) {
    if (parsed.filter.attribute.toLowerCase() !== 'value')
      throw new ScimError(400, `Unsupported path "${path}".`, 'invalidPath')
    remove(change, [parsed.filter.value])
  } else if (attribute === 'members' && !parsed.filter && !parsed.subAttribute) {
    // Entra removes a list given as the value; without one, every member goes.
    if (value === undefined || value === null) replaceMembers(change, [])
    else remove(change, memberIds(value))
  } else if (attribute === 'externalid' && !parsed.filter) change.externalId = null
  else if (attribute === 'displayname')
    throw new ScimError(400, 'A group keeps its displayName.', 'mutability')
  else throw new ScimError(400, `Unsupported path "${path}".`, 'invalidPath')
}

function applyOne(change: GroupChange, operation: PatchOperation) {
  const { op, path, value } = operation
  if (op === 'remove') {
    if (!path) throw new ScimError(400, 'remove needs a path.', 'noTarget')
    return removeAttribute(change, path, value)
  }
  if (op !== 'add' && op !== 'replace')
    throw new ScimError(400, `Unknown patch op "${operation.op}".`, 'invalidSyntax')
  if (!path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ScimError(400, 'A patch without a path needs an object value.', 'invalidValue')
    for (const [name, v] of Object.entries(value)) setAttribute(change, op, name, v)
    return
  }
  const parsed = parsePath(path)
  if (parsed.filter || parsed.subAttribute)
    throw new ScimError(400, `Unsupported path "${path}".`, 'invalidPath')
  setAttribute(change, op, parsed.attribute, value)
}

/** The operations, in order, as one change (adding then removing a member leaves it out). */
export function readGroupChange(operations: PatchOperation[]): GroupChange {
  const change: GroupChange = { added: new Set(), removed: new Set() }
  for (const operation of operations) applyOne(change, operation)
  return change
}
