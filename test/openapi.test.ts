// GET /openapi.json: hono-openapi's document of exactly the JSON routes, true to what they take and answer.
import { describe, expect, it } from 'vitest'
import { fromJSONSchema } from 'zod'
import { eventsQuerySchema } from '../src/admin/schemas'
import { createApp } from '../src/app'
import { Browser, publicOrigin } from './harness'
import { expectSignedIn, type Scene, scene } from './scene'

interface Operation {
  summary?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  parameters?: { name: string; in: string; required?: boolean }[]
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>
}
type Schema = Record<string, any>
interface Document {
  openapi: string
  info: { title: string; version: string }
  servers: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> }
}

/** The JSON routes the app has, as "METHOD /path/{param}", from Hono's route table (middleware left out). */
function jsonRoutes(): string[] {
  const json = /^\/(api|admin\/api)\/|^\/\.well-known\/jwks\.json$/
  const routes = createApp()
    .routes.filter((r) => r.method !== 'ALL' && json.test(r.path) && !r.path.endsWith('*'))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
  return [...new Set(routes)].sort()
}

const operations = (doc: Document) =>
  new Map<string, Operation>(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    ),
  )

async function documentOf(s: Scene) {
  const response = await s.rig.fetch(new Browser(), '/openapi.json')
  return { response, doc: (await response.clone().json()) as Document }
}

/** A documented schema as zod, its `#/components/schemas/` references resolved. */
function documentedSchema(doc: Document, schema: Schema) {
  const local = (s: unknown) =>
    JSON.parse(JSON.stringify(s).replaceAll('#/components/schemas/', '#/$defs/')) as Schema
  return fromJSONSchema({ ...local(schema), $defs: local(doc.components.schemas) })
}

/** Checks a real answer against the schema the document gives for its status. */
async function expectDocumented(doc: Document, route: string, response: Response) {
  const op = operations(doc).get(route)!
  const documented = op.responses[String(response.status)]?.content?.['application/json']
  expect(documented, `${route} documents ${response.status}`).toBeDefined()
  const parsed = documentedSchema(doc, documented!.schema).safeParse(await response.json())
  expect(parsed.error?.issues ?? [], route).toEqual([])
}

