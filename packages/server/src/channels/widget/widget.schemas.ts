import { z } from 'zod'
import { messageContent } from '../../files/files.content.js'
import { clientId } from '../../shared/validation.js'

// What a visitor sends, over HTTP and over the widget socket alike: one schema for both.

export const conversationIdField = z.string().min(1).max(64)

/** Where a visitor's message goes: `conversationId` (their own), `new: true`, or by default. */
export const messageTarget = {
  conversationId: conversationIdField.optional(),
  new: z.literal(true).optional(),
}

/** A message names one target at most. */
export const oneTarget = (
  body: { conversationId?: string | undefined; new?: true | undefined },
  ctx: z.RefinementCtx,
) => {
  if (body.conversationId && body.new) {
    ctx.addIssue({ code: 'custom', path: ['new'], message: 'either conversationId or new' })
  }
}

export const visitorMessageBody = z
  .strictObject({ clientId, ...messageContent, ...messageTarget })
  .superRefine(oneTarget)

export const readReceiptBody = z.strictObject({
  conversationId: conversationIdField,
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
})
