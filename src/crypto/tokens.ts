// Bearer tokens sent to people or programs (email verification, password reset, setup, SCIM): made here, stored hashed.
import { randomId, sha256Hex } from './encoding'

/** A new bearer token: 32 random bytes, base64url (43 characters). Only its hash is stored. */
export const newToken = (): string => randomId(32)

/**
 * What is stored and looked up in place of the token: SHA-256, hex. A fast hash suffices because the
 * token carries 256 bits of entropy; a lookup by hash also compares nothing secret byte by byte.
 */
export const hashToken = (token: string): Promise<string> => sha256Hex(token)
