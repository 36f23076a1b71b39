// SCIM's fixed documents and envelopes: ListResponse, paging, ServiceProviderConfig, ResourceTypes, Schemas.
// @see RFC 7643 §5-§7, RFC 7644 §3.4.2
import * as z from 'zod/mini'
import { ScimError } from './errors'

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group'
export const listResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

export const maxPageSize = 200

const pagingSchema = z.object({
  startIndex: z._default(z.coerce.number().check(z.int()), 1),
  count: z._default(z.coerce.number().check(z.int()), 100),
})

/** startIndex is 1-based (below 1 means 1); count is capped at maxPageSize (below 0 means 0). */
export function readPaging(query: Record<string, string>) {
  const parsed = pagingSchema.safeParse({
    startIndex: query.startIndex || undefined,
    count: query.count || undefined,
  })
  if (!parsed.success)
    throw new ScimError(400, 'startIndex and count must be integers.', 'invalidValue')
  const startIndex = Math.max(1, parsed.data.startIndex)
  const count = Math.min(maxPageSize, Math.max(0, parsed.data.count))
  return { startIndex, offset: startIndex - 1, limit: count }
}

export function listResponse(resources: unknown[], total: number, startIndex: number) {
  return {
    schemas: [listResponseSchema],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  }
}

export const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString()

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${new URL(baseUrl).origin}/`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: maxPageSize },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'The token from POST /admin/api/sso-connections/:id/scim-token.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  }
}

export function resourceTypes(baseUrl: string) {
  const type = (name: 'User' | 'Group', schema: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: name,
    name,
    endpoint: `/${name}s`,
    description: name,
    schema,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${name}` },
  })
  return [type('User', userSchema), type('Group', groupSchema)]
}

const attribute = (
  name: string,
  options: {
    type?: string
    multiValued?: boolean
    required?: boolean
    uniqueness?: string
    mutability?: string
    subAttributes?: unknown[]
  } = {},
) => ({
  name,
  type: options.type ?? 'string',
  multiValued: options.multiValued ?? false,
  required: options.required ?? false,
  caseExact: false,
  mutability: options.mutability ?? 'readWrite',
  returned: 'default',
  uniqueness: options.uniqueness ?? 'none',
  ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
})

/** The attributes this server keeps, as RFC 7643 §7 describes schemas. */
export function schemas(baseUrl: string) {
  const schema = (id: string, name: string, attributes: unknown[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id,
    name,
    description: name,
    attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
  })
  return [
    schema(userSchema, 'User', [
      attribute('userName', { required: true, uniqueness: 'server' }),
      attribute('externalId'),
      attribute('displayName'),
      attribute('name', {
        type: 'complex',
        subAttributes: [attribute('formatted'), attribute('givenName'), attribute('familyName')],
      }),
      attribute('emails', {
        type: 'complex',
        multiValued: true,
        subAttributes: [
          attribute('value'),
          attribute('type'),
          attribute('primary', { type: 'boolean' }),
        ],
      }),
      attribute('active', { type: 'boolean' }),
    ]),
    schema(groupSchema, 'Group', [
      attribute('displayName', { required: true, uniqueness: 'server' }),
      attribute('externalId'),
      attribute('members', {
        type: 'complex',
        multiValued: true,
        subAttributes: [attribute('value', { mutability: 'immutable' }), attribute('display')],
      }),
    ]),
  ]
}
