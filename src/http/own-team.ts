// Turning on team management for the signed-in user (the JSON API and the /app form alike).
import type { Context } from 'hono'
import * as z from 'zod/mini'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { permission, text } from '../schemas'
import type { Session } from '../session/session'
import { createOwnTeam } from '../teams'
import { db } from './context'
import { writeSession } from './session-cookie'

export const ownTeamSchema = z.object({
  name: text(200).check(z.minLength(1)),
  defaultPermission: permission,
})

/** Creates the caller's team (they own it) and re-signs their session with it; returns the team's id. */
export async function startOwnTeam(
  c: Context<AppEnv>,
  session: Session,
  input: z.output<typeof ownTeamSchema>,
): Promise<string> {
  if (session.team) throw new AppError('already_in_team')
  // Named once the session is known to have no team: a refusal before that is no team creation.
  c.set('audit', { kind: 'login', action: 'team_create' })
  c.set('subject', { email: session.email, identified: true })
  const owner = { id: session.userId, email: session.email }
  const id = await createOwnTeam(db(c), { ...input, owner }, c.var.outbox)
  await writeSession(c, c.var.config, {
    ...session,
    emailVerified: true,
    team: { id, name: input.name },
    role: 'owner',
  })
  return id
}
