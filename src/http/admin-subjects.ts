// What an admin request acts on, found from its path or input and named on its event row (API and console alike).
import type { Context } from 'hono'
import { memberOf, userFacts } from '../admin/access'
import { getConnection, teamOwnedBy } from '../admin/operations'
import type { AppEnv } from '../env'
import { adminDeps } from './context'

/** The team the path's `:id` names. */
export function pathTeam(c: Context<AppEnv>) {
  const teamId = c.req.param('id') ?? ''
  c.var.audit.teamId = teamId
  return { deps: adminDeps(c), teamId }
}

/** The connection the path's `:id` names, and its team. */
export async function pathConnection(c: Context<AppEnv>) {
  const deps = adminDeps(c)
  const id = c.req.param('id') ?? ''
  const { teamId } = await getConnection(deps, id)
  c.var.audit.teamId = teamId
  return { deps, id, teamId }
}

/** The team whose owner the input names. */
export async function ownersTeam(c: Context<AppEnv>, ownerEmail: string) {
  const deps = adminDeps(c)
  c.var.audit.email = ownerEmail
  const { teamId } = await teamOwnedBy(deps, ownerEmail)
  c.var.audit.teamId = teamId
  return { deps, teamId }
}

/** The member the path's `:teamId` and `:userId` name. */
export async function pathMember(c: Context<AppEnv>) {
  const deps = adminDeps(c)
  const userId = c.req.param('userId') ?? ''
  const member = await memberOf(deps, c.req.param('teamId') ?? '', userId)
  Object.assign(c.var.audit, { teamId: member.teamId, email: member.email })
  return { deps, member, userId }
}

/** The user the path's `:id` names, with their team. */
export async function pathUser(c: Context<AppEnv>) {
  const deps = adminDeps(c)
  const id = c.req.param('id') ?? ''
  const facts = await userFacts(deps, id)
  Object.assign(c.var.audit, facts)
  return { deps, id, facts }
}
