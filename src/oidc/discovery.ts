// The IdP's discovery document through the cache, fetched and checked by oauth4webapi.
import * as oauth from 'oauth4webapi'
import type { Runtime } from '../runtime'
import { cachedDocument, type DocumentSource } from './document-cache'

export const upstreamTimeoutMs = 5_000

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

const timedFetches = new WeakMap<Runtime, typeof fetch>()

/** The isolate's fetch with the upstream timeout applied inside it: one function per isolate. */
function timedFetch(runtime: Runtime): typeof fetch {
  let timed = timedFetches.get(runtime)
  if (!timed) {
    timed = (input, init) =>
      runtime.fetch(input, {
        ...init,
        signal: AbortSignal.timeout(runtime.upstreamTimeoutMs ?? upstreamTimeoutMs),
      })
    timedFetches.set(runtime, timed)
  }
  return timed
}

/**
 * `requestOptions` with the timeout inside the fetch instead of a signal per call: oauth4webapi then
 * shares one JWKS download among concurrent callbacks (it joins requests with the same fetch and signal).
 */
export const sharedRequestOptions = (o: UpstreamOptions) => ({
  [oauth.customFetch]: timedFetch(o.runtime),
  [oauth.allowInsecureRequests]: o.allowHttp,
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
