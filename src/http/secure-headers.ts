// Security headers on every response: nosniff, a CSP that forbids framing and allows only our stylesheets, HSTS on https.
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { scripts, stylesheets } from '../views/styles'

/** `'sha256-…'` for an inline stylesheet or script: CSP Level 2 hash source. */
async function hashSource(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`
}

/**
 * No script but the setup page's copy buttons, no inline style but our own stylesheets, nothing loaded
 * from anywhere (a page's script may not even fetch), never framed.
 * `form-action` stays open: the SSO forms end in a redirect to the customer's IdP.
 */
async function build() {
  const styleSrc = await Promise.all(Object.values(stylesheets).map(hashSource))
  const scriptSrc = await Promise.all(Object.values(scripts).map(hashSource))
  const options = {
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc,
      scriptSrc,
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
