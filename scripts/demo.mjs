// The local demo's fixed facts: ports, the stand-in's client and users, and the teams the dev script seeds.

export const devAdminToken = 'dev-only-admin-token-0123456789abcdef'
/** edge-sso's dev-only WEBHOOK_SECRET (src/env.ts), which the example host app checks its events with. */
export const devWebhookSecret = 'whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc='

/**
 * Ports from the environment (WORKER_PORT, OKTA_STANDIN_PORT, HOST_APP_PORT), else wrangler's default, 9090
 * and the worker's port + 10 for the example host app behind the gateway.
 */
export function demoPorts(env = process.env, defaults = { worker: 8787, standin: 9090 }) {
  const port = (value, fallback) => {
    const n = Number(value || fallback)
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`not a port: ${value}`)
    return n
  }
  return {
    worker: port(env.WORKER_PORT, defaults.worker),
    standin: port(env.OKTA_STANDIN_PORT, defaults.standin),
    hostApp: port(
      env.HOST_APP_PORT,
      defaults.hostApp ?? port(env.WORKER_PORT, defaults.worker) + 10,
    ),
  }
}

/** The app instance the customer's Okta admin would create: one client, redirect URI on our callback. */
export const demoClient = {
  clientId: '0oa-edge-sso-demo',
  clientSecret: 'demo-client-secret-for-local-use-only',
}

/**
 * A second app instance in the stand-in, for a team that sets SSO up itself through a setup link (the
 * browser tests walk it): its Okta admin copies these values into the setup page.
 */
export const setupClient = {
  clientId: '0oa-edge-sso-setup',
  clientSecret: 'setup-client-secret-for-local-use-only',
}

/** People in the stand-in's directory. Alan is already in another team, so his SSO login is refused. */
export const demoUsers = [
  {
    sub: '00u-demo-ada',
    email: 'ada@demo.example',
    name: 'Ada Lovelace',
    note: 'joins Demo Co just in time at first sign-in',
  },
  {
    sub: '00u-demo-grace',
    email: 'grace@demo.example',
    name: 'Grace Hopper',
    note: 'joins Demo Co just in time at first sign-in',
  },
  {
    sub: '00u-demo-owner',
    email: 'owner@demo.example',
    name: 'Olive Owner',
    note: 'owner of Demo Co',
  },
  {
    sub: '00u-setup-lin',
    email: 'lin@setup.example',
    name: 'Lin Setup',
    note: 'setup.example: in no team until you make one (README: setup without support)',
  },
  {
    sub: '00u-demo-alan',
    email: 'alan@demo.example',
    name: 'Alan Turing',
    note: 'already owns Other Co: refused',
  },
]

/** Demo Co signs in through the stand-in; Other Co (no SSO) is the team Alan already belongs to. */
export const demoTeams = {
  sso: { name: 'Demo Co', ownerEmail: 'owner@demo.example', defaultPermission: 'public' },
  other: {
    name: 'Other Co',
    ownerEmail: 'alan@demo.example',
    defaultPermission: 'private',
    domains: ['other.example'],
  },
}
