// The visitor's timeline as a pure value. Session history, socket events, acks and HTTP answers
// reach it in any order and any number of times; every function here is idempotent so the
// visitor never sees a message twice or out of place.
import type { AttachmentDTO, EventDTO, Id, MessageDTO, Millis } from '@kefu/protocol'

export type DeliveryState = 'sending' | 'sent' | 'failed'

/** Only these are meant for the visitor; notes and activity lines never are. */
export type VisibleDirection = 'incoming' | 'outgoing'

export interface TimelineMessage {
  /** Render key. A confirmed message keeps its optimistic key so its bubble is not redrawn. */
  key: string
  /** The stored id; null until the server has stored the message. */
  id: Id | null
  clientId: string | null
  direction: VisibleDirection
  text: string
  authorName: string | null
  createdAt: Millis
  /** The event sequence the message was stored at; null while pending. */
  seq: number | null
  state: DeliveryState
  /** Local arrival order: orders pending messages and breaks (impossible) seq ties. */
  order: number
  /** Files sent with it (while pending: the uploads, previewed from the visitor's own copy). */
  attachments?: AttachmentDTO[]
}

export interface Timeline {
  stored: ReadonlyMap<Id, TimelineMessage>
  /** Optimistic messages by clientId, until their stored copy arrives. */
  pending: ReadonlyMap<string, TimelineMessage>
  /**
   * Every event up to this seq has been applied. It only moves on complete knowledge (a session,
   * a finished events page, a live event after catch-up), never past a possible gap.
   */
  cursor: number
  /** Seqs above the cursor already applied (live events racing a catch-up). */
  applied: readonly number[]
  nextOrder: number
}

export function createTimeline(seq = 0): Timeline {
  return { stored: new Map(), pending: new Map(), cursor: seq, applied: [], nextOrder: 0 }
}

/** A fresh timeline from a session (or messages) answer: history plus the seq it is current to. */
export function timelineFromHistory(messages: readonly MessageDTO[], seq: number): Timeline {
  let timeline = createTimeline(seq)
  for (const message of messages) timeline = confirmMessage(timeline, message)
  return timeline
}

export function isVisibleDirection(direction: string): direction is VisibleDirection {
  return direction === 'incoming' || direction === 'outgoing'
}

/** Shows a message the visitor just wrote, before the server has it. */
export function addPending(
  timeline: Timeline,
  draft: { clientId: string; text: string; createdAt: Millis; attachments?: AttachmentDTO[] },
): Timeline {
  if (timeline.pending.has(draft.clientId) || findByClientId(timeline, draft.clientId)) {
    return timeline
  }
  const message: TimelineMessage = {
    key: `c:${draft.clientId}`,
    id: null,
    clientId: draft.clientId,
    direction: 'incoming',
    text: draft.text,
    authorName: null,
    createdAt: draft.createdAt,
    seq: null,
    state: 'sending',
    order: timeline.nextOrder,
  }
  if (draft.attachments?.length) message.attachments = draft.attachments
  const pending = new Map(timeline.pending)
  pending.set(draft.clientId, message)
  return { ...timeline, pending, nextOrder: timeline.nextOrder + 1 }
}

/** Marks a pending message failed (or sending again, for a retry). Stored messages stay sent. */
export function setPendingState(
  timeline: Timeline,
  clientId: string,
  state: 'sending' | 'failed',
): Timeline {
  const message = timeline.pending.get(clientId)
  if (!message || message.state === state) return timeline
  const pending = new Map(timeline.pending)
  pending.set(clientId, { ...message, state })
  return { ...timeline, pending }
}

/**
 * Records a stored message, whichever road it came by (ack, HTTP answer, event, history). It
 * replaces the optimistic copy with the same clientId; a message already known is left alone.
 */
