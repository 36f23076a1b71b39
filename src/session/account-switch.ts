// A pending login: the session a tile login would give, held until the person confirms (a switch of account, or a first sign-in).
import * as z from 'zod/mini'
import { sessionSchema } from './session'

/** How long the question "continue as …?" stays answerable. */
export const switchLifetimeSeconds = 300

export const pendingSwitchSchema = z.object({
  /** The session to start on confirmation; its row does not exist until then. */
  session: sessionSchema,
  connectionId: z.string(),
  /** The SSO login's ID token, sealed under the pending session's row id (RP-initiated logout's hint). */
  idTokenSealed: z._default(z.nullable(z.string()), null),
  /** The row of the signed-in session the switch replaces (revoked on confirmation); none for a first sign-in. */
  replacesRowId: z.nullable(z.string()),
  returnTo: z.string(),
  expiresAt: z.number(),
})

export type PendingSwitch = z.infer<typeof pendingSwitchSchema>
