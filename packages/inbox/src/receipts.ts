// Read receipts on the agent's side, as pure data: how far each customer has seen the team's
// replies. The mark comes in a conversation's detail response and live, as `conversation.read`
// events (reader 'contact'). It only ever moves forward, so the furthest one known wins whatever
// order they arrive in.
import type { EventDTO, Id, MessageDTO } from '@kefu/protocol'

/** Per conversation: the seq of the team's last reply the customer has seen. */
export type SeenMarks = ReadonlyMap<Id, number>

export function setSeen(marks: SeenMarks, conversationId: Id, readSeq: number): SeenMarks {
  if (readSeq <= (marks.get(conversationId) ?? 0)) return marks
  const next = new Map(marks)
  next.set(conversationId, readSeq)
  return next
}

/** Applies the customers' read receipts among `events`; anything else changes nothing. */
export function applySeenEvents(marks: SeenMarks, events: readonly EventDTO[]): SeenMarks {
  let next = marks
  for (const event of events) {
    if (event.type === 'conversation.read' && event.reader === 'contact') {
      next = setSeen(next, event.conversationId, event.readSeq)
    }
  }
  return next
}

/**
 * The reply "Seen" goes under: the last reply to the customer at or before the mark. Notes and
 * activity lines are never shown to the customer, so they never carry it.
 */
export function seenMessageId(messages: readonly MessageDTO[], readSeq: number): Id | null {
  if (readSeq <= 0) return null
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    if (message.direction === 'outgoing' && message.seq <= readSeq) return message.id
  }
  return null
}
