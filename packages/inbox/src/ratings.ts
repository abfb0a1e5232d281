// Customers' ratings (CSAT) of their conversations, as pure data. A rating arrives two ways: in a
// conversation's detail response (which reflects every event up to its `seq`) and live, as a
// `conversation.rated` event. Each is kept with the seq it reflects, so an older copy (a response
// that was out while the customer rated again) never hides a newer one.
import type { EventDTO, Id, RatingDTO } from '@kefu/protocol'

export interface KnownRating {
  rating: RatingDTO | null
  /** The event seq this knowledge reflects. */
  seq: number
}

export type Ratings = ReadonlyMap<Id, KnownRating>

export function setRating(
  ratings: Ratings,
  conversationId: Id,
  rating: RatingDTO | null,
  seq: number,
): Ratings {
  const known = ratings.get(conversationId)
  if (known && known.seq >= seq) return ratings
  const next = new Map(ratings)
  next.set(conversationId, { rating, seq })
  return next
}

/** Applies the rating events among `events`; any other event leaves the ratings as they are. */
export function applyRatingEvents(ratings: Ratings, events: readonly EventDTO[]): Ratings {
  let next = ratings
  for (const event of events) {
    if (event.type === 'conversation.rated') {
      next = setRating(next, event.conversationId, event.rating, event.seq)
    }
  }
  return next
}

/** ★★★★☆ for 4: the stars a score fills, as text. */
export function starsOf(score: number): string {
  const filled = Math.max(0, Math.min(5, Math.round(score)))
  return '★'.repeat(filled) + '☆'.repeat(5 - filled)
}
