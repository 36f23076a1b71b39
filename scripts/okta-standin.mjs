// A local OpenID provider standing in for an Okta org (dev only): oidc-provider, demo users, dashboard tiles.
// Why not one of the test IdPs: this is for people (the demo and the browser tests), so it is the certified
// `oidc-provider` with real sign-in pages and sessions; test/idp/provider.ts runs inside workerd for the unit
// suites and bench/idp.mjs answers without pages after a fixed delay for the bench.
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Provider, { interactionPolicy } from 'oidc-provider'
import { demoClient, demoPorts, demoTeams, demoUsers, devAdminToken, setupClient } from './demo.mjs'
import { addTxtRecord, dnsCard, dohAnswer, dohPath } from './dns-standin.mjs'
import { provisioningState, setActive, universalLogout } from './okta-offboarding.mjs'

const { Check, base } = interactionPolicy

/** Okta's org authorization server paths, so URLs in the browser look like the real thing. */
const oktaRoutes = {
  authorization: '/oauth2/v1/authorize',
  token: '/oauth2/v1/token',
  userinfo: '/oauth2/v1/userinfo',
  jwks: '/oauth2/v1/keys',
  end_session: '/oauth2/v1/logout',
}

/** One RS256 signing key, kept in `stateDir` so a restart does not rotate it under the worker's JWKS cache. */
function signingKey(stateDir) {
  const file = join(stateDir, 'okta-standin-signing-key.json')
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = {
      ...privateKey.export({ format: 'jwk' }),
      kid: randomUUID(),
      alg: 'RS256',
      use: 'sig',
    }
    mkdirSync(stateDir, { recursive: true })
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 })
    return jwk
  }
}

/** The stand-in asks who you are on every authorization, so the demo can switch people without clearing cookies. */
function alwaysAskPolicy() {
  const policy = base()
  const ask = (ctx) => (ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT)
  policy
    .get('login')
    .checks.push(new Check('demo_always_ask', 'the stand-in asks on every sign-in', ask))
  return policy
}

/** Users assigned to the app need no consent screen (as in Okta): the grant covers the scopes asked for. */
async function assignedAppGrant(ctx) {
  const { Grant } = ctx.oidc.provider
  const grantId =
    ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
  if (grantId) return Grant.find(grantId)
  const grant = new Grant({
    clientId: ctx.oidc.client.clientId,
    accountId: ctx.oidc.session.accountId,
  })
  grant.addOIDCScope('openid email profile')
  await grant.save()
  return grant
}

