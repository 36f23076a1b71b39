// SCIM 2.0 at /scim/v2 for Okta and Entra provisioning: a connection's bearer token acts on that connection's team only.
// @see RFC 7644 §3
import { type Context, Hono } from 'hono'
import { hashToken } from '../crypto/tokens'
import { scimScopeByTokenHash, type ScimScope } from '../db/scim'
import type { AppEnv } from '../env'
import { type AuditAction, scimRequestActions } from '../vocabulary'
import { AppError, asAppError } from '../errors'
import { refuseLargeBodies } from '../http/body-limit'
import { db } from '../http/context'
import { rateLimit, rateLimits } from '../http/rate-limit'
import { recordRefusal } from '../http/refusal'
import { scimContentType, ScimError } from '../scim/errors'
import {
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  patchGroup,
  replaceGroup,
} from '../scim/groups'
import { listResponse, resourceTypes, schemas, serviceProviderConfig } from '../scim/protocol'
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  patchUser,
  replaceUser,
  type ScimContext,
} from '../scim/users'

declare module 'hono' {
  interface ContextVariableMap {
    /** The connection and team the SCIM bearer token belongs to. */
    scimScope: ScimScope
  }
}

/** `scim_<method>_<resource>` for Users and Groups; anything else is `scim_request`. */
function scimRequestAction(method: string, path: string): AuditAction {
  const name = `scim_${method.toLowerCase()}_${path.split('/')[3]?.toLowerCase() ?? ''}`
  return scimRequestActions.find((action) => action === name) ?? 'scim_request'
}

const baseUrl = (c: Context<AppEnv>) => `${c.var.config.publicOrigin}/scim/v2`

const scim = (c: Context<AppEnv>): ScimContext => ({
  db: db(c),
  scope: c.var.scimScope,
  nowMs: c.var.runtime.now(),
  baseUrl: baseUrl(c),
  audit: c.var.audit,
  outbox: c.var.outbox,
})

const send = (c: Context<AppEnv>, body: unknown, status: 200 | 201 = 200) =>
  c.body(JSON.stringify(body), status, { 'content-type': scimContentType })

async function readBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw new ScimError(400, 'The body is not JSON.', 'invalidSyntax')
  }
}

/** The SCIM answer to what was thrown: its own ScimError, else 413, 429, 503 or 500 in SCIM's schema. */
function scimErrorOf(error: AppError): ScimError {
  if (error instanceof ScimError) return error
  if (error.status === 413 || error.status === 429)
    return new ScimError(error.status, error.message)
  return error.code === 'storage_unavailable'
    ? new ScimError(503, 'The service is busy. Please try again in a moment.')
    : new ScimError(500, 'Something went wrong on our side.')
}

/**
 * The answer to any failure, in the SCIM error schema, recorded as every refusal is (src/http/refusal.ts):
 * under the catalogue's code (413, 429), SCIM's (src/scim/errors.ts), or `internal_error` for a failure.
 */
async function refuse(c: Context<AppEnv>, thrown: unknown): Promise<Response> {
  const error = asAppError(thrown)
  const scimError = scimErrorOf(error)
  const recorded =
    error === scimError || scimError.status < 500
      ? error
      : new AppError('internal_error', {
          status: scimError.status,
          cause: error.cause,
          subject: error.subject,
        })
  await recordRefusal(c, recorded, { status: scimError.status, scimType: scimError.scimType })
  const headers: Record<string, string> = { 'content-type': scimContentType }
  if (scimError.status === 401) headers['www-authenticate'] = 'Bearer realm="scim"'
  if (scimError.status === 405) headers.allow = 'GET'
  return c.body(JSON.stringify(scimError.body), scimError.status, headers)
}

/** The bearer token's hash, or undefined when the header holds none. */
async function presentedTokenHash(c: Context<AppEnv>): Promise<string | undefined> {
  const token = /^Bearer ([\x21-\x7e]{20,512})$/i.exec(c.req.header('authorization') ?? '')?.[1]
  return token ? hashToken(token) : undefined
}

