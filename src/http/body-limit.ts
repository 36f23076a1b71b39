// Request bodies over 64 KB (a declared length, or counted as they arrive) are refused before any parsing.
import { bodyLimit } from 'hono/body-limit'
import { AppError } from '../errors'

export const maxBodyBytes = 64 * 1024

export const refuseLargeBodies = bodyLimit({
  maxSize: maxBodyBytes,
  onError: () => {
    throw new AppError('payload_too_large')
  },
})
