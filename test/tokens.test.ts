// Bearer tokens: 32 random bytes in base64url, stored as their SHA-256 in hex.
import { describe, expect, it } from 'vitest'
import { fromBase64Url } from '../src/crypto/encoding'
import { hashToken, newToken } from '../src/crypto/tokens'

describe('newToken', () => {
  it('carries 32 random bytes, URL-safe', () => {
    const token = newToken()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(fromBase64Url(token)).toHaveLength(32)
  })

  it('is new every time', () => {
    expect(new Set(Array.from({ length: 100 }, newToken)).size).toBe(100)
  })
})

describe('hashToken', () => {
  it('is the SHA-256 of the token in hex (the known vector for "abc")', async () => {
    expect(await hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('is stable for a token and differs between tokens', async () => {
    const token = newToken()
    expect(await hashToken(token)).toBe(await hashToken(token))
    expect(await hashToken(token)).not.toBe(await hashToken(newToken()))
  })
})
