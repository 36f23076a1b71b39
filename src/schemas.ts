// The shapes several routes share, in zod/mini (the full zod would triple the bundle): inputs, and answers.
import * as z from 'zod/mini'
import { errorCodes } from './errors'
import { authMethods, permissions, roles } from './vocabulary'

/** An email as we store it: trimmed, lower-cased (so comparisons are case-insensitive), at most 320 characters. */
export const email = z.pipe(
  z.string().check(z.trim(), z.toLowerCase()),
  z.email().check(z.maxLength(320)),
)

/** Trimmed text of at most `max` characters (a person's or a team's name). */
export const text = (max: number) => z.string().check(z.trim(), z.maxLength(max))

export const permission = z.enum(permissions)

/** Our ids (`randomId`: base64url) as they arrive in a path; anything else names no row of ours. */
export const id = z.string().check(z.regex(/^[\w-]{1,64}$/))

/** Every JSON refusal (src/app.tsx): a stable code, its plain sentence, the reference id of its event row. */
export const refusalAnswer = z
  .object({
    error: z.object({ code: z.enum(errorCodes), message: z.string(), referenceId: z.string() }),
  })
  .register(z.globalRegistry, { id: 'Refusal' })
export type RefusalAnswer = z.output<typeof refusalAnswer>

const isoTime = z.iso.datetime()

/** `GET /api/me`: who is signed in, their team and role, and how they signed in. */
export const meAnswer = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.nullable(z.string()),
    emailVerified: z.boolean(),
  }),
  team: z.nullable(z.object({ id: z.string(), name: z.string() })),
  authMethod: z.enum(authMethods),
  role: z.nullable(z.enum(roles)),
})
export type MeAnswer = z.output<typeof meAnswer>

/** `GET /api/token`: the identity token (ES256 JWT) and when it expires. */
export const tokenAnswer = z.object({ token: z.string(), expiresAt: isoTime })
export type TokenAnswer = z.output<typeof tokenAnswer>

/** `POST /api/team`: the team the caller now owns. */
export const ownTeamAnswer = z.object({
  team: z.object({ id: z.string(), name: z.string(), defaultPermission: permission }),
})
export type OwnTeamAnswer = z.output<typeof ownTeamAnswer>

/** `GET /.well-known/jwks.json`: the public halves of the identity token's keys. */
export const jwksAnswer = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
})
export type JwksAnswer = z.output<typeof jwksAnswer>
