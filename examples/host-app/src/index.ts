// The example host app: a Hono Worker behind edge-sso's gateway that checks the assertion and shows who is signed in.
import { Hono } from 'hono'
import { html } from 'hono/html'
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import { type Identity, verifyAssertion } from './verify'
import { EventLog, type HeardEvent } from './webhooks'

export interface Bindings {
  /** edge-sso's `PUBLIC_URL`: the token's issuer, and where its JWKS is. */
  SSO_ISSUER: string
  /** edge-sso's `TOKEN_AUDIENCE`. */
  SSO_AUDIENCE: string
  /** edge-sso's `WEBHOOK_SECRET` (`whsec_…`): its events at POST /webhooks are checked with it. */
  WEBHOOK_SECRET?: string
}

type HostEnv = { Bindings: Bindings; Variables: { identity: Identity | null } }

export interface HostAppOptions {
  /** How the JWKS is fetched (tests hand in theirs); by default the global fetch. */
  fetchJwks?: typeof fetch
  /** The clock events are stamped with on arrival (tests hand in theirs). */
  now?: () => number
}

const page = (title: string, body: unknown) =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · Example host app</title>
      </head>
      <body>
        <h1>${title}</h1>
        ${body}
      </body>
    </html>`

export function createHostApp(options: HostAppOptions = {}) {
  const app = new Hono<HostEnv>()
  /** One key set per issuer for the isolate's life: jose caches the JWKS and refetches an unknown kid. */
  const keySets = new Map<string, JWTVerifyGetKey>()
  const keysOf = (issuer: string) => {
    let keys = keySets.get(issuer)
    if (!keys) {
      const url = new URL('/.well-known/jwks.json', issuer)
      keys = createRemoteJWKSet(url, options.fetchJwks ? { [customFetch]: options.fetchJwks } : {})
      keySets.set(issuer, keys)
    }
    return keys
  }

  const heard = new EventLog()
  const now = options.now ?? Date.now

  // edge-sso's webhooks (WEBHOOK_URL points here): verified, deduplicated, the last 50 kept in memory.
  app.post('/webhooks', async (c) => {
    const secret = c.env.WEBHOOK_SECRET
    if (!secret) return c.text('webhooks are not configured', 404)
    const headers = Object.fromEntries(c.req.raw.headers)
    const valid = heard.receive(secret, await c.req.text(), headers, now())
    return valid ? c.body(null, 204) : c.text('invalid signature', 400)
  })
  app.get('/webhooks', (c) => c.json({ events: heard.list() }))

  app.use('*', async (c, next) => {
    const assertion = c.req.header('edge-sso-assertion')
    if (!assertion) {
      c.set('identity', null)
      return next()
    }
    const verifier = {
      keys: keysOf(c.env.SSO_ISSUER),
      issuer: c.env.SSO_ISSUER,
      audience: c.env.SSO_AUDIENCE,
    }
    const identity = await verifyAssertion(assertion, verifier)
    if (!identity)
      return c.html(
        page(
          'Not allowed',
          html`<p data-testid="refused">The sign-in assertion failed its check.</p>`,
        ),
        401,
      )
    c.set('identity', identity)
    return next()
  })

  const whoIsSignedIn = (identity: Identity | null) =>
    identity
      ? html`<p>
            Signed in as
            <strong data-testid="email">${identity.email}</strong>
            ${identity.name ? html`(<span data-testid="name">${identity.name}</span>)` : ''}
          </p>
          <p>
            Team: <span data-testid="team">${identity.team_id ?? 'none'}</span>, role:
            <span data-testid="role">${identity.role ?? 'none'}</span>, signed in with
            <span data-testid="amr">${identity.amr.join(', ')}</span>.
          </p>
          <form method="post" action="/logout"><button>Sign out</button></form>`
      : html`<p data-testid="anonymous">Nobody is signed in. <a href="/">Sign in</a></p>`

  const appPage = (identity: Identity | null) =>
    page('Example host app', html`${whoIsSignedIn(identity)}${eventsHeard(heard.list())}`)
  app.get('/app', (c) => c.html(appPage(c.var.identity)))
  app.get('/app/*', (c) => c.html(appPage(c.var.identity)))
  app.get('/api/whoami', (c) => c.json(c.var.identity))
  app.get('/pricing', (c) => c.html(page('Pricing', whoIsSignedIn(c.var.identity))))
  return app
}

/** What edge-sso told us, newest first: the host app ends its own sessions on `sessions.revoked`. */
const eventsHeard = (events: readonly HeardEvent[]) =>
  html`<h2>Heard from edge-sso</h2>
    ${
      events.length
        ? html`<ul data-testid="events">
            ${events.map(
              (e) =>
                html`<li>
                  <code>${e.type}</code> via
                  ${e.data.via}${e.data.userId ? html` (user ${e.data.userId})` : ''} at
                  ${e.timestamp}
                </li>`,
            )}
          </ul>`
        : html`<p data-testid="no-events">No events yet.</p>`
    }`

export default createHostApp()
