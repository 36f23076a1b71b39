// SCIM Groups for one team: Okta's pushed groups and their members (the team's admin group gives role admin).
import type { BatchItem } from 'drizzle-orm/batch'
import * as z from 'zod/mini'
import { randomId } from '../crypto/encoding'
import { isUniqueViolation } from '../db/errors'
import {
  deleteScimGroup,
  type GroupQuery,
  insertScimGroup,
  loadScimGroups,
  replaceGroupMembers,
  type ScimGroupRow,
  teamUserIds,
  updateScimGroup,
} from '../db/scim'
import { insertEvent } from '../db/events'
import type { AuditAction } from '../vocabulary'
import { successRow } from '../events'
import { notFound, readResource, ScimError } from './errors'
import { filterValue, onlyAttributes, parseFilter } from './filter'
import { applyPatch, readPatchOperations } from './patch'
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

export function groupResource(row: ScimGroupRow, baseUrl: string, withMembers = true) {
  return {
    schemas: [groupSchema],
    id: row.id,
    displayName: row.displayName,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    ...(withMembers
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

const withMembers = (query: Record<string, string>) =>
  !/(^|,)\s*members\s*(,|$)/i.test(query.excludedAttributes ?? '')

async function loadGroup(s: ScimContext, id: string): Promise<ScimGroupRow> {
  const { rows } = await loadScimGroups(s.db, s.scope.teamId, { id }, { offset: 0, limit: 1 })
  const [row] = rows
  if (!row) throw notFound('Group')
  return row
}

export async function getGroup(s: ScimContext, id: string, query: Record<string, string> = {}) {
  return groupResource(await loadGroup(s, id), s.baseUrl, withMembers(query))
}

/** GET /Groups: Okta asks `filter=displayName eq "..."`. */
export async function listGroups(s: ScimContext, query: Record<string, string>) {
  const filters = parseFilter(query.filter)
  onlyAttributes(filters, ['displayname', 'externalid', 'id'])
  const q: GroupQuery = {
    displayName: filterValue(filters, 'displayname'),
    externalId: filterValue(filters, 'externalid'),
    id: filterValue(filters, 'id'),
  }
  const paging = readPaging(query)
  const { total, rows } = await loadScimGroups(s.db, s.scope.teamId, q, paging)
  const members = withMembers(query)
  return listResponse(
    rows.map((row) => groupResource(row, s.baseUrl, members)),
    total,
    paging.startIndex,
  )
}

const event = (s: ScimContext, action: AuditAction) =>
  insertEvent(s.db, successRow({ ...s.audit, action }, { teamId: s.scope.teamId }, s.nowMs))

async function run(s: ScimContext, statements: BatchItem<'sqlite'>[]) {
  try {
    await s.db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ScimError(409, 'A group with this displayName already exists.', 'uniqueness')
    throw error
  }
}

/** Members must be the team's users; ids of anyone else are dropped (they cannot gain a role here). */
const teamMembersOnly = (s: ScimContext, ids: string[]) => teamUserIds(s.db, s.scope.teamId, ids)

export async function createGroup(s: ScimContext, body: unknown) {
  const group = readGroup(body)
  const id = randomId()
  const now = Math.floor(s.nowMs / 1000)
  await run(s, [
    insertScimGroup(s.db, {
      id,
      teamId: s.scope.teamId,
      displayName: group.displayName,
      externalId: group.externalId,
      updatedAt: now,
    }),
    ...replaceGroupMembers(s.db, id, await teamMembersOnly(s, group.memberIds)),
    event(s, 'scim_group_created'),
  ])
  return getGroup(s, id)
}

async function applyGroup(s: ScimContext, id: string, next: ReturnType<typeof readGroup>) {
  await run(s, [
    updateScimGroup(s.db, s.scope.teamId, id, {
      displayName: next.displayName,
      externalId: next.externalId,
      updatedAt: Math.floor(s.nowMs / 1000),
    }),
    ...replaceGroupMembers(s.db, id, await teamMembersOnly(s, next.memberIds)),
    event(s, 'scim_group_updated'),
  ])
  return getGroup(s, id)
}

export async function replaceGroup(s: ScimContext, id: string, body: unknown) {
  await loadGroup(s, id)
  return applyGroup(s, id, readGroup(body))
}

/** PATCH /Groups/:id: Okta adds members, removes `members[value eq "id"]` and renames. */
export async function patchGroup(s: ScimContext, id: string, body: unknown) {
  const operations = readPatchOperations(body)
  const row = await loadGroup(s, id)
  const patched = applyPatch(groupResource(row, s.baseUrl), operations)
  return applyGroup(s, id, readGroup(patched))
}

export async function deleteGroup(s: ScimContext, id: string) {
  await loadGroup(s, id)
  await run(s, [deleteScimGroup(s.db, s.scope.teamId, id), event(s, 'scim_group_deleted')])
}
