// describeRoute for each kind of JSON route: who may call, the zod schema of its answer, the refusals it can meet.
import { describeRoute, resolver } from 'hono-openapi'
import type * as z from 'zod/mini'
import { catalogueEntry, type ErrorCode } from '../errors'
import { refusalAnswer } from '../schemas'

/** A refusal by its code; with `status` where the route answers it with another than the catalogue's. */
export type Refusal = ErrorCode | { code: ErrorCode; status: number }

/** One JSON route as /openapi.json shows it; its input comes from its `validate()` by itself. */
export interface JsonRoute {
  summary: string
  description?: string
  /** A success's status and the zod schema its body fits; a 204 answers nothing. */
  answer: { status: 200 | 201; schema: z.ZodMiniType } | { status: 204 }
  /** The refusals this route meets beyond its kind's own (a failed `validate()` is `invalid_request` anyway). */
  refusals?: readonly Refusal[]
  /** A JSON body the route reads with `optionalJson()` (no validator to document it): it may be left out. */
  optionalBody?: z.ZodMiniType
}

/** Responses are documented as the server writes them (zod's `output`). */
const answered = (schema: z.ZodMiniType) => ({
  'application/json': { schema: resolver(schema, { options: { io: 'output' } }) },
})

const succeeded = { 200: 'Done', 201: 'Created', 204: 'Done; nothing to answer' }

/** Refusals grouped by status, each code with its plain sentence. */
function refusalResponses(refusals: readonly Refusal[]) {
  const byStatus = new Map<number, string[]>()
  for (const refusal of refusals) {
    const code = typeof refusal === 'string' ? refusal : refusal.code
    const [status, sentence] = catalogueEntry(code)
    const shownAs = typeof refusal === 'string' ? status : refusal.status
    byStatus.set(shownAs, [...(byStatus.get(shownAs) ?? []), `\`${code}\`: ${sentence}`])
  }
  return Object.fromEntries(
    [...byStatus].map(([status, lines]) => [
      status,
      { description: lines.join('\n\n'), content: answered(refusalAnswer) },
    ]),
  )
}

/**
 * What a failed `validate()` answers on every JSON route that has one (hono-openapi adds it). `Refusal` is in
 * the document's components because every admin and session route lists its kind's refusals.
 */
export const validationRefusal = {
  description: `\`invalid_request\`: ${catalogueEntry('invalid_request')[1]} The message names the fields.`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Refusal' } } },
}

const kinds = {
  admin: {
    tags: ['admin'],
    security: [{ adminToken: [] }],
    refusals: ['admin_unauthorized', 'rate_limited'],
  },
  session: { tags: ['session'], security: [{ session: [] }], refusals: ['unauthorized'] },
  public: { tags: ['public'], security: [], refusals: [] },
} as const satisfies Record<
  string,
  { tags: string[]; security: Record<string, []>[]; refusals: ErrorCode[] }
>

const describedAs =
  (kind: keyof typeof kinds) =>
  ({ summary, description, answer, refusals = [], optionalBody }: JsonRoute) =>
    describeRoute({
      summary,
      description,
      ...(optionalBody && {
        requestBody: {
          required: false,
          content: { 'application/json': { schema: resolver(optionalBody) } },
        },
      }),
      tags: [...kinds[kind].tags],
      security: kinds[kind].security.map((scheme) => ({ ...scheme })),
      responses: {
        [answer.status]: {
          description: succeeded[answer.status],
          ...('schema' in answer ? { content: answered(answer.schema) } : {}),
        },
        ...refusalResponses([...kinds[kind].refusals, ...refusals]),
      },
    })

/** `/admin/api/*`: support's bearer token (`ADMIN_TOKEN`). */
export const adminJson = describedAs('admin')
/** `/api/*`: the signed-in browser's session cookie. */
export const sessionJson = describedAs('session')
/** Anyone may call (the JWKS). */
export const publicJson = describedAs('public')
