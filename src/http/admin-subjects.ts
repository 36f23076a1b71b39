// What an admin request acts on, found from its path or input: its step runs on it and its refusals name it.
import type { Context } from 'hono'
import { memberOf, userFacts } from '../admin/access'
import { type AdminDeps, getConnection, teamOwnedBy } from '../admin/operations'
import type { AppEnv } from '../env'
import { concerning, type Subject } from '../errors'
import type { Recorded } from '../events'
import { recorded } from './audit'
import { adminDeps } from './context'

/** What a step is handed: storage and the rest, what it acts on, and its success event's audit and subject. */
type On<T> = T & { deps: AdminDeps; recorded: Recorded }

/** Runs `step` for `subject`: a refusal names it, and so does the step's success event. */
const runFor = <T, R>(
  c: Context<AppEnv>,
  subject: Subject,
  on: T & { deps: AdminDeps },
  step: (on: On<T>) => Promise<R>,
) => concerning(subject, () => step({ ...on, recorded: recorded(c, subject) }))

/** The team the path's `:id` names. */
export const onPathTeam = <R>(
  c: Context<AppEnv>,
  step: (on: On<{ teamId: string }>) => Promise<R>,
) => {
  const teamId = c.req.param('id') ?? ''
  return runFor(c, { teamId }, { deps: adminDeps(c), teamId }, step)
}

/** The connection the path's `:id` names, and its team. */
export async function onPathConnection<R>(
  c: Context<AppEnv>,
  step: (on: On<{ id: string; teamId: string }>) => Promise<R>,
) {
  const deps = adminDeps(c)
  const id = c.req.param('id') ?? ''
  const { teamId } = await getConnection(deps, id)
  return runFor(c, { teamId }, { deps, id, teamId }, step)
}

/** The team whose owner the input names. */
export const onOwnersTeam = <R>(
  c: Context<AppEnv>,
  ownerEmail: string,
  step: (on: On<{ teamId: string }>) => Promise<R>,
) =>
  concerning({ email: ownerEmail }, async () => {
    const deps = adminDeps(c)
    const { teamId } = await teamOwnedBy(deps, ownerEmail)
    return runFor(c, { teamId, email: ownerEmail }, { deps, teamId }, step)
  })

/** The member the path's `:teamId` and `:userId` name. */
export async function onPathMember<R>(
  c: Context<AppEnv>,
  step: (on: On<{ member: Awaited<ReturnType<typeof memberOf>>; userId: string }>) => Promise<R>,
) {
  const deps = adminDeps(c)
  const userId = c.req.param('userId') ?? ''
  const member = await memberOf(deps, c.req.param('teamId') ?? '', userId)
  return runFor(c, { teamId: member.teamId, email: member.email }, { deps, member, userId }, step)
}

/** The user the path's `:id` names, with their team. */
export async function onPathUser<R>(
  c: Context<AppEnv>,
  step: (on: On<{ id: string; facts: Subject }>) => Promise<R>,
) {
  const deps = adminDeps(c)
  const id = c.req.param('id') ?? ''
  const facts = await userFacts(deps, id)
  return runFor(c, facts, { deps, id, facts }, step)
}
