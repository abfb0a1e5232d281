// Asking the visitor to rate a resolved conversation (CSAT), as pure data. The card belongs to
// one conversation and to the moment it was resolved: a message written after that (the visitor
// writing again reopens it) means the conversation moved on, and the card steps aside.
import type { Id } from '@kefu/protocol'

export interface Rating {
  score: number
  comment: string | null
}

export interface Csat {
  /** The resolved conversation the card asks about. */
  conversationId: Id
  /** The event seq at which it was known to be resolved; messages after it hide the card. */
  since: number
  /** What the server last accepted from this visitor, shown as thanks. */
  sent: Rating | null
  status: 'idle' | 'sending' | 'failed'
}

/** The conversation was resolved (live, on catch-up, or in the session): ask, or keep asking. */
export function offerRating(
  current: Csat | null,
  input: { conversationId: Id; since: number; saved: Rating | null },
): Csat {
  if (current?.conversationId === input.conversationId) {
    return { ...current, since: Math.max(current.since, input.since) }
  }
  return {
    conversationId: input.conversationId,
    since: input.since,
    sent: input.saved,
    status: 'idle',
  }
}

/** Whether the card shows under these messages: nothing was written since the resolution. */
export function csatShown(
  csat: Csat | null,
  messages: readonly { seq: number | null }[],
): csat is Csat {
  return csat !== null && !messages.some((m) => m.seq === null || m.seq > csat.since)
}

export function isScore(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 5
}

export function ratingSending(csat: Csat): Csat {
  return { ...csat, status: 'sending' }
}

/** The server's answer for `conversationId`; a card meanwhile moved to another one is untouched. */
export function ratingSent(csat: Csat | null, conversationId: Id, rating: Rating): Csat | null {
  if (csat?.conversationId !== conversationId) return csat
  return { ...csat, sent: rating, status: 'idle' }
}

export function ratingFailed(csat: Csat | null, conversationId: Id): Csat | null {
  if (csat?.conversationId !== conversationId) return csat
  return { ...csat, status: 'failed' }
}
