import type { EventDTO, MessageDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import {
  addPending,
  advanceCursor,
  applyEvent,
  clearMessages,
  confirmMessage,
  createTimeline,
  dropPending,
  lastReplySeq,
  listMessages,
  readMarkKey,
  setPendingState,
  skipEvent,
  type Timeline,
  timelineFromHistory,
  wantsEvent,
} from './timeline'

function message(overrides: Partial<MessageDTO> & { id: string; seq: number }): MessageDTO {
  return {
    conversationId: 'conv-1',
    direction: 'outgoing',
    author: { type: 'agent', id: 'agent-1', name: 'Li Na' },
    text: `text of ${overrides.id}`,
    clientId: null,
    createdAt: 1_700_000_000_000 + overrides.seq,
    ...overrides,
  }
}

function created(m: MessageDTO): EventDTO {
  return {
    seq: m.seq,
    type: 'message.created',
    conversationId: m.conversationId,
    inboxId: 'inbox-1',
    at: m.createdAt,
    message: m,
  }
}

function view(timeline: Timeline) {
  return listMessages(timeline).map((m) => `${m.id ?? m.clientId}:${m.state}`)
}

describe('timeline', () => {
  test('events arriving out of order are shown in seq order', () => {
    let t = createTimeline(10)
    t = applyEvent(t, created(message({ id: 'b', seq: 12 })))
    t = applyEvent(t, created(message({ id: 'a', seq: 11 })))
    expect(view(t)).toEqual(['a:sent', 'b:sent'])
  })

  test('a duplicated event shows its message once', () => {
    const event = created(message({ id: 'a', seq: 11 }))
    let t = createTimeline(10)
    t = applyEvent(t, event)
    t = applyEvent(t, event)
    expect(view(t)).toEqual(['a:sent'])
    expect(t.applied).toEqual([11])
  })

  test('events at or below the cursor are not applied again', () => {
    const t = timelineFromHistory([message({ id: 'a', seq: 5 })], 8)
    const after = applyEvent(t, created(message({ id: 'x', seq: 7 })))
    expect(after).toBe(t)
  })

  test('the same message under two event seqs is still shown once', () => {
    let t = createTimeline(0)
    t = applyEvent(t, created(message({ id: 'a', seq: 3 })))
    t = applyEvent(t, { ...created(message({ id: 'a', seq: 3 })), seq: 4 })
    expect(view(t)).toEqual(['a:sent'])
  })

  test('an ack before the event replaces the optimistic message and the event adds nothing', () => {
    let t = createTimeline(10)
    t = addPending(t, { clientId: 'c1', text: 'hello', createdAt: 1 })
    expect(view(t)).toEqual(['c1:sending'])
    const stored = message({ id: 'm1', seq: 11, clientId: 'c1', direction: 'incoming' })
    t = confirmMessage(t, stored)
    expect(view(t)).toEqual(['m1:sent'])
    t = applyEvent(t, created(stored))
    expect(view(t)).toEqual(['m1:sent'])
    expect(listMessages(t)[0]?.key).toBe('c:c1')
  })

  test('an event before the ack confirms the message and the late ack adds nothing', () => {
    let t = createTimeline(10)
    t = addPending(t, { clientId: 'c1', text: 'hello', createdAt: 1 })
    const stored = message({ id: 'm1', seq: 11, clientId: 'c1', direction: 'incoming' })
    t = applyEvent(t, created(stored))
    expect(view(t)).toEqual(['m1:sent'])
    const afterAck = confirmMessage(t, stored)
    expect(afterAck).toBe(t)
  })

  test('an HTTP answer after a lost ack does not duplicate the message', () => {
    let t = createTimeline(10)
    t = addPending(t, { clientId: 'c1', text: 'hello', createdAt: 1 })
    const stored = message({ id: 'm1', seq: 11, clientId: 'c1', direction: 'incoming' })
    t = confirmMessage(t, stored) // the ack
    t = confirmMessage(t, stored) // the HTTP fallback answering the same clientId
    t = applyEvent(t, created(stored))
    expect(view(t)).toEqual(['m1:sent'])
  })

  test('a failed message that the server did store turns sent when its event arrives', () => {
    let t = createTimeline(10)
    t = addPending(t, { clientId: 'c1', text: 'hello', createdAt: 1 })
    t = setPendingState(t, 'c1', 'failed')
    expect(view(t)).toEqual(['c1:failed'])
    t = applyEvent(
      t,
      created(message({ id: 'm1', seq: 11, clientId: 'c1', direction: 'incoming' })),
    )
    expect(view(t)).toEqual(['m1:sent'])
  })

  test('pending messages stay below stored ones, in the order they were written', () => {
    let t = createTimeline(10)
    t = addPending(t, { clientId: 'c1', text: 'one', createdAt: 1 })
    t = addPending(t, { clientId: 'c2', text: 'two', createdAt: 2 })
    t = applyEvent(t, created(message({ id: 'r', seq: 11 })))
    expect(view(t)).toEqual(['r:sent', 'c1:sending', 'c2:sending'])
  })

  test('a replay after reconnect fills the gap without repeating live events', () => {
    let t = timelineFromHistory([message({ id: 'a', seq: 10 })], 10)
    // A live event pushed while the catch-up request is still running.
    const live = created(message({ id: 'd', seq: 14 }))
    t = applyEvent(t, live)
    // The catch-up page: what was missed while disconnected, and the live one again.
    const page = [
      created(message({ id: 'b', seq: 11 })),
      created(message({ id: 'c', seq: 12 })),
      live,
    ]
    for (const event of page) t = applyEvent(t, event)
    t = advanceCursor(t, 14)
    expect(view(t)).toEqual(['a:sent', 'b:sent', 'c:sent', 'd:sent'])
    expect(t.cursor).toBe(14)
    expect(t.applied).toEqual([])
    // A second reconnect replaying the same page changes nothing.
    const again = page.reduce(applyEvent, t)
    expect(again).toBe(t)
  })

  test('notes and activity lines are never shown', () => {
    let t = createTimeline(0)
    t = applyEvent(t, created(message({ id: 'n', seq: 1, direction: 'note' })))
    t = applyEvent(t, created(message({ id: 'x', seq: 2, direction: 'activity' })))
    expect(view(t)).toEqual([])
    expect(t.applied).toEqual([1, 2])
  })

  test('advancing the cursor forgets applied seqs below it', () => {
    let t = createTimeline(0)
    t = applyEvent(t, created(message({ id: 'a', seq: 3 })))
    t = applyEvent(t, created(message({ id: 'b', seq: 9 })))
    t = advanceCursor(t, 5)
    expect(t.cursor).toBe(5)
    expect(t.applied).toEqual([9])
    expect(advanceCursor(t, 4)).toBe(t)
  })

  test('conversation events are applied once and change no message', () => {
    let t = createTimeline(0)
    const event: EventDTO = {
      seq: 1,
      type: 'conversation.updated',
      conversationId: 'conv-1',
      inboxId: 'inbox-1',
      at: 1,
      conversation: {} as never,
    }
    t = applyEvent(t, event)
    expect(view(t)).toEqual([])
    expect(applyEvent(t, event)).toBe(t)
  })
})

describe('read receipts and other conversations in the timeline', () => {
  const msg = (id: string, seq: number, direction: 'incoming' | 'outgoing'): MessageDTO => ({
    id,
    conversationId: 'conv-1',
    direction,
    author: { type: direction === 'incoming' ? 'contact' : 'agent', id: null, name: null },
    text: id,
    clientId: null,
    createdAt: seq,
    seq,
  })

  test('"Read" goes under the last of the visitor\'s own messages the team has read', () => {
    let t = timelineFromHistory(
      [
        msg('a', 1, 'incoming'),
        msg('b', 2, 'incoming'),
        msg('r', 3, 'outgoing'),
        msg('c', 4, 'incoming'),
      ],
      4,
    )
    t = addPending(t, { clientId: 'p1', text: 'pending', createdAt: 5 })
    const messages = listMessages(t)
    expect(readMarkKey(messages, 0)).toBeNull()
    expect(readMarkKey(messages, 1)).toBe('a')
    // A reply in between does not carry the mark: the visitor's own message before it does.
    expect(readMarkKey(messages, 3)).toBe('b')
    expect(readMarkKey(messages, 99)).toBe('c')
  })

  test('the newest reply is what a read receipt reports', () => {
    expect(lastReplySeq(createTimeline())).toBe(0)
    const t = timelineFromHistory(
      [msg('r1', 3, 'outgoing'), msg('a', 4, 'incoming'), msg('r2', 5, 'outgoing')],
      5,
    )
    expect(lastReplySeq(t)).toBe(5)
  })

  test('an event about another conversation is applied once and shows nothing', () => {
    const t = createTimeline(10)
    const skipped = skipEvent(t, 11)
    expect(wantsEvent(skipped, 11)).toBe(false)
    expect(skipEvent(skipped, 11)).toBe(skipped)
    expect(listMessages(skipped)).toEqual([])
  })

  test('clearing for another conversation keeps what was applied', () => {
    const t = skipEvent(timelineFromHistory([msg('a', 1, 'incoming')], 10), 12)
    const cleared = clearMessages(t)
    expect(listMessages(cleared)).toEqual([])
    expect(cleared.cursor).toBe(10)
    expect(wantsEvent(cleared, 12)).toBe(false)
  })

  test('clearing keeps the messages still waiting to be sent; a stored one elsewhere drops its copy', () => {
    const t = addPending(timelineFromHistory([msg('a', 1, 'incoming')], 10), {
      clientId: 'c1',
      text: 'waiting',
      createdAt: 5,
    })
    const cleared = clearMessages(t)
    expect(listMessages(cleared).map((m) => m.clientId)).toEqual(['c1'])
    expect(listMessages(dropPending(cleared, 'c1'))).toEqual([])
    expect(dropPending(cleared, 'c9')).toBe(cleared)
  })
})
