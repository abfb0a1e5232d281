// The conversation list as pure data: which conversations exist, which belong in the tab the agent
// is looking at, and how each realtime event changes them. No signals and no I/O here, so every
// rule can be tested as a plain function.
import type {
  AgentConversationDTO,
  ConversationDTO,
  EventDTO,
  Id,
  MessageDTO,
} from '@kefu/protocol'
import { previewText } from './files'

export type View = 'mine' | 'unassigned' | 'all'
export type StatusFilter = 'open' | 'resolved'

export interface ListFilter {
  view: View
  status: StatusFilter
  meId: Id
}

export interface ListState {
  /** Every conversation this session knows about, whatever the tab; the visible list is derived. */
  byId: ReadonlyMap<Id, AgentConversationDTO>
  /**
   * Messages that arrived before their conversation was known (the server may emit
   * `message.created` ahead of `conversation.created`); applied once the conversation appears.
   */
  orphans: ReadonlyMap<Id, readonly MessageDTO[]>
  /** For rows taken from a server response: what that response already reflects (see `RowMark`). */
  marks: ReadonlyMap<Id, RowMark>
}

/**
 * A list or detail response reflects every event up to its `seq` (and maybe some later ones), so
 * events at or before `seq` are already in the row and must not be applied again. A detail response
 * also lists the conversation's messages: those are in its unread count whatever their seq.
 */
export interface RowMark {
  seq: number
  messageIds: ReadonlySet<Id> | null
}

/** Where the agent's attention is, which decides whether a new customer message counts as unread. */
export interface Attention {
  openConversationId: Id | null
  /** The page is visible, so an open conversation is actually being read. */
  visible: boolean
}

export interface ApplyResult {
  state: ListState
  /** The event touched a conversation this session has never loaded; the list should be refetched. */
  unknown: boolean
}

const MAX_ORPHANS = 200

export const emptyList: ListState = { byId: new Map(), orphans: new Map(), marks: new Map() }

export function belongsInList(conversation: ConversationDTO, filter: ListFilter): boolean {
  const resolved = conversation.status === 'resolved'
  if (filter.status === 'open' ? resolved : !resolved) return false
  if (filter.view === 'mine') return conversation.assigneeId === filter.meId
  if (filter.view === 'unassigned') return conversation.assigneeId === null
  return true
}

