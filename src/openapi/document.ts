// The OpenAPI 3.1 document of the JSON routes, its schemas generated from the routes' own zod schemas.
import * as z from 'zod/mini'

/** Who may call: a signed-in browser's session cookie, support's bearer token, or anyone. */
export type Caller = 'session' | 'admin' | 'anyone'

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI form: `/admin/api/teams/{id}`. */
  path: string
  summary: string
  caller: Caller
  body?: z.ZodMiniType
  /** The body may be left out (`{}` is assumed). */
  optionalBody?: boolean
  query?: z.ZodMiniObject
  /** The success status and what it carries. */
  success: [status: number, description: string]
}

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends. */
const jsonSchema = (schema: z.ZodMiniType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  })
  return rest
}

const security: Record<Caller, Record<string, string[]>[]> = {
  session: [{ session: [] }],
  admin: [{ adminToken: [] }],
  anyone: [],
}

const refusal = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

const refusals: Record<Caller, Record<string, ReturnType<typeof refusal>>> = {
  session: { '401': refusal('Not signed in (`unauthorized`)') },
  admin: {
    '401': refusal('No valid admin token (`admin_unauthorized`)'),
    '429': refusal('Too many wrong tokens from this client (`rate_limited`)'),
  },
  anyone: {},
}

function operationObject(op: Operation) {
  const params = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
  const query = op.query ? jsonSchema(op.query) : undefined
  const queryProperties = (query?.properties ?? {}) as Record<string, object>
  const required = new Set((query?.required as string[] | undefined) ?? [])
  for (const [name, schema] of Object.entries(queryProperties))
    params.push({ name, in: 'query', required: required.has(name), schema: schema as never })
  const [status, description] = op.success
  return {
    summary: op.summary,
    security: security[op.caller],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: !op.optionalBody,
            content: { 'application/json': { schema: jsonSchema(op.body) } },
          },
        }
      : {}),
    responses: {
      [String(status)]: { description },
      ...(op.body || op.query ? { '400': refusal('The input failed validation') } : {}),
      ...refusals[op.caller],
    },
  }
}

/** The whole document of `operations`; `serverUrl` is PUBLIC_URL. */
export function openApiDocument(operations: readonly Operation[], serverUrl: string) {
  const paths: Record<string, Record<string, ReturnType<typeof operationObject>>> = {}
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operationObject(op)
  return {
    openapi: '3.1.0',
    info: {
      title: 'edge-sso',
      version: '1',
      description:
        'The JSON API: the signed-in browser’s own routes (/api), the identity token’s keys, and support’s admin API (/admin/api).',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: '__Host-edge_sso_session' },
        adminToken: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'referenceId'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                referenceId: { type: 'string' },
              },
            },
          },
        },
      },
    },
  }
}
