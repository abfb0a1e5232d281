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
  conversation_receipts: ConversationReceiptsTable
  messages: MessagesTable
  attachments: AttachmentsTable
  uploads: UploadsTable
  events: EventsTable
  blobs: BlobsTable
  leases: LeasesTable
  email_mailboxes: EmailMailboxesTable
  email_sync_state: EmailSyncStateTable
  email_messages: EmailMessagesTable
  conversation_participants: ConversationParticipantsTable
  email_pending_refs: EmailPendingRefsTable
  email_quarantine: EmailQuarantineTable
  outbox: OutboxTable
  email_continuity: EmailContinuityTable
  widget_identity: WidgetIdentityTable
  conversation_ratings: ConversationRatingsTable
  inbox_hours: InboxHoursTable
}

/** A website inbox's business hours and what its widget does when nobody can answer. */
export interface InboxHoursTable {
  inbox_id: string
  team_name: string | null
  /** IANA time zone; null: the account's. */
  timezone: string | null
  /** 0: always open. */
  enabled: number
  /** JSON: { mon: [{ from: 'HH:MM', to: 'HH:MM' }], … } in the inbox's time zone. */
  weekly: string
  /** JSON: [{ date: 'YYYY-MM-DD', name? }]. */
  holidays: string
  when_unavailable: 'keep-open' | 'offline-form'
  reply_time: 'minutes' | 'hours' | 'day'
  updated_at: number
}

/** The customer's satisfaction rating (CSAT) of a resolved conversation; rating again replaces it. */
export interface ConversationRatingsTable {
  conversation_id: string
  account_id: string
  contact_id: string
  /** 1..5 (a CHECK holds it there). */
  score: number
  /** At most 1000 characters; null when the customer left none. */
  comment: string | null
  created_at: number
  updated_at: number
}

export interface WidgetIdentityTable {
  inbox_id: string
  /** Sealed with a key derived from KEFU_SECRET; shown to admins only. */
  secret: string
  /** 1: visitors must come with a valid signature, unsigned identities are refused. */
  required: number
  updated_at: number
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
  /** JSON object of string values: answers to custom pre-chat fields. Default '{}'. */
  attributes: Generated<string>
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
  /** The language the visitor's browser asked for (en, zh-CN, zh-TW), if Kefu speaks it. */
  locale: Generated<string | null>
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

/** Read receipts, one row per conversation (migration 0009). Seqs are message seqs. */
export interface ConversationReceiptsTable {
  conversation_id: string
  account_id: string
  contact_read_seq: number
  team_read_seq: number
  updated_at: number
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
  /** Blob key; empty when the content was over the size cap and not kept. */
  storage_key: string
  /** Content-ID without brackets, for cid: references from the HTML. */
  content_id: string | null
  inline: number
  created_at: number
}

/** A chat file uploaded by a visitor or an agent; `message_id` is set once a message sends it. */
export interface UploadsTable {
  id: string
  account_id: string
  inbox_id: string
  owner_type: 'visitor' | 'agent'
  /** The visitor's or the agent's id: only they may send it. */
  owner_id: string
  /** Agents upload into one conversation; visitors into their own, whichever it is when sent. */
  conversation_id: string | null
  filename: string
  /** Decided from the bytes, never from the name or the browser's claim. */
  content_type: string
  size: number
  storage_key: string
  message_id: string | null
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
  /** 'public' events may reach the customer; 'agents' events never leave the team; 'verified'
   * ones reach the customer only when they are an identity-verified user (events.ts). */
  audience: 'public' | 'agents' | 'verified'
  payload: string
  created_at: number
}

export interface BlobsTable {
  key: string
  bytes: Buffer
  size: number
  created_at: number
}

/** A named lock with expiry: whoever holds an unexpired lease does the work (one poller per mailbox). */
export interface LeasesTable {
  name: string
  holder: string
  expires_at: number
}

export interface EmailMailboxesTable {
  inbox_id: string
  imap_host: string
  imap_port: number
  imap_tls: number
  imap_user: string
  /** Encrypted with a key derived from KEFU_SECRET (shared/secrets.ts); never leaves the server. */
  imap_password: string
  imap_folder: string
  smtp_host: string
  smtp_port: number
  smtp_tls: number
  smtp_user: string
  smtp_password: string
  from_name: string
  from_address: string
  /** How far back the first sync reaches. */
  sync_days: number
  created_at: number
  updated_at: number
}

export interface EmailSyncStateTable {
  inbox_id: string
  /** The IMAP cursor: UIDs are only meaningful within one UIDVALIDITY (RFC 3501 §2.3.1.1). */
  uidvalidity: number | null
  last_uid: number
  connected: number
  last_sync_at: number | null
  last_error: string | null
  last_error_at: number | null
  updated_at: number
}

export interface EmailMessagesTable {
  message_id: string
  inbox_id: string
  rfc_message_id: string | null
  subject: string | null
  from_address: string | null
  from_name: string | null
  to_json: string
  cc_json: string
  in_reply_to: string | null
  references_json: string
  quoted_text: string | null
  raw_key: string | null
  /** Which threading rule put the mail in its conversation ('in-reply-to', 'references', 'token', 'pending-ref', 'new'). */
  thread_rule: string | null
  is_automatic: number
  automatic_reason: string | null
  date_from_header: number
  sent_at: number | null
}

export interface ConversationParticipantsTable {
  conversation_id: string
  address: string
}

/** References a conversation's mail made that matched nothing yet (mail arrives out of order). */
export interface EmailPendingRefsTable {
  inbox_id: string
  ref_id: string
  conversation_id: string
  created_at: number
}

export interface EmailQuarantineTable {
  id: string
  account_id: string
  inbox_id: string
  uidvalidity: number | null
  uid: number | null
  reason: string
  error: string
  raw_key: string
  created_at: number
  resolved_at: number | null
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'bounced'

export interface OutboxTable {
  id: string
  account_id: string
  inbox_id: string
  message_id: string
  status: OutboxStatus
  attempts: number
  next_attempt_at: number
  last_error: string | null
  /** Chosen once, before the first attempt, so retries and replies thread on the same id. */
  rfc_message_id: string | null
  /** JSON: recipients and subject chosen by the agent. */
  payload: string
  created_at: number
  updated_at: number
}

/** Email continuity: a website conversation whose agent replies are emailed to its visitor. */
export interface EmailContinuityTable {
  conversation_id: string
  account_id: string
  /** When the next email is due; null when nothing waits. */
  due_at: number | null
  /** Agent replies up to this message seq were emailed or seen. */
  covered_seq: Generated<number>
  last_email_at: number | null
  updated_at: number
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