export function confirmMessage(timeline: Timeline, message: MessageDTO): Timeline {
  if (!isVisibleDirection(message.direction)) return timeline
  const optimistic = message.clientId ? timeline.pending.get(message.clientId) : undefined
  if (timeline.stored.has(message.id)) {
    if (!optimistic || !message.clientId) return timeline
    const pending = new Map(timeline.pending)
    pending.delete(message.clientId)
    return { ...timeline, pending }
  }
  const entry: TimelineMessage = {
    key: optimistic?.key ?? message.id,
    id: message.id,
    clientId: message.clientId,
    direction: message.direction,
    text: message.text,
    authorName: message.author.name,
    createdAt: message.createdAt,
    seq: message.seq,
    state: 'sent',
    order: optimistic?.order ?? timeline.nextOrder,
  }
  if (message.attachments?.length) entry.attachments = message.attachments
  const stored = new Map(timeline.stored)
  stored.set(message.id, entry)
  let pending = timeline.pending
  if (optimistic && message.clientId) {
    const next = new Map(pending)
    next.delete(message.clientId)
    pending = next
  }
  return { ...timeline, stored, pending, nextOrder: timeline.nextOrder + (optimistic ? 0 : 1) }
}

/** Applies one event at most once: seqs at or below the cursor, or seen before, are skipped. */
export function applyEvent(timeline: Timeline, event: EventDTO): Timeline {
  if (!wantsEvent(timeline, event.seq)) return timeline
  const next = event.type === 'message.created' ? confirmMessage(timeline, event.message) : timeline
  return { ...next, applied: [...next.applied, event.seq] }
}

export function wantsEvent(timeline: Timeline, seq: number): boolean {
  return seq > timeline.cursor && !timeline.applied.includes(seq)
}

/** Declares everything up to `seq` applied, e.g. after an events page answered `seq`. */
export function advanceCursor(timeline: Timeline, seq: number): Timeline {
  if (seq <= timeline.cursor) return timeline
  return { ...timeline, cursor: seq, applied: timeline.applied.filter((s) => s > seq) }
}

export function hasMessage(timeline: Timeline, id: Id): boolean {
  return timeline.stored.has(id)
}

export function findPending(timeline: Timeline, clientId: string): TimelineMessage | undefined {
  return timeline.pending.get(clientId)
}

function findByClientId(timeline: Timeline, clientId: string): TimelineMessage | undefined {
  for (const message of timeline.stored.values()) {
    if (message.clientId === clientId) return message
  }
  return undefined
}

/** Stored messages by seq, then pending ones in the order they were written. */
export function listMessages(timeline: Timeline): TimelineMessage[] {
  const all = [...timeline.stored.values(), ...timeline.pending.values()]
  return all.sort(
    (a, b) =>
      (a.seq ?? Number.POSITIVE_INFINITY) - (b.seq ?? Number.POSITIVE_INFINITY) ||
      a.order - b.order,
  )
}

/** Counts an event as applied without showing anything: it is about another conversation. */
export function skipEvent(timeline: Timeline, seq: number): Timeline {
  if (!wantsEvent(timeline, seq)) return timeline
  return { ...timeline, applied: [...timeline.applied, seq] }
}

/**
 * Another conversation is shown: its messages will replace these. Which events were applied
 * stays, since the event stream is one for all of the visitor's conversations, and so do the
 * messages still waiting to be sent: they go where they were written, whatever is shown.
 */
export function clearMessages(timeline: Timeline): Timeline {
  return { ...timeline, stored: new Map() }
}

/** Forgets a message's optimistic copy: it is stored, in a conversation not shown here. */
export function dropPending(timeline: Timeline, clientId: string): Timeline {
  if (!timeline.pending.has(clientId)) return timeline
  const pending = new Map(timeline.pending)
  pending.delete(clientId)
  return { ...timeline, pending }
}

/** The seq of the newest stored reply from the team (0: none), what a read receipt reports. */
export function lastReplySeq(timeline: Timeline): number {
  let seq = 0
  for (const message of timeline.stored.values()) {
    if (message.direction === 'outgoing' && message.seq !== null && message.seq > seq)
      seq = message.seq
  }
  return seq
}

/** The key of the visitor's last message the team has read (seq ≤ readSeq): "Read" goes under it. */
export function readMarkKey(messages: readonly TimelineMessage[], readSeq: number): string | null {
  if (readSeq <= 0) return null
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    if (message.direction === 'incoming' && message.seq !== null && message.seq <= readSeq)
      return message.key
  }
  return null
}
