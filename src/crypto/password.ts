// PBKDF2-SHA256 password hashes through WebCrypto, parameters stored with the hash.
import { fromBase64Url, toBase64Url } from './encoding'

/** workerd caps PBKDF2 at 100,000 iterations. */
const iterations = 100_000
const algorithm = 'pbkdf2-sha256'

async function derive(password: string, salt: Uint8Array, rounds: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(password),
    'PBKDF2',
    false,
    ['deriveBits'],
  )
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: rounds },
      key,
      256,
    ),
  )
}

/** "pbkdf2-sha256$<iterations>$<salt>$<hash>" */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  return `${algorithm}$${iterations}$${toBase64Url(salt)}$${toBase64Url(await derive(password, salt, iterations))}`
}

/** Checks a password against a stored hash; with no hash it still spends the same work, so timing says nothing. */
export async function verifyPassword(
  password: string,
  stored: string | null | undefined,
): Promise<boolean> {
  const [name, rounds, salt, hash] = (stored ?? '').split('$')
  const known =
    name === algorithm && Number(rounds) > 0 && Number(rounds) <= iterations && salt && hash
  const derived = await derive(
    password,
    known ? fromBase64Url(salt) : new Uint8Array(16),
    known ? Number(rounds) : iterations,
  )
  if (!known) return false
  const expected = fromBase64Url(hash)
  return expected.length === derived.length && crypto.subtle.timingSafeEqual(derived, expected)
}
