// Which domains can never be a team domain: free-mail and disposable providers, from maintained npm lists.
import disposableWildcardText from 'disposable-email-domains/wildcard.json' with { type: 'text' }
import freeMailText from 'email-providers/all.json' with { type: 'text' }

// The bundle carries the lists as strings that become a Set on first use, off the login path. Disposable
// providers come from the list's wildcard file (their ~400 base domains, subdomains included below): its
// full file of 121k throwaway names is 2.4 MB, ten times the rest of the worker, for hosts no support
// agent or owner would name as a team domain.
let blocked: Set<string> | undefined

function blockedDomains(): Set<string> {
  blocked ??= new Set(
    [freeMailText, disposableWildcardText]
      .flatMap((list) => (typeof list === 'string' ? (JSON.parse(list) as string[]) : list))
      // A few entries are written in Unicode (`müll.email`); hosts are compared in punycode.
      .map((name) => (/^[\x21-\x7e]+$/.test(name) ? name.toLowerCase() : normaliseDomain(name)))
      .filter((name) => name !== undefined),
  )
  return blocked
}

/**
 * The domain as compared: trimmed, lower case, without a trailing dot, an internationalised name in
 * its ASCII (punycode) form, as the WHATWG URL parser writes a host. Undefined when it is not a
 * registrable-looking host name (no dot, an IP address, or anything beyond the host).
 */
export function normaliseDomain(domain: string): string | undefined {
  const trimmed = domain.trim().replace(/\.$/, '')
  if (!trimmed || trimmed.length > 253 || /[/:@?#\\\s[\]%]/.test(trimmed)) return undefined
  let host: string
  try {
    host = new URL(`http://${trimmed}`).hostname
  } catch {
    return undefined
  }
  const labels = host.split('.')
  if (labels.length < 2 || labels.some((l) => !l || l.length > 63)) return undefined
  if (/^[\d.]+$/.test(host)) return undefined // an IPv4 address, however it was written
  return host
}

/**
 * Why `domain` cannot be a team domain, or undefined when it can. Refused: what is not a domain name,
 * a free-mail or disposable provider, and any subdomain of one (`eu.mailinator.com`).
 */
export function teamDomainRefusal(domain: string): 'domain_not_allowed' | undefined {
  const host = normaliseDomain(domain)
  if (!host) return 'domain_not_allowed'
  const list = blockedDomains()
  const labels = host.split('.')
  for (let i = 0; i < labels.length - 1; i++)
    if (list.has(labels.slice(i).join('.'))) return 'domain_not_allowed'
  return undefined
}
