// Login transactions in short-lived signed cookies, one per login in progress (named by its state), each read once.
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { SessionKey } from '../env'
import { AppError } from '../errors'
import {
  type LoginTransaction,
  transactionLifetimeSeconds,
  transactionSchema,
} from '../oidc/transaction'
import { clearCookie, readSignedCookie, writeSignedCookie } from './signed-cookie'

const namePrefix = 'edge_sso_tx_'
/** Logins a browser may have in progress at once (tabs); starting one more drops the oldest. */
export const maxTransactions = 4
/** How much of the state names its cookie: the state itself (43 characters) is checked in full later. */
const stateIdLength = 16
const stateShape = /^[\w-]{16,256}$/

const cookieNameFor = (state: string) => `${namePrefix}${state.slice(0, stateIdLength)}`

/** The names (without `__Host-`) of the transaction cookies the request carries. */
function transactionCookieNames(c: Context): string[] {
  const hostPrefix = `__Host-${namePrefix}`
  return Object.keys(getCookie(c))
    .filter((name) => name.startsWith(hostPrefix))
    .map((name) => name.slice('__Host-'.length))
}

/**
 * Clears all but the `keep` newest transactions (unreadable ones count as oldest). Within one second,
 * the later cookie in the header is the newer: browsers list cookies by creation time (RFC 6265 §5.4).
 */
async function dropOldest(c: Context, keys: readonly SessionKey[], keep: number) {
  const held = await Promise.all(
    transactionCookieNames(c).map(async (name, order) => ({
      name,
      order,
      expiresAt:
        (await readSignedCookie(c, { name, purpose: 'login-transaction', keys }, transactionSchema))
          ?.expiresAt ?? 0,
    })),
  )
  held.sort((a, b) => b.expiresAt - a.expiresAt || b.order - a.order)
  for (const { name } of held.slice(keep)) clearCookie(c, name)
}

/** Saves a new login's transaction beside the others in progress, at most `maxTransactions` in all. */
export async function saveTransaction(
  c: Context,
  keys: readonly SessionKey[],
  tx: Omit<LoginTransaction, 'expiresAt'>,
  nowMs: number,
) {
  await dropOldest(c, keys, maxTransactions - 1)
  const expiresAt = Math.floor(nowMs / 1000) + transactionLifetimeSeconds
  await writeSignedCookie(
    c,
    {
      name: cookieNameFor(tx.state),
      purpose: 'login-transaction',
      keys,
      maxAgeSeconds: transactionLifetimeSeconds,
    },
    { ...tx, expiresAt },
  )
}

/**
 * The transaction the callback's `state` names, read and at once cleared, so it serves exactly one
 * callback; other logins in progress are left alone. None for this state: `login_state_mismatch` when
 * the browser has other logins in progress (the response belongs to none of them), else `login_expired`.
 */
export async function takeTransaction(
  c: Context,
  keys: readonly SessionKey[],
  nowMs: number,
): Promise<LoginTransaction> {
  const state = c.req.query('state') ?? ''
  const name = stateShape.test(state) ? cookieNameFor(state) : undefined
  const held = transactionCookieNames(c)
  if (!name || !held.includes(name))
    throw new AppError(held.length ? 'login_state_mismatch' : 'login_expired')
  const tx = await readSignedCookie(
    c,
    { name, purpose: 'login-transaction', keys },
    transactionSchema,
  )
  clearCookie(c, name)
  if (!tx || tx.expiresAt <= nowMs / 1000) throw new AppError('login_expired')
  return tx
}
