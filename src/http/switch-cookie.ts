// The pending account switch in a short-lived signed cookie (purpose account-switch), read once by the answer.
import type { Context } from 'hono'
import type { SessionKey } from '../env'
import {
  type PendingSwitch,
  pendingSwitchSchema,
  switchLifetimeSeconds,
} from '../session/account-switch'
import { clearCookie, readSignedCookie, writeSignedCookie } from './signed-cookie'

const cookieName = 'edge_sso_switch'

export async function savePendingSwitch(
  c: Context,
  keys: readonly SessionKey[],
  pending: Omit<PendingSwitch, 'expiresAt'>,
  nowMs: number,
) {
  const expiresAt = Math.floor(nowMs / 1000) + switchLifetimeSeconds
  const payload = { ...pending, expiresAt }
  await writeSignedCookie(
    c,
    {
      name: cookieName,
      purpose: 'account-switch',
      keys,
      maxAgeSeconds: switchLifetimeSeconds,
    },
    payload,
  )
}

/** Reads and at once clears the pending switch, so it is answered once. */
export async function takePendingSwitch(
  c: Context,
  keys: readonly SessionKey[],
  nowMs: number,
): Promise<PendingSwitch | undefined> {
  const pending = await readSignedCookie(
    c,
    { name: cookieName, purpose: 'account-switch', keys },
    pendingSwitchSchema,
  )
  clearCookie(c, cookieName)
  return pending && pending.expiresAt > nowMs / 1000 ? pending : undefined
}
