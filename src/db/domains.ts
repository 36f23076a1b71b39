// Team domains: a team's verified or pending claims, the owner of a verified domain, the writes on them.
import { and, eq } from 'drizzle-orm'
import type { Database } from './client'
import { teamDomains } from './schema'

/** One team's claim: verified, or pending with the token its TXT record must carry. */
export interface DomainClaim {
  domain: string
  verified: boolean
  verificationToken: string | null
}

const ofTeam = (teamId: string, domain: string) =>
  and(eq(teamDomains.teamId, teamId), eq(teamDomains.domain, domain))

/**
 * A claim as an insert: a verified claim upgrades the team's pending one; a pending claim leaves what the
 * team already has. A domain another team has verified fails on team_domains_verified.
 */
export function insertDomain(db: Database, teamId: string, claim: DomainClaim) {
  const insert = db.insert(teamDomains).values({ teamId, ...claim })
  return claim.verified
    ? insert.onConflictDoUpdate({
        target: [teamDomains.teamId, teamDomains.domain],
        set: { verified: true, verificationToken: null },
      })
    : insert.onConflictDoNothing()
}

export const domainOfTeam = (db: Database, teamId: string, domain: string) =>
  db.select().from(teamDomains).where(ofTeam(teamId, domain)).get()

/** The team that has verified `domain`, if any. */
export const verifiedDomainOwner = (db: Database, domain: string) =>
  db
    .select({ teamId: teamDomains.teamId })
    .from(teamDomains)
    .where(and(eq(teamDomains.domain, domain), eq(teamDomains.verified, true)))
    .get()

export const markDomainVerified = (db: Database, teamId: string, domain: string) =>
  db
    .update(teamDomains)
    .set({ verified: true, verificationToken: null })
    .where(ofTeam(teamId, domain))

export const deleteDomain = (db: Database, teamId: string, domain: string) =>
  db.delete(teamDomains).where(ofTeam(teamId, domain))