const body = (op: Operation) => op.requestBody!.content['application/json']!.schema

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of exactly the JSON routes, each described', async () => {
    const { response, doc } = await documentOf(await scene())
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('edge-sso')
    expect(doc.servers).toEqual([{ url: publicOrigin }])
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'session'])

    const routes = jsonRoutes()
    expect(routes.length).toBeGreaterThan(20)
    const ops = operations(doc)
    const undescribed = routes.filter((route) => !ops.get(route)?.summary)
    expect(undescribed, 'JSON routes without describeRoute()').toEqual([])
    expect([...ops.keys()].sort(), 'documented routes the app does not have').toEqual(routes)

    for (const [route, op] of ops) {
      expect(op.tags?.length, route).toBe(1)
      const statuses = Object.keys(op.responses)
      expect(statuses.filter((s) => /^2\d\d$/.test(s)).length, route).toBe(1)
      for (const [status, answer] of Object.entries(op.responses)) {
        expect(answer.description, `${route} ${status}`).toBeTruthy()
        if (Number(status) >= 400) expect(answer.content?.['application/json']).toBeDefined()
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)]
    for (const [, name] of refs) expect(doc.components.schemas, name).toHaveProperty(name!)
  })

  it('takes its inputs from the validators and names who may call', async () => {
    const { doc } = await documentOf(await scene())
    const ops = operations(doc)
    const createTeam = ops.get('POST /admin/api/teams')!
    expect(createTeam.requestBody?.required).toBe(true)
    expect(body(createTeam).required).toEqual(expect.arrayContaining(['name', 'ownerEmail']))
    expect(createTeam.security).toEqual([{ adminToken: [] }])
    expect(Object.keys(createTeam.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '409', '429']),
    )
    const events = ops.get('GET /admin/api/events')!
    expect(events.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      Object.keys(eventsQuerySchema.def.shape)
        .map((name) => `query:${name}`)
        .sort(),
    )
    const member = ops.get('DELETE /admin/api/teams/{teamId}/members/{userId}')!
    expect(member.parameters!.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      'path:teamId:true',
      'path:userId:true',
    ])
    expect(member.responses['204']!.content).toBeUndefined()
    // The setup link's body may be left out: the route reads it with optionalJson().
    const setupLink = ops.get('POST /admin/api/teams/{id}/setup-links')!
    expect(setupLink.requestBody?.required).toBe(false)
    expect(Object.keys(body(setupLink).properties)).toEqual(['email'])
    expect(ops.get('GET /api/token')!.security).toEqual([{ session: [] }])
    expect(ops.get('POST /api/team')!.responses['403']!.description).toContain('csrf_refused')
    expect(ops.get('GET /.well-known/jwks.json')!.security).toEqual([])
  })

  it('refuses with 400 what the document says is required', async (ctx) => {
    const s = await scene({ ctx, area: 'OpenAPI contract' })
    const { doc } = await documentOf(s)
    const ops = operations(doc)
    const bodies = [
      {
        route: 'POST /admin/api/teams',
        path: '/admin/api/teams',
        valid: { name: 'Contract', ownerEmail: 'owner@contract.example' },
      },
      {
        route: 'POST /admin/api/teams/{id}/domains',
        path: `/admin/api/teams/${s.team.teamId}/domains`,
        valid: { domain: 'contract.example' },
      },
    ]
    for (const { route, path, valid } of bodies) {
      const required = body(ops.get(route)!).required as string[]
      expect(required.length, route).toBeGreaterThan(0)
      for (const field of required) {
        const { [field]: _, ...missing } = valid as Record<string, unknown>
        await s.tally.baseline()
        const refused = await s.rig.admin('POST', path, missing)
        const { body: text } = await s.tally.refused(refused, {
          status: 400,
          code: 'invalid_request',
        })
        expect(text, `${route} without ${field}`).toContain(field)
      }
    }
    const lookup = ops.get('GET /admin/api/users')!.parameters!
    expect(lookup).toContainEqual(
      expect.objectContaining({ in: 'query', name: 'email', required: true }),
    )
    await s.tally.refused(await s.rig.admin('GET', '/admin/api/users'), {
      status: 400,
      code: 'invalid_request',
    })
    // The same requests with their required fields answer as documented.
    const added = await s.rig.admin('POST', `/admin/api/teams/${s.team.teamId}/domains`, {
      domain: 'contract.example',
    })
    await expectDocumented(doc, 'POST /admin/api/teams/{id}/domains', added)
  })

  it('documents the answers the routes really give', async () => {
    const s = await scene()
    const { doc } = await documentOf(s)
    const team = await s.rig.admin('GET', `/admin/api/teams/${s.team.teamId}`)
    expect(team.status).toBe(200)
    await expectDocumented(doc, 'GET /admin/api/teams/{id}', team)
    await expectDocumented(
      doc,
      'GET /admin/api/events',
      await s.rig.admin('GET', '/admin/api/events'),
    )
    const browser = await expectSignedIn(s)
    await expectDocumented(doc, 'GET /api/me', await s.rig.fetch(browser, '/api/me'))
    await expectDocumented(doc, 'GET /api/token', await s.rig.fetch(browser, '/api/token'))
    const jwks = await s.rig.fetch(new Browser(), '/.well-known/jwks.json')
    await expectDocumented(doc, 'GET /.well-known/jwks.json', jwks)
    // A refusal fits the documented Refusal too, and a wrong answer does not fit.
    await expectDocumented(doc, 'GET /api/me', await s.rig.fetch(new Browser(), '/api/me'))
    const teamSchema = documentedSchema(doc, { $ref: '#/components/schemas/Team' })
    expect(teamSchema.safeParse({ id: s.team.teamId }).success).toBe(false)
  })
})
