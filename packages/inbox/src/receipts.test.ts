import type { EventDTO, MessageDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import { applySeenEvents, seenMessageId, setSeen } from './receipts'

const message = (id: string, seq: number, direction: MessageDTO['direction']): MessageDTO => ({
  id,
  conversationId: 'c1',
  direction,
  author: { type: direction === 'incoming' ? 'contact' : 'agent', id: null, name: null },
  text: id,
  clientId: null,
  createdAt: seq,
  seq,
})

const read = (seq: number, readSeq: number, reader: 'contact' | 'team' = 'contact'): EventDTO => ({
  seq,
  type: 'conversation.read',
  conversationId: 'c1',
  inboxId: 'i1',
  at: seq,
  reader,
  readSeq,
})

describe('"Seen" under the replies the customer has seen', () => {
  const messages = [
    message('q', 1, 'incoming'),
    message('r1', 2, 'outgoing'),
    message('n', 3, 'note'),
    message('r2', 4, 'outgoing'),
    message('a', 5, 'activity'),
    message('q2', 6, 'incoming'),
  ]

  test('goes under the last reply at or before the mark, never a note or a customer message', () => {
    expect(seenMessageId(messages, 0)).toBeNull()
    expect(seenMessageId(messages, 1)).toBeNull()
    expect(seenMessageId(messages, 2)).toBe('r1')
    expect(seenMessageId(messages, 3)).toBe('r1')
    expect(seenMessageId(messages, 4)).toBe('r2')
    expect(seenMessageId(messages, 99)).toBe('r2')
  })

  test('the mark only moves forward, from responses and events alike', () => {
    let marks = setSeen(new Map(), 'c1', 4)
    expect(setSeen(marks, 'c1', 2)).toBe(marks)
    marks = applySeenEvents(marks, [read(10, 2), read(11, 9, 'team')])
    expect(marks.get('c1')).toBe(4)
    marks = applySeenEvents(marks, [read(12, 6)])
    expect(marks.get('c1')).toBe(6)
  })
})
