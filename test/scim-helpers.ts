// SCIM as Okta speaks it in tests: a token from the admin API, requests with its bearer, Okta's bodies.
import { expect } from 'vitest'
import { Browser, type Rig } from './harness'

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group'
export const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error'

export interface Scim {
  token: string
  baseUrl: string
  (method: string, path: string, body?: unknown): Promise<Response>
}

/** Issues the connection's SCIM token through the admin API and returns a client for it. */
export async function scimClient(rig: Rig, connectionId: string): Promise<Scim> {
  const issued = await rig.admin('POST', `/admin/api/sso-connections/${connectionId}/scim-token`)
  expect(issued.status).toBe(201)
  const { token, baseUrl } = (await issued.json()) as { token: string; baseUrl: string }
  return Object.assign(withToken(rig, token), { token, baseUrl })
}

/** Requests to /scim/v2 with `token` (as Okta sends them: application/scim+json). */
export function withToken(rig: Rig, token: string) {
  return (method: string, path: string, body?: unknown) =>
    rig.fetch(new Browser(), `/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/scim+json',
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json; charset=utf-8' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
}

/** The body of Okta's POST /Users. */
export const oktaUser = (email: string, given = 'Ada', family = 'Lovelace') => ({
  schemas: [userSchema],
  userName: email,
  name: { givenName: given, familyName: family },
  emails: [{ primary: true, value: email, type: 'work' }],
  displayName: `${given} ${family}`,
  locale: 'en-US',
  externalId: `00u${email.length}okta`,
  groups: [],
  password: 'ignored-by-us-1',
  active: true,
})

export const patch = (...Operations: unknown[]) => ({ schemas: [patchOp], Operations })

export const body = (r: Response) => r.json() as Promise<any>

/** A SCIM error answer: the status, the error schema, status as a string, the scimType when given. */
export async function expectScimError(response: Response, status: number, scimType?: string) {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/)
  const error = await body(response)
  expect(error).toMatchObject({ schemas: [errorSchema], status: String(status) })
  if (scimType) expect(error.scimType).toBe(scimType)
  expect(typeof error.detail).toBe('string')
}
