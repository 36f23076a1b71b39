// The login transaction: state, nonce, PKCE verifier, connection and return path, kept ten minutes.
import * as z from 'zod/mini'

export const transactionLifetimeSeconds = 600

/**
 * The longest return path (percent-encoded, as sameOriginPath gives it) a transaction keeps; a longer one
 * falls back to the default landing (APP_URL), so the login still works and its cookie stays small.
 */
export const maxReturnToLength = 1024

export const transactionSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  connectionId: z.string(),
  issuer: z.string(),
  returnTo: z.string(),
  expiresAt: z.number(),
  /** A setup test sign-in: its callback shows what was received and signs nobody in. */
  test: z.optional(z.literal(true)),
  /** A test sign-in's fingerprint of the connection values it tests (src/setup/test-sign-in.ts). */
  testedValues: z.optional(z.string()),
  /**
   * Started on our own page by the person (email login): who signs in is their choice, so no "Continue
   * as …?" question. Absent (a tile or any third-party-initiated login): asked unless the browser chose
   * that user at that connection before.
   */
  spInitiated: z.optional(z.literal(true)),
  /**
   * A fresh authentication (`/sso/reauth`, `max_age=0`) of the signed-in `userId`, started at `startedAt`
   * (s): its callback signs no one in, it updates that session's `auth_time`.
   */
  reauth: z.optional(z.object({ userId: z.string(), startedAt: z.number() })),
})

export type LoginTransaction = z.infer<typeof transactionSchema>
