// Support console sessions: a random id in the cookie, only its hash in D1, bound to the ADMIN_TOKEN it was opened under.
import { randomId, safeEqual, toBase64Url } from '../crypto/encoding'
import { hashToken, newToken } from '../crypto/tokens'
import {
  consoleSessionRow,
  deleteConsoleSession,
  insertConsoleSession,
} from '../db/console-sessions'
import { insertEvent } from '../db/events'
import { type Audit, successRow } from '../events'
import type { AdminDeps } from './operations'

export const consoleSessionSeconds = 8 * 60 * 60

/** HMAC-SHA256(ADMIN_TOKEN, salt): names the token without revealing it, different for every session. */
async function tokenFingerprint(adminToken: string, salt: string): Promise<string> {
  const encoder = new TextEncoder()
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(adminToken),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(salt))))
}

/** A new console session and its success event, in one batch; returns the id the cookie carries. */
export async function openConsoleSession(d: AdminDeps, audit: Audit): Promise<string> {
  const id = newToken()
  const salt = randomId()
  const nowMs = d.runtime.now()
  await d.db.batch([
    insertConsoleSession(d.db, {
      id: await hashToken(id),
      salt,
      tokenFingerprint: await tokenFingerprint(d.config.adminToken, salt),
      expiresAt: Math.floor(nowMs / 1000) + consoleSessionSeconds,
    }),
    insertEvent(d.db, successRow(audit, {}, nowMs)),
  ])
  return id
}

/** Live: the row exists, has not expired, and was opened under the ADMIN_TOKEN configured now. */
export async function consoleSessionLive(d: AdminDeps, id: string): Promise<boolean> {
  const row = await consoleSessionRow(d.db, await hashToken(id))
  if (!row || row.expiresAt <= d.runtime.now() / 1000) return false
  return safeEqual(row.tokenFingerprint, await tokenFingerprint(d.config.adminToken, row.salt))
}

export async function closeConsoleSession(d: AdminDeps, id: string): Promise<void> {
  await deleteConsoleSession(d.db, await hashToken(id))
}
