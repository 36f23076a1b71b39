// The input shapes several routes share, in zod/mini (the full zod would triple the bundle).
import * as z from 'zod/mini'
import { permissions } from './vocabulary'

/** An email as we store it: trimmed, lower-cased (so comparisons are case-insensitive), at most 320 characters. */
export const email = z.pipe(
  z.string().check(z.trim(), z.toLowerCase()),
  z.email().check(z.maxLength(320)),
)

/** Trimmed text of at most `max` characters (a person's or a team's name). */
export const text = (max: number) => z.string().check(z.trim(), z.maxLength(max))

export const permission = z.enum(permissions)

/** Our ids (`randomId`: base64url) as they arrive in a path; anything else names no row of ours. */
export const id = z.string().check(z.regex(/^[\w-]{1,64}$/))
