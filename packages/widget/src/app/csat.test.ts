import { describe, expect, test } from 'vitest'
import { csatShown, isScore, offerRating, ratingFailed, ratingSending, ratingSent } from './csat'

describe('csat', () => {
  const offered = offerRating(null, { conversationId: 'c1', since: 10, saved: null })

  test('a resolution offers the card, once per conversation, keeping what was sent', () => {
    expect(offered).toEqual({ conversationId: 'c1', since: 10, sent: null, status: 'idle' })
    const sent = ratingSent(offered, 'c1', { score: 4, comment: null })
    const again = offerRating(sent, { conversationId: 'c1', since: 20, saved: null })
    expect(again).toMatchObject({ since: 20, sent: { score: 4, comment: null } })
    // A replayed older resolution never moves the card back.
    expect(offerRating(again, { conversationId: 'c1', since: 15, saved: null }).since).toBe(20)
    // Another conversation starts afresh, from what this browser saved for it.
    const other = offerRating(again, {
      conversationId: 'c2',
      since: 30,
      saved: { score: 2, comment: 'slow' },
    })
    expect(other).toEqual({
      conversationId: 'c2',
      since: 30,
      sent: { score: 2, comment: 'slow' },
      status: 'idle',
    })
  })

  test('the card shows only while nothing was written after the resolution', () => {
    expect(csatShown(null, [])).toBe(false)
    expect(csatShown(offered, [{ seq: 3 }, { seq: 10 }])).toBe(true)
    expect(csatShown(offered, [{ seq: 3 }, { seq: 11 }])).toBe(false)
    // A message still being sent counts too: writing again reopens the conversation.
    expect(csatShown(offered, [{ seq: 3 }, { seq: null }])).toBe(false)
  })

  test('sending, sent and failed belong to the conversation they were about', () => {
    const sending = ratingSending(offered)
    expect(sending.status).toBe('sending')
    expect(ratingFailed(sending, 'c1')?.status).toBe('failed')
    expect(ratingFailed(sending, 'c2')).toBe(sending)
    expect(ratingSent(sending, 'c2', { score: 5, comment: null })).toBe(sending)
    expect(ratingSent(sending, 'c1', { score: 5, comment: null })).toMatchObject({
      status: 'idle',
      sent: { score: 5, comment: null },
    })
    expect(ratingSent(null, 'c1', { score: 5, comment: null })).toBeNull()
  })

  test('a score is a whole number from 1 to 5', () => {
    expect([1, 2, 3, 4, 5].every(isScore)).toBe(true)
    expect([0, 6, 3.5, -1, Number.NaN].some(isScore)).toBe(false)
  })
})
