// GET /openapi.json: every JSON route the app has, and only those, with the zod schemas the routes validate with.
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { createTeamSchema, eventsQuerySchema } from '../src/admin/schemas'
import { createApp } from '../src/app'
import { Browser, publicOrigin } from './harness'
import { scene } from './scene'

interface Document {
  openapi: string
  servers: { url: string }[]
  paths: Record<string, Record<string, any>>
}

/** The app's JSON routes as "METHOD /path/{param}", from Hono's route table (middleware left out). */
function jsonRoutes(): string[] {
  const json = /^\/(api|admin\/api)\/|^\/\.well-known\/jwks\.json$|^\/openapi\.json$/
  const routes = createApp()
    .routes.filter((r) => r.method !== 'ALL' && json.test(r.path) && !r.path.endsWith('*'))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
  return [...new Set(routes)].sort()
}

const documented = (doc: Document) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort()

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of exactly the JSON routes that exist', async () => {
    const { rig } = await scene()
    const response = await rig.fetch(new Browser(), '/openapi.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    const doc = (await response.json()) as Document
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers).toEqual([{ url: publicOrigin }])
    expect(jsonRoutes().length).toBeGreaterThan(20)
    expect(documented(doc)).toEqual(jsonRoutes())
  })

  it('describes inputs with the routes’ own zod schemas, and who may call', async () => {
    const { rig } = await scene()
    const doc = (await (await rig.fetch(new Browser(), '/openapi.json')).json()) as Document
    const createTeam = doc.paths['/admin/api/teams']!.post
    const { $schema: _, ...expected } = z.toJSONSchema(createTeamSchema, {
      io: 'input',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    })
    expect(createTeam.requestBody.content['application/json'].schema).toEqual(expected)
    expect(createTeam.security).toEqual([{ adminToken: [] }])
    expect(createTeam.responses).toHaveProperty('201')
    const events = doc.paths['/admin/api/events']!.get
    expect(events.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      Object.keys(eventsQuerySchema.def.shape).sort(),
    )
    expect(doc.paths['/api/token']!.get.security).toEqual([{ session: [] }])
    expect(doc.paths['/.well-known/jwks.json']!.get.security).toEqual([])
    const member = doc.paths['/admin/api/teams/{teamId}/members/{userId}']!.delete
    expect(member.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      ['path:teamId', 'path:userId'],
    )
  })

  it('documents a body the route really requires: a documented required field left out is a 400', async () => {
    const { rig } = await scene()
    const doc = (await (await rig.fetch(new Browser(), '/openapi.json')).json()) as Document
    const schema =
      doc.paths['/admin/api/teams']!.post.requestBody.content['application/json'].schema
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'ownerEmail']))
    const response = await rig.admin('POST', '/admin/api/teams', { name: 'No owner' })
    expect(response.status).toBe(400)
  })
})
