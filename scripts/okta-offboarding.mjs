// The stand-in's offboarding calls, made the way Okta makes them: SCIM deactivation and Universal Logout (dev only).
import { createPrivateKey, createSign, randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User'

/** Where the demo seeding leaves the SCIM base URL and token for the stand-in (state folder, mode 600). */
const scimFile = (stateDir) => join(stateDir, 'okta-standin-scim.json')

export function saveScimSettings(stateDir, settings) {
  writeFileSync(scimFile(stateDir), JSON.stringify(settings), { mode: 0o600 })
}

function scimSettings(stateDir) {
  try {
    return JSON.parse(readFileSync(scimFile(stateDir), 'utf8'))
  } catch {
    throw new Error('No SCIM token yet: the demo seeding issues one (npm run dev).')
  }
}

async function scim(settings, method, path, body) {
  const response = await fetch(`${settings.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${settings.token}`,
      accept: 'application/scim+json',
      ...(body ? { 'content-type': 'application/scim+json; charset=utf-8' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** The app's SCIM id for `user`: found by userName, else provisioned (Okta's assignment push). */
async function scimId(settings, user) {
  const filter = encodeURIComponent(`userName eq "${user.email}"`)
  const found = await scim(settings, 'GET', `/Users?filter=${filter}&startIndex=1&count=1`)
  if (found.body?.Resources?.[0]?.id) return found.body.Resources[0].id
  const [givenName, ...rest] = user.name.split(' ')
  const created = await scim(settings, 'POST', '/Users', {
    schemas: [userSchema],
    userName: user.email,
    name: { givenName, familyName: rest.join(' ') },
    emails: [{ primary: true, value: user.email, type: 'work' }],
    active: true,
  })
  if (created.status !== 201) throw new Error(`SCIM POST /Users answered ${created.status}`)
  return created.body.id
}

/**
 * The user's state in the app as its SCIM answers: `active`, `deactivated`, `not provisioned`, or `unknown`
 * (no SCIM token yet, or the app is down). Reads only: it provisions no one.
 */
export async function provisioningState(stateDir, user) {
  try {
    const settings = scimSettings(stateDir)
    const filter = encodeURIComponent(`userName eq "${user.email}"`)
    const found = await scim(settings, 'GET', `/Users?filter=${filter}&startIndex=1&count=1`)
    if (found.status !== 200) return 'unknown'
    const [resource] = found.body?.Resources ?? []
    if (!resource) return 'not provisioned'
    return resource.active ? 'active' : 'deactivated'
  } catch {
    return 'unknown'
  }
}

/** Okta's deactivation (or reactivation): PATCH /Users/:id with `{"op":"replace","value":{"active":…}}`. */
export async function setActive(stateDir, user, active) {
  const settings = scimSettings(stateDir)
  const id = await scimId(settings, user)
  const patched = await scim(settings, 'PATCH', `/Users/${id}`, {
    schemas: [patchOp],
    Operations: [{ op: 'replace', value: { active } }],
  })
  return `SCIM PATCH /Users/${id} active:${active} → ${patched.status}`
}

const base64url = (data) => Buffer.from(data).toString('base64url')

/**
 * Okta's Global Token Revocation request: a JWT signed with the org's own key (the one in its JWKS), `aud`
 * the endpoint URL, single-use `jti`, five minutes to live; the subject by email.
 */
export async function universalLogout({ issuer, publicUrl, jwk }, user) {
  const endpoint = `${publicUrl}/sso/universal-logout`
  const now = Math.floor(Date.now() / 1000)
  const header = { alg: 'RS256', kid: jwk.kid, typ: 'global-token-revocation+jwt' }
  const claims = { iss: issuer, aud: endpoint, jti: randomUUID(), iat: now, exp: now + 300 }
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  const signature = createSign('RSA-SHA256')
    .update(input)
    .sign(createPrivateKey({ key: jwk, format: 'jwk' }))
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${input}.${base64url(signature)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ sub_id: { format: 'email', email: user.email } }),
  })
  return `Universal Logout for ${user.email} → ${response.status}`
}
