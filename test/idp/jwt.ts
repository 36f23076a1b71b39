// RSA signing keys, public JWKs and compact JWS encoding for the test IdP (WebCrypto only).
import { randomId, toBase64Url } from '../../src/crypto/encoding'

const RS256 = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
}

export interface PublicJwk {
  kty: 'RSA'
  n: string
  e: string
  kid: string
  alg: 'RS256'
  use: 'sig'
}

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  jwk: PublicJwk
}

export type JoseObject = Record<string, unknown>

const base64url = (data: Uint8Array | string): string =>
  toBase64Url(typeof data === 'string' ? new TextEncoder().encode(data) : data)

/** A random, URL-safe token carrying `bytes` bytes of entropy. */
export const randomToken = (bytes = 32): string => randomId(bytes)

export async function sha256Base64url(text: string): Promise<string> {
  return base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))),
  )
}

/** A fresh RS256 key pair; `kid` defaults to a random one. */
export async function generateSigningKey(kid = randomToken(12)): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(RS256, true, ['sign', 'verify'])
  if (!('privateKey' in pair)) throw new Error('expected an RSA key pair')
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey)
  if (exported instanceof ArrayBuffer || !exported.n || !exported.e)
    throw new Error('expected an RSA public JWK')
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { kty: 'RSA', n: exported.n, e: exported.e, kid, alg: 'RS256', use: 'sig' },
  }
}

/** Compact JWS over `header` and `claims`; with no key, an unsecured JWT (empty signature). */
export async function signJwt(
  header: JoseObject,
  claims: JoseObject,
  privateKey?: CryptoKey,
): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  if (!privateKey) return `${input}.`
  const signature = await crypto.subtle.sign(
    RS256.name,
    privateKey,
    new TextEncoder().encode(input),
  )
  return `${input}.${base64url(new Uint8Array(signature))}`
}