/** Newest activity first; the id breaks ties so the order never flickers between renders. */
export function compareByActivity(a: ConversationDTO, b: ConversationDTO): number {
  return b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

export function visibleConversations(state: ListState, filter: ListFilter): AgentConversationDTO[] {
  const rows: AgentConversationDTO[] = []
  for (const conversation of state.byId.values()) {
    if (belongsInList(conversation, filter)) rows.push(conversation)
  }
  return rows.sort(compareByActivity)
}

export function upsertConversation(
  state: ListState,
  conversation: AgentConversationDTO,
): ListState {
  const byId = new Map(state.byId)
  byId.set(conversation.id, conversation)
  return { ...state, byId }
}

export function setUnread(state: ListState, conversationId: Id, unreadCount: number): ListState {
  const existing = state.byId.get(conversationId)
  if (!existing || existing.unreadCount === unreadCount) return state
  return upsertConversation(state, { ...existing, unreadCount })
}

/**
 * Applies one event that the sequencer has already let through (so at most once per seq). Events a
 * row's snapshot already reflects are skipped (see `RowMark`).
 */
export function applyEvent(state: ListState, event: EventDTO, attention: Attention): ApplyResult {
  const mark = state.marks.get(event.conversationId)
  if (mark && event.seq <= mark.seq) return { state, unknown: false }

  // A changed message (its delivery status) does not move the list.
  if (event.type === 'message.updated') return { state, unknown: false }
  // Nor do the customer-facing resolution notice and ratings (see ratings.ts), or event types
  // newer than this client: only the ones carrying a conversation or a message change rows.
  if (
    event.type !== 'message.created' &&
    event.type !== 'conversation.created' &&
    event.type !== 'conversation.updated'
  ) {
    return { state, unknown: false }
  }

  if (event.type === 'message.created') {
    const existing = state.byId.get(event.conversationId)
    if (!existing) return { state: stashOrphan(state, event.message), unknown: true }
    const counted = mark?.messageIds?.has(event.message.id) ?? false
    const next = applyMessage(existing, event.message, attention, counted)
    return { state: upsertConversation(state, next), unknown: false }
  }

  const existing = state.byId.get(event.conversationId)
  // The event carries the whole conversation, but without the per-agent unread count.
  let next: AgentConversationDTO = {
    ...event.conversation,
    unreadCount: existing?.unreadCount ?? 0,
  }
  const orphans = state.orphans.get(event.conversationId)
  let orphansLeft = state.orphans
  if (!existing && orphans) {
    // Stashed messages were never counted, even if the conversation's preview already shows one.
    for (const message of orphans) next = applyMessage(next, message, attention, false)
    const copy = new Map(state.orphans)
    copy.delete(event.conversationId)
    orphansLeft = copy
  }
  const byId = new Map(state.byId)
  byId.set(next.id, next)
  return {
    state: { ...state, byId, orphans: orphansLeft },
    // A brand-new conversation is complete as it is; an update to one never seen means the server
    // knows an unread count that this session does not.
    unknown: !existing && event.type === 'conversation.updated',
  }
}

/** `counted`: the row's unread count already includes this message (its snapshot listed it). */
function applyMessage(
  conversation: AgentConversationDTO,
  message: MessageDTO,
  attention: Attention,
  counted: boolean,
): AgentConversationDTO {
  const previous = conversation.lastMessage
  const visible = message.direction === 'incoming' || message.direction === 'outgoing'
  // The preview shows the newest message; an older one never replaces it.
  const older = previous !== null && previous.createdAt > message.createdAt
  const beingRead = attention.openConversationId === conversation.id && attention.visible === true
  const unread =
    message.direction === 'incoming' && !beingRead && !counted
      ? conversation.unreadCount + 1
      : conversation.unreadCount
  return {
    ...conversation,
    unreadCount: unread,
    lastActivityAt: Math.max(conversation.lastActivityAt, message.createdAt),
    lastMessage:
      visible && !older
        ? { text: previewText(message), direction: message.direction, createdAt: message.createdAt }
        : previous,
  }
}

function stashOrphan(state: ListState, message: MessageDTO): ListState {
  const orphans = new Map(state.orphans)
  const list = orphans.get(message.conversationId) ?? []
  if (list.some((m) => m.id === message.id)) return state
  orphans.set(message.conversationId, [...list, message])
  // Orphans belong to conversations outside every loaded tab; keep only the newest few.
  while (orphans.size > MAX_ORPHANS) {
    const oldest = orphans.keys().next().value
    if (oldest === undefined) break
    orphans.delete(oldest)
  }
  return { ...state, orphans }
}

/**
 * Merges a server response into the known conversations: a list page, or one conversation's detail.
 * The response reflects every event up to `seq`; `during` holds the events applied while the
 * request was out. Rows from the response replace the known ones and get `seq` as their mark, then
 * the events after `seq` are applied to them again, skipping messages the response already holds
 * (`messageIds`, detail responses only). Rows not in the response already have those events.
 */
export function mergeSnapshot(
  state: ListState,
  snapshot: {
    conversations: readonly AgentConversationDTO[]
    seq: number
    messageIds?: Iterable<Id>
  },
  during: readonly EventDTO[],
  attention: Attention,
): ListState {
  const byId = new Map(state.byId)
  const orphans = new Map(state.orphans)
  const marks = new Map(state.marks)
  const mark: RowMark = {
    seq: snapshot.seq,
    messageIds: snapshot.messageIds ? new Set(snapshot.messageIds) : null,
  }
  const fresh = new Set<Id>()
  for (const conversation of snapshot.conversations) {
    byId.set(conversation.id, conversation)
    marks.set(conversation.id, mark)
    fresh.add(conversation.id)
    // Stashed messages are either reflected (seq ≤ mark) or among `during`, applied below.
    orphans.delete(conversation.id)
  }
  let next: ListState = { byId, orphans, marks }
  const later = during
    .filter((event) => event.seq > snapshot.seq && fresh.has(event.conversationId))
    .sort((a, b) => a.seq - b.seq)
  for (const event of later) next = applyEvent(next, event, attention).state
  return next
}
