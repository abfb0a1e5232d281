import type { EventDTO, RatingDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import { applyEvent, emptyList, upsertConversation } from './conversations'
import { applyRatingEvents, type Ratings, setRating, starsOf } from './ratings'
import { conversation } from './test-fixtures'

const good: RatingDTO = { score: 5, comment: '很满意', ratedAt: 20 }
const poor: RatingDTO = { score: 2, comment: null, ratedAt: 10 }

function rated(seq: number, rating: RatingDTO, conversationId = 'c1'): EventDTO {
  return {
    seq,
    type: 'conversation.rated',
    conversationId,
    inboxId: 'i1',
    at: rating.ratedAt,
    rating,
  }
}

describe('ratings', () => {
  test('a live rating replaces the one a detail response showed', () => {
    let ratings: Ratings = new Map()
    ratings = setRating(ratings, 'c1', null, 7)
    ratings = applyRatingEvents(ratings, [rated(8, poor), rated(9, good)])
    expect(ratings.get('c1')).toEqual({ rating: good, seq: 9 })
  })

  test('an older copy never hides a newer rating, whichever way it came', () => {
    let ratings: Ratings = applyRatingEvents(new Map(), [rated(12, good)])
    // A detail response that left before the customer rated again, answering late.
    ratings = setRating(ratings, 'c1', poor, 11)
    expect(ratings.get('c1')?.rating).toEqual(good)
    // The same event again (a replay after reconnecting) changes nothing.
    expect(applyRatingEvents(ratings, [rated(12, good)])).toBe(ratings)
  })

  test('other events leave ratings alone', () => {
    const ratings: Ratings = new Map()
    const resolved: EventDTO = {
      seq: 3,
      type: 'conversation.resolved',
      conversationId: 'c1',
      inboxId: 'i1',
      at: 3,
    }
    expect(applyRatingEvents(ratings, [resolved])).toBe(ratings)
  })

  test('the conversation list ignores resolution notices and ratings', () => {
    const state = upsertConversation(emptyList, conversation({ id: 'c1', status: 'resolved' }))
    const attention = { openConversationId: null, visible: true }
    for (const event of [
      rated(5, good),
      { seq: 6, type: 'conversation.resolved', conversationId: 'c1', inboxId: 'i1', at: 6 },
      // Whatever a newer server may add one day.
      { seq: 7, type: 'conversation.teleported', conversationId: 'c1', inboxId: 'i1', at: 7 },
    ] as EventDTO[]) {
      const result = applyEvent(state, event, attention)
      expect(result.state).toBe(state)
      expect(result.unknown).toBe(false)
    }
  })

  test('stars show the score out of five', () => {
    expect(starsOf(4)).toBe('★★★★☆')
    expect(starsOf(1)).toBe('★☆☆☆☆')
    expect(starsOf(5)).toBe('★★★★★')
  })
})
