// The gateway: requests that are not edge-sso's own go to the host app, with the identity token for the signed-in.
import type { Context, MiddlewareHandler } from 'hono'
import { type AppEnv, type Config, readConfig } from '../env'
import { AppError } from '../errors'
import { securityHeaders } from './secure-headers'
import { requestSession } from './session-cookie'
import { identityToken } from '../identity/token'
import type { Runtime } from '../runtime'
import { hostRequestHeaders, withoutHopByHop } from '../gateway/host-request'
import { underPrefix } from '../gateway/own-paths'

/** How long the host app has to start answering (its body may then stream for as long as it takes). */
export const hostAppTimeoutMs = 30_000

/** The host app's Worker on the same account, an optional `[[services]]` binding (not in wrangler.toml). */
interface HostAppBinding {
  APP?: Fetcher
}

/** Where the host app is: `APP_ORIGIN` over the network, else the `APP` service binding. */
interface HostApp {
  send: (request: Request) => Promise<Response>
  url: (incoming: URL) => URL
}

function hostAppOf(c: Context<AppEnv>, config: Config, runtime: Runtime): HostApp | undefined {
  const { appOrigin } = config
  if (appOrigin)
    return {
      send: (request) => runtime.hostFetch(request),
      url: (incoming) => new URL(`${incoming.pathname}${incoming.search}`, appOrigin),
    }
  const binding = (c.env as HostAppBinding).APP
  if (binding) return { send: (request) => binding.fetch(request), url: (incoming) => incoming }
  return undefined
}

/**
 * The host app's answer, or `app_unreachable` (it failed) or `app_timeout` (no answer in time). Sent once:
 * a request is never retried, so a POST the host app may have carried out is never carried out twice.
 */
async function sendOnce(host: HostApp, request: Request, timeoutMs: number): Promise<Response> {
  const abort = new AbortController()
  let timer: number | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort()
      reject(new AppError('app_timeout'))
    }, timeoutMs)
  })
  try {
    return await Promise.race([host.send(new Request(request, { signal: abort.signal })), timedOut])
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('app_unreachable', { cause: error })
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

/** The host app's response as it sent it (status, headers, streaming body), with our session cookie's update. */
function passedOn(response: Response, ownCookies: string[]): Response {
  const out = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: withoutHopByHop(response.headers),
  })
  for (const cookie of ownCookies) out.headers.append('set-cookie', cookie)
  return out
}

/** An answer of ours (a redirect to sign in, an error page): with our security headers, unlike the host app's. */
async function ownAnswer(c: Context<AppEnv>, answer: () => Response | Promise<Response>) {
  await securityHeaders(c, async () => {
    c.res = await answer()
  })
  return c.res
}

export interface GatewayOptions {
  runtime: Runtime
  /** Whether a path is one of edge-sso's own routes (src/gateway/own-paths.ts). */
  ownPath: (path: string) => boolean
  /** The app's refusal page, for a host app that is down or slow. */
  refuse: (c: Context<AppEnv>, error: AppError) => Promise<Response>
}

/**
 * In front of every route: with `APP_ORIGIN` or the `APP` binding, a request for a path that is not ours
 * goes to the host app untouched (method, headers, streaming body; the answer likewise, redirects not
 * followed) but for hop-by-hop headers and our cookies; a signed-in person's carries `Edge-SSO-Assertion`.
 * A signed-out request under `PROTECTED_PATHS` is sent to sign in first.
 */
export function gateway(options: GatewayOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (options.ownPath(c.req.path)) return next()
    let config: Config
    try {
      config = readConfig(c.env, c.req.url)
    } catch {
      return next() // the app answers a misconfigured deploy with its own 500 page
    }
    const host = hostAppOf(c, config, options.runtime)
    if (!host) return next()
    c.set('config', config)
    c.set('runtime', options.runtime)
    const session = await requestSession(c)
    const url = new URL(c.req.url)
    if (!session && underPrefix(url.pathname, config.protectedPaths)) {
      const back = encodeURIComponent(`${url.pathname}${url.search}`)
      return ownAnswer(c, () => c.redirect(`/?return_to=${back}`, 302))
    }
    const assertion = session
      ? (await identityToken(session, config, options.runtime.now())).token
      : undefined
    const incoming = c.req.raw
    const request = new Request(host.url(url), {
      method: incoming.method,
      headers: hostRequestHeaders(incoming, assertion),
      body: incoming.body,
      redirect: 'manual',
    })
    let response: Response
    try {
      response = await sendOnce(
        host,
        request,
        options.runtime.upstreamTimeoutMs ?? hostAppTimeoutMs,
      )
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      return ownAnswer(c, () => options.refuse(c, error))
    }
    // The session cookie the recheck re-signed or cleared goes back with the host app's answer.
    const ownCookies = c.res.headers.getSetCookie()
    c.res.headers.delete('set-cookie')
    return passedOn(response, ownCookies)
  }
}
