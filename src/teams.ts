// The one way a team comes to be: owner's membership and domains in one batch, for the app and for support.
import type { BatchItem } from 'drizzle-orm/batch'
import { randomId } from './crypto/encoding'
import type { Database } from './db/client'
import { isUniqueViolation } from './db/errors'
import { createTeamStatements } from './db/teams'
import { AppError } from './errors'
import { emailDomain } from './provisioning'
import type { Permission } from './vocabulary'

interface NewTeam {
  name: string
  defaultPermission: Permission
  owner: { id: string; email: string }
  /** By default the owner's email domain. */
  domains?: string[]
}

/**
 * Creates the team with its owner's membership and its domains in one batch, between the caller's `before`
 * writes (a new owner's user row) and `after(teamId)` writes (its success event).
 * A domain another team holds is refused (`domain_taken`), or left to that team when `skipTakenDomains`;
 * an owner already in a team is refused (`already_in_team`). Returns the new team's id.
 */
export async function createTeam(
  db: Database,
  team: NewTeam,
  options: {
    skipTakenDomains: boolean
    before?: BatchItem<'sqlite'>[]
    after?: (teamId: string) => BatchItem<'sqlite'>[]
  },
): Promise<string> {
  const id = randomId()
  const ownDomain = emailDomain(team.owner.email)
  const domains = team.domains ?? (ownDomain ? [ownDomain] : [])
  const row = {
    id,
    name: team.name,
    ownerUserId: team.owner.id,
    defaultPermission: team.defaultPermission,
    domains: [...new Set(domains)],
  }
  const statements = [
    ...(options.before ?? []),
    ...createTeamStatements(db, row, options.skipTakenDomains),
    ...(options.after?.(id) ?? []),
  ] as unknown as Parameters<typeof db.batch>[0]
  await db.batch(statements).catch((error: unknown) => {
    if (!isUniqueViolation(error)) throw error
    const code = isUniqueViolation(error, 'team_domains') ? 'domain_taken' : 'already_in_team'
    throw new AppError(code, { cause: error })
  })
  return id
}
