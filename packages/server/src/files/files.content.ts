import { z } from 'zod'
import { AppError } from '../shared/errors.js'
import { MAX_MESSAGE_LENGTH } from '../shared/validation.js'

/** At most this many files in one message. */
export const ATTACHMENTS_PER_MESSAGE = 10

/** A message's text and attachments, for the message schemas: text may be empty with files. */
export const messageContent = {
  text: z.string().max(MAX_MESSAGE_LENGTH, `at most ${MAX_MESSAGE_LENGTH} characters`),
  attachmentIds: z.array(z.string().min(1).max(64)).max(ATTACHMENTS_PER_MESSAGE).optional(),
}

/** Refuses a message with neither text nor files, as the text-only rule did. */
export function requireContent(body: { text: string; attachmentIds?: readonly string[] }): void {
  if (!body.text.trim() && !body.attachmentIds?.length) {
    throw new AppError('request.invalid', 'text: must not be empty', {
      issues: [{ path: 'text', message: 'must not be empty' }],
    })
  }
}
