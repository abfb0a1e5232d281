// One conversation's messages as pure data. Stored messages are keyed by id and ordered by the
// event `seq` the server gave them, so a message that arrives twice (HTTP reply, live event and
// catch-up) or out of order still shows once and in the same place. Messages this agent is sending
// live beside them, keyed by the clientId that makes a resend harmless.
import type { EventDTO, Id, MessageDTO, UploadDTO } from '@kefu/protocol'
import type { EmailRecipients } from './recipients'

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
  /** Email replies: who it goes to, so a retry sends it to the same people. */
  email?: EmailRecipients
  /** Files sent with it (already uploaded), so a retry sends the same ones. */
  attachments?: UploadDTO[]
}

export interface Timeline {
  /** Stored messages, sorted by seq (then id). */
  messages: readonly MessageDTO[]
  /** Not yet confirmed by the server, in the order the agent wrote them. */
  pending: readonly PendingMessage[]
  /**
   * For each stored message, the event seq its content reflects: the seq it was stored at, the
   * seq of the `message.updated` event that last changed it, or the `seq` of the snapshot it came
   * from. A copy reflecting an older (or the same) seq never replaces it.
   */
  versions: ReadonlyMap<Id, number>
}

export const emptyTimeline: Timeline = { messages: [], pending: [], versions: new Map() }

function compareBySeq(a: MessageDTO, b: MessageDTO): number {
  return a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * Adds stored messages; one already present is replaced only by a newer version. `version` is the
 * seq the copies reflect (a snapshot's `seq`, an event's seq); by default each message's own seq.
 */
export function addMessages(
  timeline: Timeline,
  incoming: readonly MessageDTO[],
  version?: number,
): Timeline {
  if (incoming.length === 0) return timeline
  const byId = new Map<Id, MessageDTO>()
  for (const message of timeline.messages) byId.set(message.id, message)
  let versions: Map<Id, number> | null = null
  for (const message of incoming) {
    const next = version ?? message.seq
    const known = (versions ?? timeline.versions).get(message.id)
    if (byId.has(message.id) && known !== undefined && known >= next) continue
    byId.set(message.id, message)
    versions ??= new Map(timeline.versions)
    versions.set(message.id, next)
  }
  const confirmed = new Set(incoming.map((m) => m.clientId).filter((c): c is string => c !== null))
  const pending = timeline.pending.filter((p) => !confirmed.has(p.clientId))
  if (!versions && pending.length === timeline.pending.length) return timeline
  return {
    messages: versions ? [...byId.values()].sort(compareBySeq) : timeline.messages,
    pending,
    versions: versions ?? timeline.versions,
  }
}

/**
 * A stored message changed (`message.updated` at `seq`: its delivery status): the new version
 * replaces the old one by id, unless what is shown already reflects that seq or a later one (a
 * snapshot loaded after the change). A message this timeline does not hold yet is added.
 */
export function updateMessage(timeline: Timeline, message: MessageDTO, seq: number): Timeline {
  return addMessages(timeline, [message], seq)
}

/**
 * A conversation's loaded history. The response reflects every event up to `seq`; `during` holds the
 * events applied while the request was out, which may be newer than the response: they are applied
 * again after it, in order. Each message keeps the newest version seen (see `versions`), so whatever
 * the response and the events both hold shows once, and an old copy never hides a newer status.
 */
export function mergeHistory(
  timeline: Timeline,
  conversationId: Id,
  history: { messages: readonly MessageDTO[]; seq: number },
  during: readonly EventDTO[],
): Timeline {
  let next = addMessages(timeline, history.messages, history.seq)
  const later = during
    .filter((event) => event.conversationId === conversationId && event.seq > history.seq)
    .sort((a, b) => a.seq - b.seq)
  for (const event of later) {
    if (event.type === 'message.created') next = addMessages(next, [event.message], event.seq)
    else if (event.type === 'message.updated') next = updateMessage(next, event.message, event.seq)
  }
  return next
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
