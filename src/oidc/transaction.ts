// The login transaction: state, nonce, PKCE verifier, connection and return path in a short-lived signed cookie.
import type { Context } from 'hono'
import * as z from 'zod/mini'
import type { SessionKey } from '../env'
import { clearCookie, readSignedCookie, writeSignedCookie } from '../session/signed-cookie'

const cookieName = 'edge_sso_tx'
const transactionLifetimeSeconds = 600

const transactionSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  connectionId: z.string(),
  issuer: z.string(),
  returnTo: z.string(),
  expiresAt: z.number(),
})

export type LoginTransaction = z.infer<typeof transactionSchema>

export async function saveTransaction(
  c: Context,
  keys: readonly SessionKey[],
  tx: Omit<LoginTransaction, 'expiresAt'>,
  nowMs: number,
) {
  const expiresAt = Math.floor(nowMs / 1000) + transactionLifetimeSeconds
  await writeSignedCookie(c, cookieName, { ...tx, expiresAt }, keys, transactionLifetimeSeconds)
}

/** Reads and at once clears the transaction, so it serves exactly one callback. */
export async function takeTransaction(
  c: Context,
  keys: readonly SessionKey[],
  nowMs: number,
): Promise<LoginTransaction | undefined> {
  const tx = await readSignedCookie(c, cookieName, keys, transactionSchema)
  clearCookie(c, cookieName)
  return tx && tx.expiresAt > nowMs / 1000 ? tx : undefined
}