function createProvider(issuer, publicUrl, jwk) {
  return new Provider(issuer, {
    clients: [demoClient, setupClient].map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [`${publicUrl}/sso/callback`],
      post_logout_redirect_uris: [`${publicUrl}/`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: ['okta-standin-dev-only-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    routes: oktaRoutes,
    interactions: {
      policy: alwaysAskPolicy(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    loadExistingGrant: assignedAppGrant,
    async findAccount(_ctx, sub) {
      const user = demoUsers.find((u) => u.sub === sub)
      if (!user) return undefined
      return {
        accountId: sub,
        claims: () => ({ sub, email: user.email, email_verified: true, name: user.name }),
      }
    },
  })
}

const escape = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Okta (local stand-in)</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f4f4f7;color:#1d1d21}main{max-width:34rem;margin:0 auto;padding:2rem 1rem}
.banner{background:#00297a;color:#fff;padding:.75rem 1rem;font-weight:600}.card{background:#fff;border:1px solid #d7d7dc;border-radius:8px;padding:1rem;margin:0 0 1rem}
button,.tile{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.75rem;border:1px solid #c5c5cc;border-radius:6px;background:#fff;font:inherit;cursor:pointer;color:inherit;text-decoration:none}
button.hinted{border:2px solid #1662dd}.muted{color:#5f5f6b;font-size:.9rem}.tile{font-weight:600}
.tile{overflow-wrap:anywhere}.tile small{display:block;font-weight:400;color:#5f5f6b}
.user{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;padding:.5rem 0;border-top:1px solid #e4e4e8}.user form{margin:0}.user button{width:auto;display:inline-block;margin:0}.user .who{flex:1 1 100%;overflow-wrap:anywhere}
.state{font-size:.85rem;padding:0 .4rem;border-radius:4px;background:#e6f4ea;color:#145c2c}.state.off{background:#fbe4e2;color:#8c1d15}.state.none{background:#eee;color:#444}
.result{background:#e8f0fe;border-color:#1662dd}</style></head>
<body><div class="banner">Okta · local stand-in for development</div><main>${body}</main></body></html>`

function loginPage(uid, clientId, hint) {
  const users = demoUsers
    .map((u) => {
      const hinted = hint && hint.toLowerCase() === u.email
      return `<button name="sub" value="${escape(u.sub)}"${hinted ? ' class="hinted" autofocus' : ''}>${escape(u.name)} &lt;${escape(u.email)}&gt;<br><span class="muted">${escape(u.note)}</span></button>`
    })
    .join('')
  return page(
    'Sign in',
    `<h1>Sign in</h1><form class="card" method="post" action="/interaction/${escape(uid)}">
<p class="muted">The app <code>${escape(clientId)}</code> asks who you are. Pick a demo user (no password in the stand-in).</p>${users}</form>`,
  )
}

const stateLabels = {
  active: ['active in the app', 'state'],
  deactivated: ['deactivated', 'state off'],
  'not provisioned': ['not provisioned yet', 'state none'],
  unknown: ['status unknown', 'state none'],
}

/**
 * Per demo user, their provisioning state in the app (as the app's SCIM answers it) and what an Okta admin
 * does when someone leaves: deactivate (SCIM), reactivate, or universal logout.
 */
async function offboardingCard(stateDir) {
  const action = (user, path, label) =>
    `<form method="post" action="/dashboard/${path}"><input type="hidden" name="sub" value="${escape(user.sub)}"><button data-action="${path}" data-email="${escape(user.email)}" aria-label="${label}: ${escape(user.email)}">${label}</button></form>`
  const states = await Promise.all(demoUsers.map((u) => provisioningState(stateDir, u)))
  const rows = demoUsers
    .map((u, i) => {
      const [label, kind] = stateLabels[states[i]] ?? stateLabels.unknown
      const state = `<span class="${kind}" data-testid="state" data-email="${escape(u.email)}">${label}</span>`
      return `<div class="user"><span class="who">${escape(u.email)} ${state}</span>${action(u, 'deactivate', 'Deactivate')}${action(u, 'reactivate', 'Reactivate')}${action(u, 'universal-logout', 'Universal logout')}</div>`
    })
    .join('')
  return `<div class="card"><h2>Admin: people</h2><p class="muted">Deactivate sends SCIM <code>PATCH /Users/:id</code> with <code>active:false</code>; Universal logout sends a signed Global Token Revocation request. Access ends at the app's next session recheck.</p>${rows}</div>`
}

/**
 * One tile per active connection of the app to this issuer, each at its own initiate login URI (as the setup
 * page tells a real Okta admin to configure), Demo Co's first: a second team set up against this stand-in
 * never makes a tile ambiguous. The app's admin API (dev-only token) lists them; unreachable, one tile
 * with only `iss`.
 */
async function appTiles(issuer, publicUrl) {
  const withIss = (uri) => `${uri}?iss=${encodeURIComponent(issuer)}`
  try {
    const response = await fetch(`${publicUrl}/admin/api/teams?limit=100`, {
      headers: { authorization: `Bearer ${devAdminToken}` },
    })
    if (!response.ok) throw new Error(`teams: ${response.status}`)
    const { teams } = await response.json()
    const tiles = teams
      .sort(
        (a, b) =>
          Number(b.ownerEmail === demoTeams.sso.ownerEmail) -
          Number(a.ownerEmail === demoTeams.sso.ownerEmail),
      )
      .flatMap((team) =>
        team.connections
          .filter((c) => c.issuer === issuer && c.status === 'active')
          .map((c) => ({ team: team.name, href: withIss(c.initiateLoginUri) })),
      )
    if (tiles.length) return tiles
  } catch {
    // The app is not up yet: the issuer-only tile below.
  }
  return [{ team: 'edge-sso', href: `${publicUrl}/sso/initiate?iss=${encodeURIComponent(issuer)}` }]
}

async function dashboardPage({ issuer, publicUrl, stateDir }, result) {
  const shown = result
    ? `<p class="card result" role="status" id="result">${escape(result)}</p>`
    : ''
  const tiles = (await appTiles(issuer, publicUrl))
    .map(
      (t, i) =>
        `<a class="tile" id="${i === 0 ? 'edge-sso-tile' : `edge-sso-tile-${i}`}" href="${escape(t.href)}">edge-sso demo<small>${escape(t.team)}</small></a>`,
    )
    .join('')
  return page(
    'My Apps',
    `<h1>My Apps</h1>${shown}<div class="card">${tiles}
<p class="muted">Like Okta's dashboard tiles with "Login initiated by: Either Okta or App": each sends you to its connection's own initiate login URI (with <code>iss</code>), as the app's setup page tells Okta admins to set it.</p></div>${await offboardingCard(stateDir)}${dnsCard()}
<div class="card"><p class="muted">Issuer <code>${escape(issuer)}</code> · demo users: ${demoUsers.map((u) => escape(u.email)).join(', ')}</p></div>`,
  )
}

async function readForm(req) {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > 4096) throw new Error('form too large')
  }
  return new URLSearchParams(body)
}

const send = (res, status, html) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(html)
}

/** Our pages (dashboard, the sign-in form) in front of oidc-provider's own routes. */
function handler(provider, { issuer, publicUrl, stateDir, jwk }) {
  const oidc = provider.callback()
  const offboard = {
    deactivate: (user) => setActive(stateDir, user, false),
    reactivate: (user) => setActive(stateDir, user, true),
    'universal-logout': (user) => universalLogout({ issuer, publicUrl, jwk }, user),
  }
  return async (req, res) => {
    const url = new URL(req.url ?? '/', issuer)
    const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname)
    const offboarding = /^\/dashboard\/([\w-]+)$/.exec(url.pathname)?.[1]
    try {
      const dashboard = (result) => dashboardPage({ issuer, publicUrl, stateDir }, result)
      if (url.pathname === '/' || url.pathname === '/dashboard')
        return send(res, 200, await dashboard())
      if (url.pathname === dohPath) {
        res.writeHead(200, { 'content-type': 'application/dns-json' })
        return res.end(JSON.stringify(dohAnswer(url)))
      }
      if (req.method === 'POST' && url.pathname === '/dashboard/dns') {
        const form = await readForm(req)
        const result = addTxtRecord(form.get('name'), form.get('value'))
        return send(res, 200, await dashboard(result))
      }
      if (req.method === 'POST' && offboarding && Object.hasOwn(offboard, offboarding)) {
        const sub = (await readForm(req)).get('sub')
        const user = demoUsers.find((u) => u.sub === sub)
        const result = user
          ? await offboard[offboarding](user).catch((error) => `Failed: ${error.message}`)
          : 'Unknown user'
        return send(res, 200, await dashboard(result))
      }
      if (!interaction) return oidc(req, res)
      const details = await provider.interactionDetails(req, res)
      if (details.uid !== interaction[1])
        return send(
          res,
          400,
          page('Expired', '<p>This sign-in expired. Start again from the app.</p>'),
        )
      if (req.method === 'GET')
        return send(
          res,
          200,
          loginPage(details.uid, details.params.client_id, details.params.login_hint),
        )
      const sub = (await readForm(req)).get('sub')
      if (!demoUsers.some((u) => u.sub === sub))
        return send(res, 400, page('Unknown user', '<p>Pick one of the demo users.</p>'))
      return await provider.interactionFinished(
        req,
        res,
        { login: { accountId: sub } },
        { mergeWithLastSubmission: false },
      )
    } catch (error) {
      console.error(`[okta-standin] ${error?.name ?? 'Error'}: ${error?.message}`)
      return send(
        res,
        400,
        page(
          'Sign-in problem',
          '<p>This sign-in expired or was already used. Start again from the app.</p>',
        ),
      )
    }
  }
}

/** Starts the stand-in on loopback (IPv4 and, where present, IPv6); resolves once it listens. */
export async function startStandin({ port, publicUrl, stateDir }) {
  const issuer = `http://localhost:${port}`
  const jwk = signingKey(stateDir)
  const provider = createProvider(issuer, publicUrl, jwk)
  const handle = handler(provider, { issuer, publicUrl, stateDir, jwk })
  const servers = []
  for (const host of ['127.0.0.1', '::1']) {
    const server = createServer(handle)
    const listening = await new Promise((resolve, reject) => {
      server.once('error', (error) => (host === '::1' ? resolve(false) : reject(error)))
      server.listen(port, host, () => resolve(true))
    })
    if (listening) servers.push(server)
  }
  const close = (server) =>
    new Promise((resolve) => {
      server.close(resolve)
      server.closeAllConnections()
    })
  return { issuer, close: () => Promise.all(servers.map(close)) }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ports = demoPorts()
  const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${ports.worker}`
  const stateDir = process.env.OKTA_STANDIN_STATE ?? '.wrangler/okta-standin'
  const standin = await startStandin({ port: ports.standin, publicUrl, stateDir })
  console.log(`issuer ${standin.issuer}, dashboard ${standin.issuer}/dashboard`)
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => standin.close().then(() => process.exit(0)))
}
