// The one way a team comes to be: owner's membership and domain claims in one batch, for the app and for support.
import type { BatchItem } from 'drizzle-orm/batch'
import { randomId } from './crypto/encoding'
import type { Database } from './db/client'
import type { DomainClaim } from './db/domains'
import { userWithTeam } from './db/users'
import { defaultDomains, domainClaim } from './domains/claims'
import { isUniqueViolation } from './db/errors'
import { createTeamStatements } from './db/teams'
import { AppError } from './errors'
import type { Permission } from './vocabulary'
import type { Outbox } from './webhooks/outbox'

interface NewTeam {
  name: string
  defaultPermission: Permission
  owner: { id: string; email: string }
  domains: DomainClaim[]
}

/** A verified domain another team has verified is `domain_taken`; another unique violation is the owner's team. */
export function uniqueViolationCode(error: unknown): 'domain_taken' | 'already_in_team' {
  return isUniqueViolation(error, 'team_domains') ? 'domain_taken' : 'already_in_team'
}

/**
 * Creates the team with its owner's membership and its domain claims in one batch, between the caller's
 * `before` writes (a new owner's user row, an adopted owner's cleared password) and `after(teamId)` writes
 * (its success event). A verified domain another team has verified is refused (`domain_taken`); an owner
 * already in a team is refused (`already_in_team`). Returns the new team's id.
 */
export async function createTeam(
  db: Database,
  team: NewTeam,
  options: {
    before?: BatchItem<'sqlite'>[]
    after?: (teamId: string) => BatchItem<'sqlite'>[]
  } = {},
): Promise<string> {
  const id = randomId()
  const unique = new Map(team.domains.map((claim) => [claim.domain, claim]))
  const row = {
    id,
    name: team.name,
    ownerUserId: team.owner.id,
    defaultPermission: team.defaultPermission,
    domains: [...unique.values()],
  }
  const statements = [
    ...(options.before ?? []),
    ...createTeamStatements(db, row),
    ...(options.after?.(id) ?? []),
  ] as unknown as Parameters<typeof db.batch>[0]
  await db.batch(statements).catch((error: unknown) => {
    if (!isUniqueViolation(error)) throw error
    throw new AppError(uniqueViolationCode(error), { cause: error })
  })
  return id
}

/** The webhook row of a new team's owner joining it (`via` support, or the owner's own team). */
export const ownerJoined = (
  outbox: Outbox,
  db: Database,
  owner: { teamId: string; userId: string; email: string },
  via: 'support' | 'owner' = 'support',
) =>
  outbox.change(db, {
    type: 'member.joined',
    teamId: owner.teamId,
    userId: owner.userId,
    via,
    details: { email: owner.email, role: 'owner' },
  })

/**
 * Self-service: a signed-in user whose email is proven creates a team and owns it; the owner's email domain
 * (unless free-mail) is claimed pending its DNS proof, so it routes no one until then.
 */
export async function createOwnTeam(
  db: Database,
  team: Omit<NewTeam, 'domains'>,
  outbox: Outbox,
): Promise<string> {
  const owner = await userWithTeam(db, team.owner.email)
  if (owner?.teamId) throw new AppError('already_in_team')
  if (!owner?.emailVerified)
    throw new AppError('email_unverified', {
      message: 'Confirm your email address first: follow the link we mailed you.',
    })
  const domains = defaultDomains(team.owner.email).map((domain) => domainClaim(domain, false))
  const { id: userId, email } = team.owner
  return createTeam(
    db,
    { ...team, domains },
    { after: (teamId) => ownerJoined(outbox, db, { teamId, userId, email }, 'owner') },
  )
}

/** The team whose owner has this email: the setup flow's team at `/settings/sso`; anyone else is `owner_only`. */
export async function ownedTeam(db: Database, email: string): Promise<string> {
  const user = await userWithTeam(db, email)
  if (!user?.teamId || user.role !== 'owner') throw new AppError('owner_only')
  return user.teamId
}
