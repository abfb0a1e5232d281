import { createHash, randomBytes } from 'node:crypto'
import { uuidv7 } from 'uuidv7'

/** Public ids: time-ordered but random (uuidv7), never sequential counters. */
export const newId = (): string => uuidv7()

/** A bearer secret with 256 random bits, URL-safe. */
export const newSecretToken = (): string => randomBytes(32).toString('base64url')

/** Secrets are stored hashed, so a database leak does not hand out live sessions. */
export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url')
