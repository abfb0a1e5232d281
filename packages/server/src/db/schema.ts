import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

// Times are UTC epoch milliseconds (bigint in PostgreSQL, read back as numbers by db/dialects.ts).
// Public ids are uuidv7 strings. JSON lives in text columns so both databases read it the same way.

export interface Database {
  accounts: AccountsTable
  agents: AgentsTable
  agent_sessions: AgentSessionsTable
  teams: TeamsTable
  team_members: TeamMembersTable
  inboxes: InboxesTable
  inbox_members: InboxMembersTable
  contacts: ContactsTable
  contact_identities: ContactIdentitiesTable
  visitors: VisitorsTable
  conversations: ConversationsTable
  conversation_reads: ConversationReadsTable
  messages: MessagesTable
  attachments: AttachmentsTable
  events: EventsTable
}

export interface AccountsTable {
  id: string
  name: string
  timezone: string
  /** The last event sequence handed out; bumped inside each writing transaction. */
  event_seq: number
  created_at: number
}

export type Role = 'admin' | 'supervisor' | 'agent'
export type AvailabilityValue = 'online' | 'away' | 'offline'

export interface AgentsTable {
  id: string
  account_id: string
  email: string
  name: string
  password_hash: string
  role: Role
  availability: AvailabilityValue
  created_at: number
  updated_at: number
}

export interface AgentSessionsTable {
  /** sha256 of the cookie value. */
  id: string
  agent_id: string
  created_at: number
  last_seen_at: number
  expires_at: number
}

export interface TeamsTable {
  id: string
  account_id: string
  name: string
  created_at: number
}

export interface TeamMembersTable {
  team_id: string
  agent_id: string
}

export interface InboxesTable {
  id: string
  account_id: string
  kind: 'widget' | 'email'
  name: string
  /** Widget inboxes: the token in the embed snippet. Public by design; it grants only a visitor session. */
  public_token: string | null
  settings: string
  created_at: number
  updated_at: number
}

export interface InboxMembersTable {
  inbox_id: string
  agent_id: string
}

export interface ContactsTable {
  id: string
  account_id: string
  name: string | null
  email: string | null
  phone: string | null
  created_at: number
  updated_at: number
}

export interface ContactIdentitiesTable {
  id: string
  account_id: string
  contact_id: string
  kind: 'email' | 'visitor' | 'external'
  value: string
  created_at: number
}

export interface VisitorsTable {
  id: string
  account_id: string
  inbox_id: string
  contact_id: string
  /** sha256 of the visitor's bearer token. */
  token_hash: string
  created_at: number
  last_seen_at: number
}

export type ConversationStatusValue = 'open' | 'pending' | 'snoozed' | 'resolved'
export type PriorityValue = 'none' | 'low' | 'medium' | 'high' | 'urgent'

export interface ConversationsTable {
  id: string
  account_id: string
  inbox_id: string
  contact_id: string
  status: ConversationStatusValue
  priority: PriorityValue
  assignee_id: string | null
  team_id: string | null
  subject: string | null
  created_at: number
  updated_at: number
  last_activity_at: number
  first_response_at: number | null
  resolved_at: number | null
  snoozed_until: number | null
  last_message_text: string | null
  last_message_direction: string | null
  last_message_at: number | null
}

export interface ConversationReadsTable {
  conversation_id: string
  agent_id: string
  last_read_seq: number
}

export type MessageDirectionValue = 'incoming' | 'outgoing' | 'note' | 'activity'

export interface MessagesTable {
  id: string
  account_id: string
  inbox_id: string
  conversation_id: string
  direction: MessageDirectionValue
  author_type: 'contact' | 'agent' | 'system'
  author_id: string | null
  text: string
  html: string | null
  /** JSON: structured facts about an activity line (who assigned whom), so clients can translate it. */
  meta: string | null
  /** Channel-side id (an email's Message-ID); unique per inbox so a redelivery is a no-op. */
  external_id: string | null
  /** Sender-chosen id; unique per author so a resend is a no-op. */
  client_id: string | null
  seq: number
  created_at: number
}

export interface AttachmentsTable {
  id: string
  account_id: string
  message_id: string
  filename: string
  content_type: string
  size: number
  storage_key: string
  created_at: number
}

export interface EventsTable {
  account_id: string
  seq: number
  type: string
  inbox_id: string | null
  conversation_id: string | null
  /** The conversation's contact, so a visitor can ask for their own events. */
  contact_id: string | null
  /** 'public' events may reach the customer; 'agents' events never leave the team. */
  audience: 'public' | 'agents'
  payload: string
  created_at: number
}

export type Agent = Selectable<AgentsTable>
export type Inbox = Selectable<InboxesTable>
export type Contact = Selectable<ContactsTable>
export type Conversation = Selectable<ConversationsTable>
export type Message = Selectable<MessagesTable>
export type NewMessage = Insertable<MessagesTable>
export type ConversationUpdate = Updateable<ConversationsTable>
export type EventRow = Selectable<EventsTable>
export type { Generated }
