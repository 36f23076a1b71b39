// Okta Universal Logout (Global Token Revocation): the issuer's signed request ends a member's sessions.
// @see draft-parecki-oauth-global-token-revocation §3-§4
import { type Context, Hono } from 'hono'
import * as z from 'zod/mini'
import { connectionById, connectionsByIssuer, type ConnectionRecord } from '../db/connections'
import { revokeUserSessions } from '../db/revocation'
import { consumeTokenId, findTeamMember, type LogoutSubject } from '../db/universal-logout'
import type { AppEnv } from '../env'
import { AppError } from '../errors'
import { eventRow, insertEvent, newReferenceId } from '../events'
import { db, upstream } from '../http'
import { discover, keySet } from '../oidc/discovery'
import { maxTokenAgeSeconds, unverifiedIssuer, verifyLogoutToken } from '../oidc/logout-token'
import { email as emailSchema } from '../schemas'

const subjectSchema = z.discriminatedUnion('format', [
  z.looseObject({ format: z.literal('email'), email: z.string().check(z.maxLength(320)) }),
  z.looseObject({
    format: z.literal('iss_sub'),
    iss: z.string().check(z.maxLength(2048)),
    sub: z.string().check(z.minLength(1), z.maxLength(512)),
  }),
])
const requestSchema = z.looseObject({
  sub_id: z.optional(subjectSchema),
  subject: z.optional(subjectSchema),
})

async function readSubject(c: Context<AppEnv>) {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new AppError('invalid_request', { cause: 'body is not JSON' })
  }
  const parsed = requestSchema.safeParse(body)
  const subject = parsed.success ? (parsed.data.sub_id ?? parsed.data.subject) : undefined
  if (!subject) throw new AppError('invalid_request', { cause: 'subject' })
  return subject
}

/** The JWKS of the connections' issuer through the discovery/JWKS cache. */
const keysFor = (c: Context<AppEnv>, issuer: string) => async (unknownKid: boolean) => {
  const options = upstream(c)
  try {
    return await keySet(options, await discover(options, issuer), { unknownKid })
  } catch (cause) {
    throw new AppError('idp_unreachable', { cause })
  }
}

/**
 * One request: the bearer JWT verified against the connections' issuer (401), the subject read (400,
 * 422), the jti spent (401 on replay), the member found in the connections' teams (404), their
 * sessions revoked (204).
 */
async function universalLogout(c: Context<AppEnv>, connections: ConnectionRecord[], path: string) {
  const [first] = connections
  if (!first) throw new AppError('logout_token_invalid', { cause: 'unknown issuer' })
  c.var.audit.teamId = connections.length === 1 ? first.teamId : null
  const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
  const nowSeconds = Math.floor(c.var.runtime.now() / 1000)
  const claims = await verifyLogoutToken(
    token,
    { issuer: first.issuer, audience: `${c.var.config.publicOrigin}${path}`, nowSeconds },
    keysFor(c, first.issuer),
  )
  const input = await readSubject(c)
  let subject: LogoutSubject
  if (input.format === 'email') {
    const email = emailSchema.safeParse(input.email)
    if (!email.success) throw new AppError('logout_unprocessable', { cause: 'email' })
    subject = { format: 'email', email: email.data }
    c.var.audit.email = email.data
  } else {
    if (!URL.canParse(input.iss)) throw new AppError('logout_unprocessable', { cause: 'iss' })
    subject = { format: 'iss_sub', connectionIds: connections.map((x) => x.id), sub: input.sub }
  }
  const client = db(c)
  // Kept until the token could no longer pass the iat check anyway, whatever its exp says.
  const fresh = await consumeTokenId(client, {
    issuer: claims.iss,
    jti: claims.jti,
    expiresAt: Math.min(claims.exp, claims.iat + maxTokenAgeSeconds + 60),
  })
  if (!fresh) throw new AppError('logout_token_invalid', { cause: 'jti replayed' })
  // An issuer logs out its own teams' members only: another issuer's iss_sub names nobody here.
  const member =
    input.format === 'iss_sub' && input.iss !== first.issuer
      ? undefined
      : await findTeamMember(
          client,
          connections.map((x) => x.teamId),
          subject,
        )
  if (!member) throw new AppError('logout_subject_unknown')
  const audit = { ...c.var.audit, teamId: member.teamId, email: member.email }
  await client.batch([
    revokeUserSessions(client, member.id, nowSeconds),
    insertEvent(client, eventRow(audit, 'success', null, newReferenceId(), c.var.runtime.now())),
  ])
  return c.body(null, 204)
}

export const universalLogoutRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    c.set('audit', { kind: 'login', action: 'universal_logout' })
    c.header('cache-control', 'no-store')
    await next()
  })
  .post('/', async (c) => {
    const issuer = unverifiedIssuer(c.req.header('authorization')?.replace(/^Bearer /, '') ?? '')
    const connections = issuer ? await connectionsByIssuer(db(c), c.var.runtime, issuer) : []
    return universalLogout(c, connections, '/sso/universal-logout')
  })
  .post('/:connectionId', async (c) => {
    const id = c.req.param('connectionId').slice(0, 64)
    const connection = await connectionById(db(c), c.var.runtime, id)
    if (!connection) throw new AppError('unknown_connection')
    return universalLogout(c, [connection], `/sso/universal-logout/${id}`)
  })
