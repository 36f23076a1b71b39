// Signed __Host- cookies (HMAC-SHA256 by Hono's cookie helper) under a key per purpose, naming its key id.
import type { Context } from 'hono'
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import type * as z from 'zod/mini'
import { fromBase64Url, toBase64Url } from '../crypto/encoding'
import type { SessionKey } from '../env'

/** What a signed cookie is for. The purpose picks the signing key, so one kind never passes as another. */
export type CookiePurpose = 'session' | 'login-transaction' | 'console' | 'account-switch'

const purposeKeys = new WeakMap<SessionKey, Map<CookiePurpose, Promise<Uint8Array>>>()

/** HKDF-SHA256 of the session key with the purpose as its info: one key per (session key, purpose). */
function purposeKey(key: SessionKey, purpose: CookiePurpose): Promise<Uint8Array> {
  const derived = purposeKeys.get(key) ?? new Map<CookiePurpose, Promise<Uint8Array>>()
  purposeKeys.set(key, derived)
  let secret = derived.get(purpose)
  if (!secret) {
    secret = crypto.subtle
      .importKey('raw', key.secret, 'HKDF', false, ['deriveBits'])
      .then((ikm) =>
        crypto.subtle.deriveBits(
          {
            name: 'HKDF',
            hash: 'SHA-256',
            salt: new Uint8Array(),
            info: new TextEncoder().encode(`edge-sso cookie: ${purpose}`),
          },
          ikm,
          256,
        ),
      )
      .then((bits) => new Uint8Array(bits))
    derived.set(purpose, secret)
  }
  return secret
}

const attributes = {
  prefix: 'host',
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
  path: '/',
} as const

/** Signs `payload` with the first (current) key's `purpose` key: the value is "<kid>.<base64url json>". */
export async function writeSignedCookie(
  c: Context,
  name: string,
  purpose: CookiePurpose,
  payload: object,
  keys: readonly SessionKey[],
  maxAgeSeconds: number,
) {
  const [current] = keys
  if (!current) throw new Error('no session key')
  const value = `${current.kid}.${toBase64Url(new TextEncoder().encode(JSON.stringify(payload)))}`
  await setSignedCookie(c, name, value, await purposeKey(current, purpose), {
    ...attributes,
    maxAge: maxAgeSeconds,
  })
}

/** The payload if the cookie is present, signed by a known key and well-formed; otherwise undefined. */
export async function readSignedCookie<T>(
  c: Context,
  name: string,
  purpose: CookiePurpose,
  keys: readonly SessionKey[],
  schema: z.ZodMiniType<T>,
): Promise<T | undefined> {
  const raw = getCookie(c, name, 'host')
  const kid = raw?.slice(0, raw.indexOf('.'))
  const key = keys.find((k) => k.kid === kid)
  if (!key) return undefined
  const value = await getSignedCookie(c, await purposeKey(key, purpose), name, 'host')
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
