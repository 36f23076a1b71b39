// Signed __Host- cookies (HMAC-SHA256 by Hono's cookie helper) whose value names its key id, so keys rotate.
import type { Context } from 'hono'
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import type * as z from 'zod/mini'
import { fromBase64Url, toBase64Url } from '../crypto/encoding'
import type { SessionKey } from '../env'

const attributes = {
  prefix: 'host',
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
  path: '/',
} as const

/** Signs `payload` with the first (current) key: the value is "<kid>.<base64url json>". */
export async function writeSignedCookie(
  c: Context,
  name: string,
  payload: object,
  keys: readonly SessionKey[],
  maxAgeSeconds: number,
) {
  const [current] = keys
  if (!current) throw new Error('no session key')
  const value = `${current.kid}.${toBase64Url(new TextEncoder().encode(JSON.stringify(payload)))}`
  await setSignedCookie(c, name, value, current.secret, { ...attributes, maxAge: maxAgeSeconds })
}

/** The payload if the cookie is present, signed by a known key and well-formed; otherwise undefined. */
export async function readSignedCookie<T>(
  c: Context,
  name: string,
  keys: readonly SessionKey[],
  schema: z.ZodMiniType<T>,
): Promise<T | undefined> {
  const raw = getCookie(c, name, 'host')
  const kid = raw?.slice(0, raw.indexOf('.'))
  const key = keys.find((k) => k.kid === kid)
  if (!key) return undefined
  const value = await getSignedCookie(c, key.secret, name, 'host')
  if (!value) return undefined
  try {
    const parsed = schema.safeParse(
      JSON.parse(new TextDecoder().decode(fromBase64Url(value.slice(key.kid.length + 1)))),
    )
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

export function clearCookie(c: Context, name: string) {
  deleteCookie(c, name, attributes)
}
