// The IdP's discovery document and JWKS through the cache, fetched and checked by oauth4webapi.
import * as oauth from 'oauth4webapi'
import * as z from 'zod/mini'
import type { Runtime } from '../runtime'
import { cachedDocument, type DocumentSource } from './document-cache'

export const upstreamTimeoutMs = 5_000
const jwksRefetchIntervalMs = 60_000

export interface UpstreamOptions {
  runtime: Runtime
  source: DocumentSource
  allowHttp: boolean
}

/** oauth4webapi's request options: our fetch, a bounded wait, http only where allowed. */
export const requestOptions = (o: UpstreamOptions, timeoutMs = upstreamTimeoutMs) => ({
  [oauth.customFetch]: o.runtime.fetch,
  [oauth.allowInsecureRequests]: o.allowHttp,
  signal: AbortSignal.timeout(o.runtime.upstreamTimeoutMs ?? timeoutMs),
})

/** Fetches and validates discovery without any cache (the admin API's check before saving). */
export async function fetchDiscovery(
  o: UpstreamOptions,
  issuer: string,
): Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer)
  const response = await oauth.discoveryRequest(issuerUrl, {
    ...requestOptions(o),
    algorithm: 'oidc',
  })
  return oauth.processDiscoveryResponse(issuerUrl, response)
}

/** The authorization server metadata for `issuer`, exact issuer match enforced by oauth4webapi. */
export async function discover(
  o: UpstreamOptions,
  issuer: string,
): Promise<oauth.AuthorizationServer> {
  const document = await cachedDocument(o.runtime, o.source, {
    key: `discovery:${issuer}`,
    load: () => fetchDiscovery(o, issuer),
  })
  return document as oauth.AuthorizationServer
}

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) })

async function fetchJwks(o: UpstreamOptions, as: oauth.AuthorizationServer): Promise<oauth.JWKS> {
  if (!as.jwks_uri) throw new TypeError('discovery document has no jwks_uri')
  const response = await o.runtime.fetch(as.jwks_uri, {
    headers: { accept: 'application/json, application/jwk-set+json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(o.runtime.upstreamTimeoutMs ?? upstreamTimeoutMs),
  })
  if (response.status !== 200) throw new TypeError(`jwks_uri answered ${response.status}`)
  return jwksSchema.parse(await response.json()) as oauth.JWKS
}

/** The issuer's JWKS; `unknownKid` asks the IdP again, at most once a minute per issuer. */
export async function keySet(
  o: UpstreamOptions,
  as: oauth.AuthorizationServer,
  options: { unknownKid?: boolean } = {},
): Promise<oauth.JWKS> {
  const key = `jwks:${as.issuer}`
  const now = o.runtime.now()
  const last = o.runtime.jwksRefetchedAt.get(as.issuer) ?? 0
  const refresh = options.unknownKid === true && now - last >= jwksRefetchIntervalMs
  if (refresh) o.runtime.jwksRefetchedAt.set(as.issuer, now)
  return (await cachedDocument(o.runtime, o.source, {
    key,
    load: () => fetchJwks(o, as),
    refresh,
  })) as oauth.JWKS
}
