// One conversation's messages as pure data. Stored messages are keyed by id and ordered by the
// event `seq` the server gave them, so a message that arrives twice (HTTP reply, live event and
// catch-up) or out of order still shows once and in the same place. Messages this agent is sending
// live beside them, keyed by the clientId that makes a resend harmless.
import type { EventDTO, Id, MessageDTO } from '@kefu/protocol'

export type PendingState = 'sending' | 'failed'

export interface PendingMessage {
  clientId: string
  conversationId: Id
  text: string
  private: boolean
  createdAt: number
  state: PendingState
  /** Why the last attempt failed, shown next to the retry button. */
  error: string | null
}

export interface Timeline {
  /** Stored messages, sorted by seq (then id). */
  messages: readonly MessageDTO[]
  /** Not yet confirmed by the server, in the order the agent wrote them. */
  pending: readonly PendingMessage[]
}

export const emptyTimeline: Timeline = { messages: [], pending: [] }

function compareBySeq(a: MessageDTO, b: MessageDTO): number {
  return a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

export function addMessages(timeline: Timeline, incoming: readonly MessageDTO[]): Timeline {
  if (incoming.length === 0) return timeline
  const byId = new Map<Id, MessageDTO>()
  for (const message of timeline.messages) byId.set(message.id, message)
  let changed = false
  for (const message of incoming) {
    if (!byId.has(message.id)) {
      byId.set(message.id, message)
      changed = true
    }
  }
  const confirmed = new Set(incoming.map((m) => m.clientId).filter((c): c is string => c !== null))
  const pending = timeline.pending.filter((p) => !confirmed.has(p.clientId))
  if (!changed && pending.length === timeline.pending.length) return timeline
  return {
    messages: changed ? [...byId.values()].sort(compareBySeq) : timeline.messages,
    pending,
  }
}

/**
 * A conversation's loaded history. The response reflects every event up to `seq`; `during` holds the
 * events applied while the request was out, which may be newer than the response: their messages
 * are added too. Messages already present (by id) are never added twice, so whatever the response
 * and the events both hold shows once.
 */
export function mergeHistory(
  timeline: Timeline,
  conversationId: Id,
  history: { messages: readonly MessageDTO[]; seq: number },
  during: readonly EventDTO[],
): Timeline {
  const later: MessageDTO[] = []
  for (const event of during) {
    if (event.type !== 'message.created' || event.conversationId !== conversationId) continue
    if (event.seq > history.seq) later.push(event.message)
  }
  return addMessages(timeline, [...history.messages, ...later])
}

export function addPending(timeline: Timeline, message: PendingMessage): Timeline {
  const already = timeline.pending.some((p) => p.clientId === message.clientId)
  if (already) return markPending(timeline, message.clientId, 'sending', null)
  return { ...timeline, pending: [...timeline.pending, message] }
}

export function markPending(
  timeline: Timeline,
  clientId: string,
  state: PendingState,
  error: string | null,
): Timeline {
  if (!timeline.pending.some((p) => p.clientId === clientId)) return timeline
  return {
    ...timeline,
    pending: timeline.pending.map((p) => (p.clientId === clientId ? { ...p, state, error } : p)),
  }
}

export function discardPending(timeline: Timeline, clientId: string): Timeline {
  return { ...timeline, pending: timeline.pending.filter((p) => p.clientId !== clientId) }
}

export type TimelineEntry =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'message'; key: string; message: MessageDTO }
  | { kind: 'pending'; key: string; message: PendingMessage }

/** The rows to draw: a day separator whenever the local calendar day changes, then the messages. */
export function timelineEntries(
  timeline: Timeline,
  dayKey: (at: number) => string = localDayKey,
): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  let lastDay = ''
  const day = (at: number) => {
    const key = dayKey(at)
    if (key !== lastDay) {
      entries.push({ kind: 'day', key: `day-${key}`, at })
      lastDay = key
    }
  }
  for (const message of timeline.messages) {
    day(message.createdAt)
    entries.push({ kind: 'message', key: message.id, message })
  }
  for (const message of timeline.pending) {
    day(message.createdAt)
    entries.push({ kind: 'pending', key: `pending-${message.clientId}`, message })
  }
  return entries
}

export function localDayKey(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}
