// Base64url and hex helpers over bytes, and random identifiers from crypto.getRandomValues.
export const toBase64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')

export const fromBase64Url = (s: string): Uint8Array =>
  Uint8Array.from(atob(s.replaceAll('-', '+').replaceAll('_', '/')), (ch) => ch.charCodeAt(0))

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** A random, URL-safe identifier carrying `bytes` bytes of entropy. */
export const randomId = (bytes = 16): string =>
  toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))

export async function sha256Hex(input: string): Promise<string> {
  return toHex(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input))),
  )
}

/** Constant-time string equality: both sides are hashed first so lengths leak nothing either. */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder()
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ])
  return crypto.subtle.timingSafeEqual(ha, hb)
}
