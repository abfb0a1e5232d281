import type {
  ActivityDTO,
  ConversationDTO,
  DeliveryDTO,
  MessageDirection,
  MessageDTO,
} from '@kefu/protocol'
import type { Conversation, Message } from '../db/schema.js'

export type ConversationRow = Conversation & {
  contact_name: string | null
  contact_email: string | null
  contact_phone: string | null
  contact_attributes: string | null
  contact_created_at: number
}
export type MessageRow = Message & {
  author_name: string | null
  delivery_status?: string | null
  delivery_error?: string | null
}

export function toConversationDTO(row: ConversationRow): ConversationDTO {
  return {
    id: row.id,
    inboxId: row.inbox_id,
    status: row.status,
    priority: row.priority,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    subject: row.subject,
    contact: {
      id: row.contact_id,
      name: row.contact_name,
      email: row.contact_email,
      phone: row.contact_phone,
      attributes: parseAttributes(row.contact_attributes),
      createdAt: row.contact_created_at,
    },
    createdAt: row.created_at,
    lastActivityAt: row.last_activity_at,
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    lastMessage:
      row.last_message_text !== null && row.last_message_at !== null
        ? {
            text: row.last_message_text,
            direction: (row.last_message_direction ?? 'incoming') as MessageDirection,
            createdAt: row.last_message_at,
          }
        : null,
  }
}

/** A contact's stored attributes as strings by key; anything malformed reads as none. */
export function parseAttributes(raw: string | null | undefined): Record<string, string> {
  if (!raw) return {}
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return {}
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  const attributes: Record<string, string> = {}
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') attributes[key] = v
    else if (typeof v === 'number' || typeof v === 'boolean') attributes[key] = String(v)
  }
  return attributes
}

export function toMessageDTO(row: MessageRow): MessageDTO {
  const dto: MessageDTO = {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    author: { type: row.author_type, id: row.author_id, name: row.author_name },
    text: row.text,
    clientId: row.client_id,
    createdAt: row.created_at,
    seq: row.seq,
  }
  if (row.meta) dto.activity = JSON.parse(row.meta) as ActivityDTO
  if (row.delivery_status) {
    dto.delivery = {
      status: row.delivery_status as DeliveryDTO['status'],
      error: row.delivery_error ?? null,
    }
  }
  return dto
}

/** What a list row previews: the first line of the last visible message, kept short. */
export const previewOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 140)
