// Short-lived signed cookies that let the next page say what happened: a session's end, a refusal shown again.
import type { Context } from 'hono'
import * as z from 'zod/mini'
import { sha256Hex } from '../crypto/encoding'
import type { SessionKey } from '../env'
import type { ErrorCode } from '../errors'
import { type SessionEnd, sessionEnds } from '../provisioning'
import { clearCookie, readSignedCookie, writeSignedCookie } from './signed-cookie'

const endedCookie = { name: 'edge_sso_ended', purpose: 'page-notice' } as const
const refusedCookie = { name: 'edge_sso_refused', purpose: 'page-notice' } as const

/** Long enough to reach the sign-in page, short enough never to explain a later visit. */
const noticeSeconds = 10 * 60

const endedSchema = z.object({ ended: z.enum(sessionEnds) })
const refusedSchema = z.object({ url: z.string(), code: z.string(), referenceId: z.string() })

/** Remembers why the recheck ended this browser's session, for the sign-in page's one sentence. */
export const rememberSessionEnd = (c: Context, keys: readonly SessionKey[], ended: SessionEnd) =>
  writeSignedCookie(c, { ...endedCookie, keys, maxAgeSeconds: noticeSeconds }, { ended })

/**
 * Why this browser's last session ended, by this request's recheck or an earlier one (said once: the cookie
 * is cleared as it is read), or undefined.
 */
export async function takeSessionEnd(
  c: Context,
  keys: readonly SessionKey[],
): Promise<SessionEnd | undefined> {
  const ended =
    c.get('sessionEnded') ??
    (await readSignedCookie(c, { ...endedCookie, keys }, endedSchema))?.ended
  if (ended) clearCookie(c, endedCookie.name)
  return ended
}

/** A page refused at `url` (its hash kept: a callback's URL carries the login's state and code). */
export async function rememberRefusal(
  c: Context,
  keys: readonly SessionKey[],
  refusal: { url: string; code: ErrorCode; referenceId: string },
) {
  const payload = { ...refusal, url: await sha256Hex(refusal.url) }
  await writeSignedCookie(c, { ...refusedCookie, keys, maxAgeSeconds: noticeSeconds }, payload)
}

/** The refusal this browser was shown at `url`, if it is reloading that very page. */
export async function refusalAt(c: Context, keys: readonly SessionKey[], url: string) {
  const cookie = await readSignedCookie(c, { ...refusedCookie, keys }, refusedSchema)
  return cookie && cookie.url === (await sha256Hex(url)) ? cookie : undefined
}
