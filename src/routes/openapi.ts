// GET /openapi.json: every JSON route in one list, with the zod schemas the routes validate with.
import { Hono } from 'hono'
import { patchTeamSchema } from '../admin/access'
import {
  addDomainSchema,
  createConnectionSchema,
  createTeamSchema,
  eventsQuerySchema,
  membersQuerySchema,
  patchConnectionSchema,
  recoveryLinkSchema,
  setupLinkSchema,
  teamsQuerySchema,
  userQuerySchema,
} from '../admin/schemas'
import type { AppEnv } from '../env'
import { ownTeamSchema } from '../http/own-team'
import { type Operation, openApiDocument } from '../openapi/document'

/** Each JSON route; test/openapi.test.ts checks this list against the app's route table. */
export const operations: Operation[] = [
  {
    method: 'get',
    path: '/api/me',
    summary: 'Who is signed in: user, team, role and how they signed in',
    caller: 'session',
    success: [200, '{"user","team","authMethod","role"}'],
  },
  {
    method: 'get',
    path: '/api/token',
    summary: 'The identity token (ES256 JWT) of the signed-in session; never cached',
    caller: 'session',
    success: [200, '{"token","expiresAt"}'],
  },
  {
    method: 'post',
    path: '/api/team',
    summary: 'Create the caller’s own team (a verified password account of no team)',
    caller: 'session',
    body: ownTeamSchema,
    success: [201, '{"team"}'],
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'The public keys identity tokens are signed with (cacheable 5 minutes)',
    caller: 'anyone',
    success: [200, '{"keys":[{"kty","crv","x","y","kid","alg","use"}]}'],
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    caller: 'anyone',
    success: [200, 'OpenAPI 3.1'],
  },
  {
    method: 'post',
    path: '/admin/api/teams',
    summary: 'Create a team and its owner',
    caller: 'admin',
    body: createTeamSchema,
    success: [201, 'The team'],
  },
  {
    method: 'get',
    path: '/admin/api/teams',
    summary: 'List teams, a page at a time',
    caller: 'admin',
    query: teamsQuerySchema,
    success: [200, '{"teams","nextCursor"}'],
  },
  {
    method: 'get',
    path: '/admin/api/teams/{id}',
    summary: 'One team with its domains and connections',
    caller: 'admin',
    success: [200, 'The team'],
  },
  {
    method: 'patch',
    path: '/admin/api/teams/{id}',
    summary: 'Change a team’s settings',
    caller: 'admin',
    body: patchTeamSchema,
    success: [200, 'The team'],
  },
  {
    method: 'post',
    path: '/admin/api/teams/{id}/domains',
    summary: 'Add a domain to a team (pending until proven, or verified by support)',
    caller: 'admin',
    body: addDomainSchema,
    success: [201, 'The domain'],
  },
  {
    method: 'post',
    path: '/admin/api/teams/{id}/domains/{domain}/verify',
    summary: 'Check a pending domain’s DNS TXT record',
    caller: 'admin',
    success: [200, 'The domain'],
  },
  {
    method: 'delete',
    path: '/admin/api/teams/{id}/domains/{domain}',
    summary: 'Remove a domain from a team',
    caller: 'admin',
    success: [204, 'Removed'],
  },
  {
    method: 'post',
    path: '/admin/api/teams/{id}/setup-links',
    summary: 'Mint a setup link for the team’s IT admin (mailed when an email is given)',
    caller: 'admin',
    body: setupLinkSchema,
    optionalBody: true,
    success: [201, '{"url","expiresAt"}'],
  },
  {
    method: 'post',
    path: '/admin/api/teams/{id}/recovery-links',
    summary: 'Mail a break-glass recovery link to the team owner or an admin (never returned)',
    caller: 'admin',
    body: recoveryLinkSchema,
    success: [201, '{"expiresAt"}'],
  },
  {
    method: 'get',
    path: '/admin/api/teams/{id}/setup-links',
    summary: 'The team’s setup links',
    caller: 'admin',
    success: [200, '{"setupLinks"}'],
  },
  {
    method: 'delete',
    path: '/admin/api/teams/{id}/setup-links/{linkId}',
    summary: 'Revoke a setup link',
    caller: 'admin',
    success: [204, 'Revoked'],
  },
  {
    method: 'get',
    path: '/admin/api/teams/{id}/members',
    summary: 'The team’s members, a page at a time',
    caller: 'admin',
    query: membersQuerySchema,
    success: [200, '{"members","nextCursor"}'],
  },
  {
    method: 'delete',
    path: '/admin/api/teams/{teamId}/members/{userId}',
    summary: 'Remove a member from the team (their sessions end)',
    caller: 'admin',
    success: [204, 'Removed'],
  },
  {
    method: 'get',
    path: '/admin/api/users',
    summary: 'Look a user up by email',
    caller: 'admin',
    query: userQuerySchema,
    success: [200, '{"user"}'],
  },
  {
    method: 'delete',
    path: '/admin/api/users/{id}/sessions',
    summary: 'End every session of a user',
    caller: 'admin',
    success: [204, 'Ended'],
  },
  {
    method: 'post',
    path: '/admin/api/sso-connections',
    summary: 'Connect the team the owner email names to its IdP',
    caller: 'admin',
    body: createConnectionSchema,
    success: [201, 'The connection'],
  },
  {
    method: 'get',
    path: '/admin/api/sso-connections/{id}',
    summary: 'One connection (its client secret never shown)',
    caller: 'admin',
    success: [200, 'The connection'],
  },
  {
    method: 'patch',
    path: '/admin/api/sso-connections/{id}',
    summary: 'Change a connection: credentials, enabled, sign-out at the IdP',
    caller: 'admin',
    body: patchConnectionSchema,
    success: [200, 'The connection'],
  },
  {
    method: 'delete',
    path: '/admin/api/sso-connections/{id}',
    summary: 'Delete a connection',
    caller: 'admin',
    success: [204, 'Deleted'],
  },
  {
    method: 'post',
    path: '/admin/api/sso-connections/{id}/scim-token',
    summary: 'Issue the connection’s SCIM token (shown once; replaces the previous one)',
    caller: 'admin',
    success: [201, '{"baseUrl","token"}'],
  },
  {
    method: 'get',
    path: '/admin/api/events',
    summary: 'The audit events, newest first, a page at a time',
    caller: 'admin',
    query: eventsQuerySchema,
    success: [200, '{"events","nextCursor"}'],
  },
]

/** `GET /openapi.json`: the JSON routes' OpenAPI 3.1 document, built once per isolate and origin. */
const documents = new Map<string, string>()
export const openApiRoutes = new Hono<AppEnv>().get('/openapi.json', (c) => {
  const origin = c.var.config.publicOrigin
  let document = documents.get(origin)
  if (!document) {
    document = JSON.stringify(openApiDocument(operations, origin))
    documents.set(origin, document)
  }
  c.header('content-type', 'application/json')
  c.header('cache-control', 'public, max-age=300')
  return c.body(document)
})
