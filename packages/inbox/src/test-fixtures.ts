// Builders for test data; not a test file itself.
import type { AgentConversationDTO, EventDTO, MessageDTO } from '@kefu/protocol'

export function conversation(overrides: Partial<AgentConversationDTO> = {}): AgentConversationDTO {
  return {
    id: 'c1',
    inboxId: 'i1',
    status: 'open',
    priority: 'none',
    assigneeId: null,
    teamId: null,
    subject: null,
    contact: {
      id: 'contact-1',
      name: '王小明',
      email: null,
      phone: null,
      attributes: {},
      createdAt: 500,
    },
    createdAt: 1_000,
    lastActivityAt: 1_000,
    firstResponseAt: null,
    resolvedAt: null,
    lastMessage: null,
    unreadCount: 0,
    ...overrides,
  }
}

export function message(overrides: Partial<MessageDTO> = {}): MessageDTO {
  return {
    id: 'm1',
    conversationId: 'c1',
    direction: 'incoming',
    author: { type: 'contact', id: 'contact-1', name: null },
    text: '你好，我的订单还没到',
    clientId: null,
    createdAt: 2_000,
    seq: 1,
    ...overrides,
  }
}

export function messageEvent(m: MessageDTO, seq = m.seq): EventDTO {
  return {
    seq,
    type: 'message.created',
    conversationId: m.conversationId,
    inboxId: 'i1',
    at: m.createdAt,
    message: m,
  }
}

export function conversationEvent(
  c: AgentConversationDTO,
  seq: number,
  type: 'conversation.created' | 'conversation.updated' = 'conversation.updated',
): EventDTO {
  const { unreadCount: _ignored, ...dto } = c
  return {
    seq,
    type,
    conversationId: c.id,
    inboxId: c.inboxId,
    at: c.lastActivityAt,
    conversation: dto,
  }
}
