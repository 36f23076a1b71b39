// AES-256-GCM sealing of client secrets at rest under DATA_KEY: "v1.<iv>.<ciphertext>" in base64url.
import { fromBase64Url, toBase64Url } from './encoding'

const keys = new Map<Uint8Array, Promise<CryptoKey>>()

function importKey(dataKey: Uint8Array): Promise<CryptoKey> {
  let key = keys.get(dataKey)
  if (!key) {
    key = crypto.subtle.importKey('raw', dataKey, 'AES-GCM', false, ['encrypt', 'decrypt'])
    keys.set(dataKey, key)
  }
  return key
}

/** The additional data binds a sealed value to its row, so a ciphertext cannot be moved to another connection. */
export async function seal(
  dataKey: Uint8Array,
  plaintext: string,
  boundTo: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(boundTo) },
    await importKey(dataKey),
    new TextEncoder().encode(plaintext),
  )
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`
}

export async function unseal(
  dataKey: Uint8Array,
  sealed: string,
  boundTo: string,
): Promise<string> {
  const [version, iv, ciphertext] = sealed.split('.')
  if (version !== 'v1' || !iv || !ciphertext) throw new Error('unknown sealed value format')
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: new TextEncoder().encode(boundTo) },
    await importKey(dataKey),
    fromBase64Url(ciphertext),
  )
  return new TextDecoder().decode(plaintext)
}
