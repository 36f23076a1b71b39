// Page cursors for the admin listings: base64url of the [number, id] position where the previous page ended.
import * as z from 'zod/mini'
import { fromBase64Url, toBase64Url } from '../crypto/encoding'
import type { Position } from '../db/pages'

export const encodeCursor = (position: Position | null): string | null =>
  position && toBase64Url(new TextEncoder().encode(JSON.stringify(position)))

const decoded = (s: string): unknown => {
  try {
    return JSON.parse(new TextDecoder().decode(fromBase64Url(s)))
  } catch {
    return undefined
  }
}

/** A cursor query parameter; anything but a cursor this API wrote is a 400. */
export const cursor = z.pipe(
  z.pipe(z.string().check(z.maxLength(256)), z.transform(decoded)),
  z.pipe(
    z.tuple([z.number().check(z.int()), z.string().check(z.minLength(1), z.maxLength(64))]),
    z.transform(([n, id]): Position => [n, id]),
  ),
)
