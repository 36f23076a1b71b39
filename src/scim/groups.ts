// SCIM Groups for one team: Okta's pushed groups and their members (the team's admin group gives role admin).
import type { BatchItem } from 'drizzle-orm/batch'
import * as z from 'zod/mini'
import { randomId } from '../crypto/encoding'
import { isUniqueViolation } from '../db/errors'
import {
  addGroupMembers,
  deleteScimGroup,
  type GroupQuery,
  insertGroupEventWhen,
  insertScimGroup,
  loadScimGroups,
  removeAllGroupMembers,
  removeGroupMembers,
  type ScimGroupRow,
  updateScimGroup,
} from '../db/scim'
import { insertEvent } from '../db/events'
import type { AuditAction } from '../vocabulary'
import { successRow } from '../events'
import { notFound, readResource, ScimError } from './errors'
import { filterValue, onlyAttributes, parseFilter } from './filter'
import { type GroupChange, readGroupChange } from './group-patch'
import { readPatchOperations } from './patch'
import { groupSchema, iso, listResponse, readPaging } from './protocol'
import type { ScimContext } from './users'

const groupInput = z.looseObject({
  displayName: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
  externalId: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
  members: z.optional(
    z.nullable(z.array(z.looseObject({ value: z.string().check(z.maxLength(64)) }))),
  ),
})

function readGroup(body: unknown) {
  const group = readResource(groupInput, body, 'group')
  return {
    displayName: group.displayName,
    externalId: group.externalId ?? null,
    memberIds: [...new Set((group.members ?? []).map((m) => m.value))],
  }
}

export function groupResource(row: ScimGroupRow, baseUrl: string) {
  return {
    schemas: [groupSchema],
    id: row.id,
    displayName: row.displayName,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    ...(row.members
      ? {
          members: row.members.map((m) => ({
            value: m.value,
            display: m.display,
            $ref: `${baseUrl}/Users/${m.value}`,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: iso(row.createdAt),
      lastModified: iso(row.updatedAt),
      location: `${baseUrl}/Groups/${row.id}`,
    },
  }
}

/** `excludedAttributes=members` (Entra's and Okta's way to ask for a group without reading its members). */
const withMembers = (query: Record<string, string>) =>
  !/(^|,)\s*(urn:[^,]*:)?members\s*(,|$)/i.test(query.excludedAttributes ?? '')

async function loadGroup(s: ScimContext, id: string, members = true): Promise<ScimGroupRow> {
  const { rows } = await loadScimGroups(
    s.db,
    { teamId: s.scope.teamId, q: { id }, page: { offset: 0, limit: 1 } },
    members,
  )
  const [row] = rows
  if (!row) throw notFound('Group')
  return row
}

export async function getGroup(s: ScimContext, id: string, query: Record<string, string> = {}) {
  return groupResource(await loadGroup(s, id, withMembers(query)), s.baseUrl)
}

/** GET /Groups: Okta and Entra ask `filter=displayName eq "..."` (compared case-insensitively). */
export async function listGroups(s: ScimContext, query: Record<string, string>) {
  const filters = parseFilter(query.filter)
  onlyAttributes(filters, ['displayname', 'externalid', 'id'])
  const q: GroupQuery = {
    displayName: filterValue(filters, 'displayname'),
    externalId: filterValue(filters, 'externalid'),
    id: filterValue(filters, 'id'),
  }
  const paging = readPaging(query)
  const { total, rows } = await loadScimGroups(
    s.db,
    { teamId: s.scope.teamId, q, page: paging },
    withMembers(query),
  )
  return listResponse(
    rows.map((row) => groupResource(row, s.baseUrl)),
    total,
    paging.startIndex,
  )
}

const eventRow = (s: ScimContext, action: AuditAction) =>
  successRow({ ...s.audit, action }, { teamId: s.scope.teamId }, s.nowMs)

async function run(s: ScimContext, statements: BatchItem<'sqlite'>[]) {
  try {
    return await s.db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ScimError(409, 'A group with this displayName already exists.', 'uniqueness')
    throw error
  }
}

/** POST /Groups: the group and its members (the team's users only: anyone else is skipped). */
export async function createGroup(s: ScimContext, body: unknown) {
  const group = readGroup(body)
  const id = randomId()
  const teamId = s.scope.teamId
  await run(s, [
    insertScimGroup(s.db, {
      id,
      teamId,
      displayName: group.displayName,
      externalId: group.externalId,
      updatedAt: Math.floor(s.nowMs / 1000),
    }),
    ...addGroupMembers(s.db, { teamId, groupId: id, userIds: group.memberIds }),
    insertEvent(s.db, eventRow(s, 'scim_group_created')),
  ])
  return getGroup(s, id)
}

/**
 * Writes a change to the team's group in one batch, each statement guarded by the group being the team's:
 * the group's own row first (its answer says whether there is such a group), then the members added and
 * removed (statements in proportion to them, never to the group's size), then the event.
 */
async function applyChange(s: ScimContext, id: string, change: GroupChange) {
  const teamId = s.scope.teamId
  const members = (userIds: Iterable<string>) => ({ teamId, groupId: id, userIds: [...userIds] })
  const [group] = await run(s, [
    updateScimGroup(s.db, teamId, id, {
      displayName: change.displayName,
      externalId: change.externalId,
      updatedAt: Math.floor(s.nowMs / 1000),
    }),
    ...(change.members ? [removeAllGroupMembers(s.db, teamId, id)] : []),
    ...removeGroupMembers(s.db, members(change.removed)),
    ...addGroupMembers(s.db, members([...(change.members ?? []), ...change.added])),
    insertGroupEventWhen(s.db, eventRow(s, 'scim_group_updated'), id),
  ])
  if (!Array.isArray(group) || group.length === 0) throw notFound('Group')
}

/** PUT /Groups/:id: the body replaces the group; only the members that differ are written. */
export async function replaceGroup(s: ScimContext, id: string, body: unknown) {
  const next = readGroup(body)
  const current = new Set((await loadGroup(s, id)).members?.map((m) => m.value))
  const wanted = new Set(next.memberIds)
  await applyChange(s, id, {
    displayName: next.displayName,
    externalId: next.externalId,
    added: new Set(next.memberIds.filter((m) => !current.has(m))),
    removed: new Set([...current].filter((m) => !wanted.has(m))),
  })
  return getGroup(s, id)
}

/**
 * PATCH /Groups/:id: Okta and Entra add members, remove `members[value eq "id"]` or a list, and rename.
 * Answers 204 (no body), as Entra asks: a group's member list is never read for a PATCH.
 */
export async function patchGroup(s: ScimContext, id: string, body: unknown): Promise<undefined> {
  await applyChange(s, id, readGroupChange(readPatchOperations(body)))
}

export async function deleteGroup(s: ScimContext, id: string) {
  await loadGroup(s, id, false)
  await run(s, [
    deleteScimGroup(s.db, s.scope.teamId, id),
    insertEvent(s.db, eventRow(s, 'scim_group_deleted')),
  ])
}
