// Proof of a team domain by DNS: the TXT record we ask for, and its check over DNS-over-HTTPS (JSON API).
import * as z from 'zod/mini'
import { readJsonCapped } from '../upstream'
import { normaliseDomain } from './policy'

export const defaultResolverUrl = 'https://cloudflare-dns.com/dns-query'
/** A TXT answer set for one name is a few KB at most; anything larger is not an answer we asked for. */
export const maxDnsResponseBytes = 64 * 1024
export const dnsTimeoutMs = 5_000

const txtType = 16

export interface VerificationRecord {
  /** The name the customer creates the TXT record at. */
  dnsName: string
  /** The record's exact text. */
  dnsValue: string
}

/** The TXT record that proves control of `domain`: `_edge-sso.<domain>` = `edge-sso-verify=<token>`. */
export function verificationRecord(domain: string, token: string): VerificationRecord {
  const host = normaliseDomain(domain)
  if (!host) throw new TypeError(`not a domain name: ${JSON.stringify(domain)}`)
  return { dnsName: `_edge-sso.${host}`, dnsValue: `edge-sso-verify=${token}` }
}

// The JSON API's answer (Google's and Cloudflare's resolvers share it); only what the check reads.
const dnsJsonSchema = z.object({
  Status: z.number(),
  Answer: z.optional(
    z.array(z.looseObject({ name: z.string(), type: z.number(), data: z.string() })),
  ),
})

/**
 * A TXT record's text from the JSON API's `data`: character-strings come quoted (`"a" "b"`, RFC 1035
 * §3.3.14; a record over 255 bytes is always split) and are joined; `\"`, `\\` and `\DDD` are
 * unescaped. Unquoted data (some resolvers) is taken as it is.
 */
export function txtText(data: string): string {
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)]
  if (parts.length === 0) return data
  return parts
    .map(([, inner = '']) =>
      inner.replace(/\\(\d{3}|.)/g, (_, escaped: string) =>
        /^\d{3}$/.test(escaped) ? String.fromCharCode(Number(escaped)) : escaped,
      ),
    )
    .join('')
}

/** The DNS-over-HTTPS request for `name`'s TXT records (the I/O half of `checkTxt`). */
export function txtRequest(
  fetcher: typeof fetch,
  resolverUrl: string,
  name: string,
  timeoutMs = dnsTimeoutMs,
): Promise<Response> {
  const url = new URL(resolverUrl)
  url.searchParams.set('name', name)
  url.searchParams.set('type', 'TXT')
  return fetcher(url.href, {
    headers: { accept: 'application/dns-json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  })
}

/**
 * Whether the resolver's answer holds a TXT record exactly `expected` (the validation half). NXDOMAIN
 * and an empty answer are `false`; any other failure (SERVFAIL, a non-200, malformed or oversized JSON)
 * is `'unreachable'`, so a resolver outage is never read as "the record is absent".
 */
export async function processTxtResponse(
  response: Response,
  expected: string,
): Promise<boolean | 'unreachable'> {
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined)
    return 'unreachable'
  }
  const parsed = dnsJsonSchema.safeParse(await readJsonCapped(response, maxDnsResponseBytes))
  if (!parsed.success) return 'unreachable'
  const { Status, Answer = [] } = parsed.data
  if (Status === 3) return false // NXDOMAIN: the name does not exist (yet)
  if (Status !== 0) return 'unreachable'
  return Answer.some((record) => record.type === txtType && txtText(record.data) === expected)
}

/** A TXT record to look for: `name`'s record must be exactly `expected`, asked of `resolverUrl`. */
export interface TxtCheck {
  resolverUrl: string
  name: string
  expected: string
  timeoutMs?: number
}

/**
 * Checks that `name` has a TXT record exactly `expected`, over the DNS-over-HTTPS JSON API at
 * `resolverUrl` (`GET ?name=&type=TXT`, `accept: application/dns-json`). Never throws.
 * @see https://developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/
 */
export async function checkTxt(
  fetcher: typeof fetch,
  { resolverUrl, name, expected, timeoutMs }: TxtCheck,
): Promise<boolean | 'unreachable'> {
  try {
    return await processTxtResponse(
      await txtRequest(fetcher, resolverUrl, name, timeoutMs),
      expected,
    )
  } catch {
    return 'unreachable'
  }
}