/** One SCIM resource's operations (RFC 7644 §3.3–3.6), each on the request's connection and team. */
interface ScimResource {
  list: (s: ScimContext, query: Record<string, string>) => Promise<unknown>
  create: (s: ScimContext, body: unknown) => Promise<unknown>
  get: (s: ScimContext, id: string, query: Record<string, string>) => Promise<unknown>
  replace: (s: ScimContext, id: string, body: unknown) => Promise<unknown>
  /** The patched resource, or undefined for `204 No Content`. */
  patch: (s: ScimContext, id: string, body: unknown) => Promise<unknown>
  remove: (s: ScimContext, id: string) => Promise<void>
}

const users: ScimResource = {
  list: listUsers,
  create: createUser,
  get: getUser,
  replace: replaceUser,
  patch: patchUser,
  remove: deleteUser,
}
const groups: ScimResource = {
  list: listGroups,
  create: createGroup,
  get: getGroup,
  replace: replaceGroup,
  patch: patchGroup,
  remove: deleteGroup,
}

/** The read-only discovery documents (RFC 7644 §4): any other method is 405. */
const discoveryPaths = [
  '/ServiceProviderConfig',
  '/ResourceTypes',
  '/ResourceTypes/:name',
  '/Schemas',
  '/Schemas/:id',
]

/** A resource's endpoints: errors go to the SCIM router's handler, where they become SCIM errors. */
const resourceRoutes = (r: ScimResource) =>
  new Hono<AppEnv>()
    .get('/', async (c) => send(c, await r.list(scim(c), c.req.query())))
    .post('/', async (c) => send(c, await r.create(scim(c), await readBody(c)), 201))
    .get('/:id', async (c) => send(c, await r.get(scim(c), c.req.param('id'), c.req.query())))
    .put('/:id', async (c) =>
      send(c, await r.replace(scim(c), c.req.param('id'), await readBody(c))),
    )
    .patch('/:id', async (c) => {
      const patched = await r.patch(scim(c), c.req.param('id'), await readBody(c))
      return patched === undefined ? c.body(null, 204) : send(c, patched)
    })
    .delete('/:id', async (c) => {
      await r.remove(scim(c), c.req.param('id'))
      return c.body(null, 204)
    })

export const scimRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    c.set('audit', { kind: 'admin', action: scimRequestAction(c.req.method, c.req.path) })
    await next()
  })
  .use('*', refuseLargeBodies)
  .use(
    '*',
    rateLimit(rateLimits.scim, async (c) => {
      const hash = await presentedTokenHash(c)
      return hash && `scim-token:${hash}`
    }),
  )
  .use('*', async (c, next) => {
    const hash = await presentedTokenHash(c)
    const scope = hash ? await scimScopeByTokenHash(db(c), hash) : undefined
    if (!scope) throw new ScimError(401, 'A valid SCIM bearer token is required.')
    c.set('scimScope', scope)
    c.set('subject', { teamId: scope.teamId })
    await next()
  })
  .get('/ServiceProviderConfig', (c) => send(c, serviceProviderConfig(baseUrl(c))))
  .get('/ResourceTypes', (c) => {
    const types = resourceTypes(baseUrl(c))
    return send(c, listResponse(types, types.length, 1))
  })
  .get('/ResourceTypes/:name', (c) => {
    const type = resourceTypes(baseUrl(c)).find((t) => t.id === c.req.param('name'))
    if (!type) throw new ScimError(404, 'ResourceType not found')
    return send(c, type)
  })
  .get('/Schemas', (c) => {
    const all = schemas(baseUrl(c))
    return send(c, listResponse(all, all.length, 1))
  })
  .get('/Schemas/:id', (c) => {
    const schema = schemas(baseUrl(c)).find((s) => s.id === c.req.param('id'))
    if (!schema) throw new ScimError(404, 'Schema not found')
    return send(c, schema)
  })
  .on(['POST', 'PUT', 'PATCH', 'DELETE'], discoveryPaths, () => {
    throw new ScimError(405, 'This endpoint is read-only: use GET.')
  })
  .route('/Users', resourceRoutes(users))
  .route('/Groups', resourceRoutes(groups))
  .all('*', () => {
    throw new ScimError(404, 'No such SCIM endpoint.')
  })
  .onError((error, c) => refuse(c, error))
