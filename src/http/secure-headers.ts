// Security headers on every response: nosniff, a CSP that forbids framing and allows only our stylesheets, HSTS on https.
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { stylesheets } from '../views/styles'

/** `'sha256-…'` for an inline stylesheet: CSP Level 2 hash source. */
async function hashSource(css: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(css))
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`
}

/**
 * No scripts, no inline style but our own two stylesheets, nothing loaded from anywhere, never framed.
 * `form-action` stays open: the SSO forms end in a redirect to the customer's IdP.
 */
async function build() {
  const styleSrc = await Promise.all(Object.values(stylesheets).map(hashSource))
  const options = {
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc,
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  }
  return {
    https: secureHeaders({ ...options, strictTransportSecurity: 'max-age=31536000' }),
    http: secureHeaders({ ...options, strictTransportSecurity: false }),
  }
}

let headers: ReturnType<typeof build> | undefined

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  headers ??= build()
  const { https, http } = await headers
  const secure = new URL(c.req.url).protocol === 'https:'
  return (secure ? https : http)(c, next)
}
