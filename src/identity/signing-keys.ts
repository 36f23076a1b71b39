// The identity token's ES256 keys: imported once per isolate from TOKEN_SIGNING_KEYS, their public halves published.
import { type Config, ConfigError, type TokenSigningKey } from '../env'
import type { JwksAnswer } from '../schemas'

const p256 = { name: 'ECDSA', namedCurve: 'P-256' }

/** A public key as `/.well-known/jwks.json` lists it. */
export type PublicJwk = JwksAnswer['keys'][number]

export interface IdentityKeys {
  /** The first key of `TOKEN_SIGNING_KEYS`: it signs every new token. */
  signing: { kid: string; key: CryptoKey }
  /** Every key, the retired ones too, so tokens signed before a rotation still verify. */
  jwks: JwksAnswer
}

/** The private key (not extractable) and its public half, from one PKCS #8 P-256 key. */
async function importKey({ kid, pkcs8 }: TokenSigningKey) {
  const extractable = await crypto.subtle.importKey('pkcs8', pkcs8, p256, true, ['sign'])
  const jwk = (await crypto.subtle.exportKey('jwk', extractable)) as JsonWebKey
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('not a P-256 key')
  const key = await crypto.subtle.importKey('jwk', jwk, p256, false, ['sign'])
  const publicJwk: PublicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x: jwk.x,
    y: jwk.y,
    kid,
    alg: 'ES256',
    use: 'sig',
  }
  return { kid, key, publicJwk }
}

/** Imported keys per parsed configuration (one per isolate and deploy). */
const imported = new WeakMap<Config, Promise<IdentityKeys>>()

async function importAll(config: Config): Promise<IdentityKeys> {
  const keys = await Promise.all(config.tokenSigningKeys.map(importKey)).catch((cause: unknown) => {
    throw new ConfigError('TOKEN_SIGNING_KEYS', `not a P-256 private key (PKCS #8): ${cause}`)
  })
  const [first] = keys
  if (!first) throw new ConfigError('TOKEN_SIGNING_KEYS', 'no key')
  return {
    signing: { kid: first.kid, key: first.key },
    jwks: { keys: keys.map((k) => k.publicJwk) },
  }
}

/** The configuration's keys, imported on first use; a failed import is retried by the next request. */
export function identityKeys(config: Config): Promise<IdentityKeys> {
  let keys = imported.get(config)
  if (!keys) {
    keys = importAll(config)
    keys.catch(() => imported.delete(config))
    imported.set(config, keys)
  }
  return keys
}
