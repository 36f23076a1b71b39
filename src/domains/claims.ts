// Which domains a team claims, and how: support's are verified at once, the rest wait for their DNS proof.
import { newToken } from '../crypto/tokens'
import type { DomainClaim } from '../db/domains'
import { AppError } from '../errors'
import { emailDomain } from '../provisioning'
import { verificationRecord } from './dns'
import { normaliseDomain, teamDomainRefusal } from './policy'

/** A domain someone asked for explicitly: normalised, or `400 domain_not_allowed` (free-mail, disposable, not a name). */
export function requestedDomain(domain: string): string {
  const host = normaliseDomain(domain)
  if (!host || teamDomainRefusal(host))
    throw new AppError('domain_not_allowed', {
      status: 400,
      message: `${domain} cannot be a team domain: free-mail and disposable providers never are.`,
    })
  return host
}

/** The owner's email domain as a default claim: none when it is free-mail or disposable (skipped silently). */
export function defaultDomains(ownerEmail: string): string[] {
  const domain = emailDomain(ownerEmail)
  return domain && !teamDomainRefusal(domain) ? [domain] : []
}

/** A claim on `domain`: verified (support attests it), or pending with a fresh token for its TXT record. */
export const domainClaim = (domain: string, verified: boolean): DomainClaim => ({
  domain,
  verified,
  verificationToken: verified ? null : newToken(),
})

/** A team's domains as the admin API shows them: verified names, and pending ones with their DNS record. */
export function domainsView(rows: readonly DomainClaim[]) {
  return {
    domains: rows.filter((r) => r.verified).map((r) => r.domain),
    pendingDomains: rows
      .filter((r) => !r.verified && r.verificationToken)
      .map((r) => ({
        domain: r.domain,
        ...verificationRecord(r.domain, r.verificationToken ?? ''),
      })),
  }
}
