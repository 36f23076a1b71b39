// Signed __Host- cookies (HMAC-SHA256, Hono's format, an imported key cached per isolate) under a key per purpose, naming its key id.
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type * as z from 'zod/mini'
import { fromBase64Url, toBase64Url } from '../crypto/encoding'
import type { SessionKey } from '../env'

/** What a signed cookie is for. The purpose picks the signing key, so one kind never passes as another. */
export type CookiePurpose =
  'session' | 'login-transaction' | 'console' | 'account-switch' | 'chosen-logins' | 'page-notice'

const hmac = { name: 'HMAC', hash: 'SHA-256' }

/** Imported keys, per isolate: one HMAC CryptoKey per (session key, purpose), derived and imported once. */
const purposeKeys = new WeakMap<SessionKey, Map<CookiePurpose, Promise<CryptoKey>>>()

/** HKDF-SHA256 of the session key with the purpose as its info: one HMAC-SHA256 key per (session key, purpose). */
function purposeKey(key: SessionKey, purpose: CookiePurpose): Promise<CryptoKey> {
  const derived = purposeKeys.get(key) ?? new Map<CookiePurpose, Promise<CryptoKey>>()
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
      .then((bits) => crypto.subtle.importKey('raw', bits, hmac, false, ['sign', 'verify']))
    derived.set(purpose, secret)
  }
  return secret
}

/**
 * Hono's signed-cookie format ("<value>.<base64 HMAC-SHA256>"), signed with an imported key: Hono's helper
 * takes raw bytes and imports them again on every call.
 */
async function sign(value: string, key: CryptoKey): Promise<string> {
  const mac = await crypto.subtle.sign(hmac, key, new TextEncoder().encode(value))
  return `${value}.${btoa(String.fromCharCode(...new Uint8Array(mac)))}`
}

/** The value if its signature (the 44 base64 characters after the last dot) verifies under `key`. */
async function verified(signed: string, key: CryptoKey): Promise<string | undefined> {
  const dot = signed.lastIndexOf('.')
  const signature = signed.slice(dot + 1)
  if (dot < 0 || !/^[A-Za-z0-9+/]{43}=$/.test(signature)) return undefined
  const value = signed.slice(0, dot)
  const mac = Uint8Array.from(atob(signature), (ch) => ch.charCodeAt(0))
  const ok = await crypto.subtle.verify(hmac, key, mac, new TextEncoder().encode(value))
  return ok ? value : undefined
}

const attributes = {
  prefix: 'host',
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
  path: '/',
} as const

/** Signs `payload` with the first (current) key's `purpose` key: the value is "<kid>.<base64url json>". */
/** A signed cookie: its name, the purpose its key is derived for, and the keys (the first signs). */
export interface SignedCookie {
  name: string
  purpose: CookiePurpose
  keys: readonly SessionKey[]
}

export async function writeSignedCookie(
  c: Context,
  { name, purpose, keys, maxAgeSeconds }: SignedCookie & { maxAgeSeconds: number },
  payload: object,
) {
  const [current] = keys
  if (!current) throw new Error('no session key')
  const value = `${current.kid}.${toBase64Url(new TextEncoder().encode(JSON.stringify(payload)))}`
  setCookie(c, name, await sign(value, await purposeKey(current, purpose)), {
    ...attributes,
    maxAge: maxAgeSeconds,
  })
}

/** The payload if the cookie is present, signed by a known key and well-formed; otherwise undefined. */
export async function readSignedCookie<T>(
  c: Context,
  { name, purpose, keys }: SignedCookie,
  schema: z.ZodMiniType<T>,
): Promise<T | undefined> {
  const raw = getCookie(c, name, 'host')
  const kid = raw?.slice(0, raw.indexOf('.'))
  const key = keys.find((k) => k.kid === kid)
  if (!raw || !key) return undefined
  const value = await verified(raw, await purposeKey(key, purpose))
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
