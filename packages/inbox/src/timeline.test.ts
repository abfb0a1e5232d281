import type { EventDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import { message, messageEvent } from './test-fixtures'
import {
  addMessages,
  addPending,
  discardPending,
  emptyTimeline,
  markPending,
  mergeHistory,
  type PendingMessage,
  timelineEntries,
  updateMessage,
} from './timeline'

function pending(overrides: Partial<PendingMessage> = {}): PendingMessage {
  return {
    clientId: 'client-1',
    conversationId: 'c1',
    text: '马上为您查询',
    private: false,
    createdAt: 5_000,
    state: 'sending',
    error: null,
    ...overrides,
  }
}

describe('timeline', () => {
  test('the same message arriving twice shows once', () => {
    const m = message({ id: 'm1', seq: 3 })
    let timeline = addMessages(emptyTimeline, [m])
    timeline = addMessages(timeline, [m])
    timeline = addMessages(timeline, [{ ...m }])
    expect(timeline.messages.map((x) => x.id)).toEqual(['m1'])
  })

  test('messages arriving out of order are shown in seq order', () => {
    const a = message({ id: 'a', seq: 1, createdAt: 100 })
    const b = message({ id: 'b', seq: 2, createdAt: 100 })
    const c = message({ id: 'c', seq: 3, createdAt: 90 })
    let timeline = addMessages(emptyTimeline, [c])
    timeline = addMessages(timeline, [a])
    timeline = addMessages(timeline, [b, c])
    expect(timeline.messages.map((x) => x.id)).toEqual(['a', 'b', 'c'])
  })

  test('a loaded history merges with live messages instead of replacing them', () => {
    const live = message({ id: 'live', seq: 9 })
    const history = [message({ id: 'h1', seq: 1 }), message({ id: 'h2', seq: 2 })]
    const timeline = addMessages(addMessages(emptyTimeline, [live]), history)
    expect(timeline.messages.map((x) => x.id)).toEqual(['h1', 'h2', 'live'])
  })

  test('a pending reply is replaced by the stored message with the same clientId', () => {
    let timeline = addPending(emptyTimeline, pending())
    expect(timelineEntries(timeline).filter((e) => e.kind === 'pending')).toHaveLength(1)
    const stored = message({
      id: 'm7',
      seq: 7,
      direction: 'outgoing',
      clientId: 'client-1',
      text: '马上为您查询',
    })
    timeline = addMessages(timeline, [stored])
    expect(timeline.pending).toEqual([])
    expect(timeline.messages.map((x) => x.id)).toEqual(['m7'])
    // The live event for the same message changes nothing.
    expect(addMessages(timeline, [stored])).toBe(timeline)
  })

  test('a failed message can be retried with the same clientId without a duplicate', () => {
    let timeline = addPending(emptyTimeline, pending())
    timeline = markPending(timeline, 'client-1', 'failed', 'Network down')
    expect(timeline.pending[0]?.state).toBe('failed')
    timeline = addPending(timeline, pending({ createdAt: 9_000 }))
    expect(timeline.pending).toHaveLength(1)
    expect(timeline.pending[0]?.state).toBe('sending')
    expect(timeline.pending[0]?.error).toBeNull()
    expect(discardPending(timeline, 'client-1').pending).toEqual([])
  })

  test('pending messages come after stored ones, with a day separator when the day changes', () => {
    const day = (at: number) => (at < 10_000 ? 'day-1' : 'day-2')
    let timeline = addMessages(emptyTimeline, [
      message({ id: 'a', seq: 1, createdAt: 1_000 }),
      message({ id: 'b', seq: 2, createdAt: 2_000 }),
    ])
    timeline = addPending(timeline, pending({ createdAt: 20_000 }))
    expect(timelineEntries(timeline, day).map((e) => e.kind)).toEqual([
      'day',
      'message',
      'message',
      'day',
      'pending',
    ])
  })
})

describe('loading a conversation while messages arrive', () => {
  const history = [message({ id: 'h1', seq: 1 }), message({ id: 'h2', seq: 2 })]
  const ids = (timeline: { messages: readonly { id: string }[] }) =>
    timeline.messages.map((m) => m.id)

  test('a message created while the request was out, after its seq, is added once', () => {
    // Nothing was loaded yet, so the live event had no timeline to go to: only the record has it.
    const live = message({ id: 'm6', seq: 6 })
    const timeline = mergeHistory(emptyTimeline, 'c1', { messages: history, seq: 5 }, [
      messageEvent(live),
    ])
    expect(ids(timeline)).toEqual(['h1', 'h2', 'm6'])
  })

  test('a message the response already holds (stored after its seq) shows once', () => {
    const live = message({ id: 'm6', seq: 6 })
    const timeline = mergeHistory(emptyTimeline, 'c1', { messages: [...history, live], seq: 5 }, [
      messageEvent(live),
    ])
    expect(ids(timeline)).toEqual(['h1', 'h2', 'm6'])
  })

  test('the same event arriving after the response (socket behind) changes nothing', () => {
    const loaded = mergeHistory(emptyTimeline, 'c1', { messages: history, seq: 5 }, [])
    expect(addMessages(loaded, [history[1]!])).toBe(loaded)
    // A newer one is added in its place.
    expect(ids(addMessages(loaded, [message({ id: 'm7', seq: 7 })]))).toEqual(['h1', 'h2', 'm7'])
  })

  test('messages that arrived live before the response stay, once', () => {
    const live = message({ id: 'm6', seq: 6 })
    const before = addMessages(emptyTimeline, [live])
    const timeline = mergeHistory(before, 'c1', { messages: [...history, live], seq: 6 }, [
      messageEvent(live),
    ])
    expect(ids(timeline)).toEqual(['h1', 'h2', 'm6'])
  })

  test('other conversations and events at or before the seq are left out', () => {
    const elsewhere = message({ id: 'x9', conversationId: 'c2', seq: 9 })
    const reflected = message({ id: 'm3', seq: 3 })
    const timeline = mergeHistory(emptyTimeline, 'c1', { messages: history, seq: 5 }, [
      messageEvent(reflected),
      messageEvent(elsewhere),
    ])
    expect(ids(timeline)).toEqual(['h1', 'h2'])
  })

  test('a pending reply confirmed by a message that came in with the history is settled', () => {
    const pendingReply = addPending(emptyTimeline, pending())
    const stored = message({ id: 'm8', seq: 8, direction: 'outgoing', clientId: 'client-1' })
    const timeline = mergeHistory(pendingReply, 'c1', { messages: [], seq: 7 }, [
      messageEvent(stored),
    ])
    expect(timeline.pending).toEqual([])
    expect(ids(timeline)).toEqual(['m8'])
  })
})

describe('message.updated', () => {
  const reply = message({
    id: 'r1',
    seq: 4,
    direction: 'outgoing',
    author: { type: 'agent', id: 'a1', name: 'Li' },
    clientId: 'client-1',
    text: '您好，已为您补发',
  })
  const updatedEvent = (m: typeof reply, seq: number): EventDTO => ({
    seq,
    type: 'message.updated',
    conversationId: 'c1',
    inboxId: 'i1',
    at: seq,
    message: m,
  })

  test('replaces the message by id, in place, keeping the order', () => {
    const before = addMessages(emptyTimeline, [
      message({ id: 'a', seq: 1 }),
      reply,
      message({ id: 'b', seq: 9 }),
    ])
    const failed = { ...reply, delivery: { status: 'failed' as const, error: '550 mailbox full' } }
    const after = updateMessage(before, failed, 12)
    expect(after.messages.map((m) => m.id)).toEqual(['a', 'r1', 'b'])
    expect(after.messages[1]?.delivery).toEqual({ status: 'failed', error: '550 mailbox full' })
    // Applying the same update again is harmless.
    expect(updateMessage(after, failed, 12)).toBe(after)
  })

  test('statuses follow the events in order; a copy that is not newer changes nothing', () => {
    let timeline = addMessages(emptyTimeline, [reply])
    timeline = updateMessage(
      timeline,
      { ...reply, delivery: { status: 'pending', error: null } },
      5,
    )
    timeline = updateMessage(timeline, { ...reply, delivery: { status: 'sent', error: null } }, 6)
    expect(timeline.messages[0]?.delivery?.status).toBe('sent')
    const stale = updateMessage(
      timeline,
      { ...reply, delivery: { status: 'pending', error: null } },
      5,
    )
    expect(stale).toBe(timeline)
    // The live message.created (or the POST response) for the reply does not undo the update.
    expect(addMessages(timeline, [reply], 4)).toBe(timeline)
  })

  test('an update for a message not shown yet adds it', () => {
    const timeline = updateMessage(emptyTimeline, reply, 7)
    expect(timeline.messages.map((m) => m.id)).toEqual(['r1'])
  })

  test('a loaded history applies the updates that came after its seq, not those before', () => {
    const queued = { ...reply, delivery: { status: 'pending' as const, error: null } }
    const sent = { ...reply, delivery: { status: 'sent' as const, error: null } }
    const later = mergeHistory(emptyTimeline, 'c1', { messages: [queued], seq: 5 }, [
      updatedEvent(sent, 6),
    ])
    expect(later.messages[0]?.delivery?.status).toBe('sent')
    const older = mergeHistory(emptyTimeline, 'c1', { messages: [sent], seq: 6 }, [
      updatedEvent(queued, 5),
    ])
    expect(older.messages[0]?.delivery?.status).toBe('sent')
    // Another conversation's update is not this timeline's business.
    const other = mergeHistory(emptyTimeline, 'c1', { messages: [queued], seq: 5 }, [
      { ...updatedEvent(sent, 6), conversationId: 'c2' },
    ])
    expect(other.messages[0]?.delivery?.status).toBe('pending')
  })

  test('a newer snapshot replaces an older copy already shown', () => {
    const shown = addMessages(emptyTimeline, [reply])
    const sent = { ...reply, delivery: { status: 'sent' as const, error: null } }
    const merged = mergeHistory(shown, 'c1', { messages: [sent], seq: 10 }, [])
    expect(merged.messages[0]?.delivery?.status).toBe('sent')
    // A pending reply confirmed by the same clientId is gone either way.
    expect(merged.pending).toEqual([])
  })
})
