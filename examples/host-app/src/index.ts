// The example host app: a Hono Worker behind edge-sso's gateway that checks the assertion and shows who is signed in.
import { Hono } from 'hono'
import { html } from 'hono/html'
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose'
import { type Identity, verifyAssertion } from './verify'

export interface Bindings {
  /** edge-sso's `PUBLIC_URL`: the token's issuer, and where its JWKS is. */
  SSO_ISSUER: string
  /** edge-sso's `TOKEN_AUDIENCE`. */
  SSO_AUDIENCE: string
}

type HostEnv = { Bindings: Bindings; Variables: { identity: Identity | null } }

export interface HostAppOptions {
  /** How the JWKS is fetched (tests hand in theirs); by default the global fetch. */
  fetchJwks?: typeof fetch
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

  app.get('/app', (c) => c.html(page('Example host app', whoIsSignedIn(c.var.identity))))
  app.get('/app/*', (c) => c.html(page('Example host app', whoIsSignedIn(c.var.identity))))
  app.get('/api/whoami', (c) => c.json(c.var.identity))
  app.get('/pricing', (c) => c.html(page('Pricing', whoIsSignedIn(c.var.identity))))
  return app
}

export default createHostApp()
