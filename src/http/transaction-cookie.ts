// The login transaction in a short-lived signed cookie, read once by the callback.
import type { Context } from 'hono'
import type { SessionKey } from '../env'
import {
  type LoginTransaction,
  transactionLifetimeSeconds,
  transactionSchema,
} from '../oidc/transaction'
import { clearCookie, readSignedCookie, writeSignedCookie } from './signed-cookie'

const cookieName = 'edge_sso_tx'

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
