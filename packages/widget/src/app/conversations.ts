// The visitor's list of their own conversations, as pure data: loaded from the server, then kept
// current by the events of conversations other than the one shown.
import type { Id, MessageDTO, VisitorConversationDTO } from '@kefu/protocol'

export type ConversationList = readonly VisitorConversationDTO[]

/**
 * A message arrived (any conversation of the visitor's): its conversation moves to the top with
 * the new preview, and a reply the visitor did not see counts as unread. Null when the list does
 * not know the conversation: it must be loaded again.
 */
export function noteMessage(
  list: ConversationList,
  message: MessageDTO,
  unseen: boolean,
): ConversationList | null {
  const current = list.find((c) => c.id === message.conversationId)
  if (!current) return null
  const updated: VisitorConversationDTO = {
    ...current,
    // A visitor writing into a resolved conversation reopens it.
    status: message.direction === 'incoming' ? 'open' : current.status,
    lastMessage: {
      // One line in the list: its CSS collapses the whitespace and cuts it with an ellipsis.
      text: message.text || (message.attachments ?? []).map((a) => `📎 ${a.filename}`).join(' '),
      direction: message.direction,
      createdAt: message.createdAt,
    },
    unreadCount: current.unreadCount + (unseen && message.direction === 'outgoing' ? 1 : 0),
  }
  return [updated, ...list.filter((c) => c.id !== message.conversationId)]
}

/** A conversation the team resolved (maybe not the one shown). */
export function resolveInList(list: ConversationList, id: Id): ConversationList {
  return list.map((c) => (c.id === id ? { ...c, status: 'resolved' } : c))
}

/** The visitor has seen everything in this conversation. */
export function markListRead(list: ConversationList, id: Id): ConversationList {
  return list.some((c) => c.id === id && c.unreadCount > 0)
    ? list.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c))
    : list
}

/** Unseen replies in conversations other than the one shown: the list button's badge. */
export function unreadElsewhere(list: ConversationList | null, shown: Id | null): number {
  let count = 0
  for (const c of list ?? []) if (c.id !== shown) count += c.unreadCount
  return count
}
