// The wire contract between the Kefu server, the widget and the inbox.
// Types only: nothing here exists at run time, so every package may import it with `import type`.
//
// HTTP
//   Every error body is `ErrorBody`; the status follows the code (see server shared/errors.ts).
//   Agent routes authenticate with the httpOnly `kefu_session` cookie; writes must come from the
//   server's own origin (Origin header check). Visitor routes authenticate with
//   `Authorization: Bearer <visitorToken>`.
//
// Realtime
//   Every stored change is an `EventDTO` with a per-account monotonic `seq`. A socket pushes
//   events live; a client that (re)connects fetches `GET …/events?since=<last seq it applied>`
//   over HTTP and applies what it missed. Clients apply an event at most once (by seq) and keep
//   messages keyed by id, ordered by `seq`, so replays and races never show a message twice.
//   A client skips event types it does not know (the list below grows), still counting their seq.

export type Id = string
/** UTC epoch milliseconds. */
export type Millis = number

export type Locale = 'en' | 'zh-CN' | 'zh-TW'

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}

// ---------- domain DTOs ----------

export type AgentRole = 'admin' | 'supervisor' | 'agent'
export type Availability = 'online' | 'away' | 'offline'

export interface AgentDTO {
  id: Id
  email: string
  name: string
  role: AgentRole
  availability: Availability
}

export interface AccountDTO {
  id: Id
  name: string
  timezone: string
}

export type InboxKind = 'widget' | 'email'

export interface InboxDTO {
  id: Id
  kind: InboxKind
  name: string
  /** Widget inboxes: the public token used in the embed snippet (`data-inbox`). */
  publicToken: string | null
  settings: WidgetSettings
}

export interface WidgetSettings {
  greeting?: string
  color?: string
  position?: 'left' | 'right'
  launcherText?: string
  /** Default locale; visitors' browsers decide when absent. */
  locale?: Locale
  /** Origins allowed to embed the widget; empty or absent means any. */
  allowedOrigins?: string[]
  /** Asked of each visitor before their first message; absent or no fields means no form. */
  preChat?: PreChatSettings
}

/** At most this many fields in a pre-chat form. */
export type MaxPreChatFields = 10
/** At most this many characters in one pre-chat answer. */
export type MaxPreChatValue = 200

export interface PreChatSettings {
  /** At most 10, keys unique. */
  fields: PreChatField[]
}

export interface PreChatField {
  /**
   * name, email and phone fill the contact's own fields; any other key (/^[a-z][a-z0-9_]{0,31}$/)
   * is kept in the contact's attributes.
   */
  key: 'name' | 'email' | 'phone' | (string & {})
  type: 'text' | 'email' | 'tel'
  required: boolean
  /** Per locale; the widget falls back to en, then to the key. */
  label?: Partial<Record<Locale, string>>
}

export interface ContactDTO {
  id: Id
  name: string | null
  email: string | null
  phone: string | null
  /** Answers to custom pre-chat fields, by field key. */
  attributes: Record<string, string>
  createdAt: Millis
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved'
export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent'

export interface ConversationDTO {
  id: Id
  inboxId: Id
  status: ConversationStatus
  priority: Priority
  assigneeId: Id | null
  teamId: Id | null
  subject: string | null
  contact: ContactDTO
  createdAt: Millis
  lastActivityAt: Millis
  firstResponseAt: Millis | null
  resolvedAt: Millis | null
  /** Preview of the last visible (non-note, non-activity) message. */
  lastMessage: { text: string; direction: MessageDirection; createdAt: Millis } | null
}

/** Agent view only: how many customer messages the signed-in agent has not read. */
export interface AgentConversationDTO extends ConversationDTO {
  unreadCount: number
}

/** incoming = from the customer; outgoing = an agent's reply; note = internal, agents only; activity = system line. */
export type MessageDirection = 'incoming' | 'outgoing' | 'note' | 'activity'

export interface MessageAuthor {
  type: 'contact' | 'agent' | 'system'
  id: Id | null
  name: string | null
}

export interface MessageDTO {
  id: Id
  conversationId: Id
  direction: MessageDirection
  author: MessageAuthor
  text: string
  /** Sender-chosen id; resending the same clientId returns the stored message instead of a copy. */
  clientId: string | null
  createdAt: Millis
  /** The event sequence at which this message was stored; order timelines by it. */
  seq: number
  /** Activity lines only: what happened, so clients can show it in their own language. */
  activity?: ActivityDTO
  /** Replies a channel delivers (email): where the delivery stands. Agents only. */
  delivery?: DeliveryDTO
}

export interface DeliveryDTO {
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'bounced'
  error: string | null
}

/** A customer's satisfaction rating (CSAT) of a resolved conversation; one per conversation. */
export interface RatingDTO {
  /** 1 (very unsatisfied) … 5 (very satisfied). */
  score: number
  comment: string | null
  /** When the customer last rated it (a second rating replaces the first). */
  ratedAt: Millis
}

/** Agent view of one conversation (GET /api/conversations/:id): with the customer's rating. */
export interface AgentConversationDetailDTO extends AgentConversationDTO {
  rating: RatingDTO | null
}

export type ActivityDTO =
  | { kind: 'assigned'; actorName: string | null; assigneeName: string }
  | { kind: 'unassigned'; actorName: string | null }
  | { kind: 'resolved' | 'reopened'; actorName: string | null }

// ---------- events ----------

export type EventDTO =
  | {
      seq: number
      type: 'message.created'
      conversationId: Id
      inboxId: Id
      at: Millis
      message: MessageDTO
    }
  | {
      seq: number
      /** A stored message changed (its delivery status): replace it by id. Agents only. */
      type: 'message.updated'
      conversationId: Id
      inboxId: Id
      at: Millis
      message: MessageDTO
    }
  | {
      seq: number
      type: 'conversation.created' | 'conversation.updated'
      conversationId: Id
      inboxId: Id
      at: Millis
      conversation: ConversationDTO
    }
  | {
      seq: number
      /**
       * The team resolved the conversation. Public (agents get it too, beside the agents-only
       * `conversation.updated`): it carries nothing internal, and tells the widget to ask the
       * customer for a rating. A later message in the conversation means it moved on.
       */
      type: 'conversation.resolved'
      conversationId: Id
      inboxId: Id
      at: Millis
    }
  | {
      seq: number
      /** The customer rated the conversation (or changed their rating): replace it. Agents only. */
      type: 'conversation.rated'
      conversationId: Id
      inboxId: Id
      at: Millis
      rating: RatingDTO
    }

export interface EventsPage {
  events: EventDTO[]
  /** The newest seq the caller may now consider applied (≥ the last event's seq). */
  seq: number
  /** True when more events remain after this page; ask again with since = seq. */
  more: boolean
}

// ---------- agent HTTP API (cookie) ----------
//
// GET  /api/setup                      → { needsSetup: boolean }
// POST /api/setup                      { token, accountName, name, email, password } → MeResponse (signs in)
// POST /api/auth/login                 { email, password } → MeResponse
// POST /api/auth/logout                → 204
// GET  /api/auth/me                    → MeResponse
// POST /api/auth/password              { currentPassword, newPassword } → 204 (other sessions revoked)
// PUT  /api/auth/availability          { availability } → AgentDTO
// GET  /api/agents                     → { agents: AgentDTO[] }
// POST /api/agents (admin)             { email, name, role, password } → AgentDTO
// GET  /api/inboxes                    → { inboxes: InboxDTO[] }   (only the caller's inboxes)
// POST /api/inboxes (admin)            { kind: 'widget', name, settings? } → InboxDTO
// PUT  /api/inboxes/:id/members (admin){ agentIds: Id[] } → 204
// GET  /api/conversations?view=mine|unassigned|all&status=open|resolved&inboxId=
//                                      → { conversations: AgentConversationDTO[], seq } newest activity first
// GET  /api/conversations/:id          → { conversation: AgentConversationDetailDTO, messages: MessageDTO[], seq }
//                                      `seq`: the response reflects every event up to it (maybe some later
//                                      ones too); apply events after it, skipping what you already have.
// POST /api/conversations/:id/messages { clientId, text, private?: boolean } → MessageDTO
//                                      (private: true makes an internal note)
// POST /api/conversations/:id/assign   { assigneeId: Id | null } → AgentConversationDTO
// POST /api/conversations/:id/status   { status: 'open' | 'resolved' | 'pending' } → AgentConversationDTO
// POST /api/conversations/:id/read     → 204 (marks everything read for the caller)
// GET  /api/events?since=N             → EventsPage (only events of the caller's inboxes)
// WS   /api/agent/ws                   cookie-authenticated; frames below

// ---------- email inboxes (agent HTTP API, cookie) ----------
//
// POST /api/inboxes/email (admin)       { name, mailbox: MailboxSettings } → { inbox: InboxDTO, mailbox: MailboxDTO }
// GET  /api/inboxes/:id/mailbox (admin) → MailboxDTO (passwords are never returned)
// PUT  /api/inboxes/:id/mailbox (admin) MailboxSettings (omit a password to keep it) → MailboxDTO
// POST /api/inboxes/:id/mailbox/test (admin) MailboxSettings? (none: the stored ones) → ConnectionTestDTO
// GET  /api/inboxes/:id/health          → MailboxHealthDTO
// GET  /api/inboxes/:id/quarantine (admin) → { items: QuarantineItemDTO[] }
// POST /api/inboxes/:id/quarantine/:qid/reprocess (admin) → { status, conversationId, … }
// GET  /api/messages/:id/email          → EmailDetailsDTO (404 for messages that are not email)
// GET  /api/attachments/:id             → the file, as a download
// POST /api/conversations/email         { inboxId, clientId, to, name?, cc?, bcc?, subject, text }
//                                       → { conversationId, message } (a new outbound email conversation)
// POST /api/conversations/:id/messages  in an email conversation also takes
//                                       email?: { to?: string[], cc?: string[], bcc?: string[] }
//                                       (default To: the contact's address); the reply's `delivery`
//                                       then moves pending → sent | failed, announced by message.updated
// POST /api/conversations/:id/messages/:messageId/retry → 202 (only failed or bounced deliveries)

export interface MailboxSettings {
  imap: {
    host: string
    port: number
    tls: boolean
    user: string
    password?: string
    folder?: string
  }
  smtp: { host: string; port: number; tls: boolean; user: string; password?: string }
  fromName: string
  fromAddress: string
  /** How many days back the first sync reaches (0: only new mail). */
  syncDays?: number
}

export interface MailboxDTO {
  imap: {
    host: string
    port: number
    tls: boolean
    user: string
    folder: string
    passwordSet: true
  }
  smtp: { host: string; port: number; tls: boolean; user: string; passwordSet: true }
  fromName: string
  fromAddress: string
  syncDays: number
}

export interface ConnectionTestDTO {
  imap: { ok: boolean; error: string | null }
  smtp: { ok: boolean; error: string | null }
}

export interface MailboxHealthDTO {
  connected: boolean
  lastSyncAt: Millis | null
  lagMs: number | null
  lastError: string | null
  lastErrorAt: Millis | null
  quarantined: number
}

export interface QuarantineItemDTO {
  id: Id
  uid: number | null
  reason: string
  error: string
  createdAt: Millis
  resolvedAt: Millis | null
}

export interface EmailAddressDTO {
  name: string
  address: string
}

export interface EmailDetailsDTO {
  subject: string | null
  from: EmailAddressDTO | null
  to: EmailAddressDTO[]
  cc: EmailAddressDTO[]
  /** The quoted history cut from the message's text (the message's `text` is the new part). */
  quotedText: string | null
  /** Sanitized HTML: no scripts, remote images moved to data-kefu-src until the agent loads them.
   * Show it only inside a sandboxed iframe (sandbox without allow-scripts/allow-same-origin). */
  html: string | null
  remoteImages: number
  /** Which rule threaded it: 'in-reply-to' | 'references' | 'token' | 'pending-ref' | 'new' (null for sent mail). */
  threadRule: string | null
  isAutomatic: boolean
  automaticReason: string | null
  /** false when the Date header was unreadable and the arrival time stands in. */
  dateFromHeader: boolean
  sentAt: Millis | null
  /** Download with GET /api/attachments/:id (agents; always served as a download). */
  attachments: {
    id: Id
    filename: string
    contentType: string
    size: number
    inline: boolean
    available: boolean
  }[]
}

export interface MeResponse {
  agent: AgentDTO
  account: AccountDTO
}

export type AgentClientFrame =
  | { type: 'typing'; conversationId: Id; typing: boolean }
  | { type: 'viewing'; conversationId: Id | null }
  | { type: 'ping' }

/** `ready.seq` is the account's newest event seq when the socket was accepted. */
export type AgentServerFrame =
  | { type: 'ready'; seq: number }
  | { type: 'event'; event: EventDTO }
  | {
      type: 'typing'
      conversationId: Id
      actor: 'contact' | 'agent'
      agentId: Id | null
      typing: boolean
    }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string }

// ---------- visitor (widget) API (bearer visitor token) ----------
//
// GET  /widget.js                      the loader (one tag: <script src=… data-inbox=TOKEN async>)
// GET  /widget/frame?inbox=TOKEN       the iframe page running the widget app
// GET  /api/widget/config?inbox=TOKEN  → WidgetConfig
// POST /api/widget/session             { inbox: TOKEN, visitorToken?: string } → WidgetSession
//                                      (an unknown or missing visitorToken gets a new visitor)
// GET  /api/widget/messages            → { conversation: ConversationDTO | null, messages: MessageDTO[] }
// POST /api/widget/messages            { clientId, text } → MessageDTO (first message opens the conversation)
// GET  /api/widget/events?since=N      → EventsPage (only this visitor's conversations, never notes)
// POST /api/widget/rating              { conversationId, score: 1..5, comment?: string | null }
//                                      → RatingDTO. Only the visitor's own conversation in this
//                                      inbox (else 404 conversation.not_found), once resolved
//                                      (else 409 conversation.not_resolved); comment ≤ 1000
//                                      characters, blank means none. Rating again replaces the
//                                      rating; agents learn of it by a `conversation.rated` event.
// POST /api/widget/profile             { fields: Record<string, string> } → { ok: true }
//                                      The visitor's answers to the inbox's pre-chat form: 400
//                                      request.invalid (details.issues, path `fields.<key>`) when a
//                                      required one is missing, a value is malformed or longer than
//                                      200 characters, or a key is not in the form. name, email and
//                                      phone go on the visitor's own contact (never another one, and
//                                      name and email not on a verified user's), other keys into
//                                      its attributes.
// POST /api/widget/identify            VisitorIdentity → { verified, conversation, messages }
//                                      (a signed id joins that user's contact and history; a wrong
//                                      signature, or none where the inbox enforces it: 403)
// GET  /api/widget/config is public (Access-Control-Allow-Origin: *) so the loader may read it.
// WS   /api/widget/ws                  first frame must be { type: 'auth', visitorToken }; an unknown
//                                      token (or none within 10 s) closes the socket with code 4401,
//                                      after which the widget starts a new session.
//
// Both sockets: the server pings every 30 s; a client may send { type: 'ping' } and gets 'pong'.
// An agent socket whose session ended (logout, password change) is closed with code 4401.

export interface WidgetConfig {
  inbox: {
    name: string
    greeting: string | null
    color: string
    position: 'left' | 'right'
    launcherText: string | null
    locale: Locale | null
    /** The pre-chat form's fields; empty means no form. */
    preChat: PreChatField[]
  }
  agentsOnline: boolean
}

/** What a host page passes to Kefu.identify(): its user id, signed by its backend. */
export interface VisitorIdentity {
  id: string
  email?: string
  name?: string
  /** hex HMAC-SHA256 of `id` with the inbox's identity secret */
  hash?: string
  /** or an HS256 JWT signed with that secret, with sub = id and exp */
  token?: string
}

export interface WidgetSession {
  visitorToken: string
  visitorId: Id
  conversation: ConversationDTO | null
  messages: MessageDTO[]
  /** Apply events after this seq. */
  seq: number
}

export type VisitorClientFrame =
  | { type: 'auth'; visitorToken: string }
  | { type: 'message'; clientId: string; text: string }
  | { type: 'typing'; typing: boolean }
  | { type: 'ping' }

export type VisitorServerFrame =
  | { type: 'ready'; seq: number }
  | { type: 'event'; event: EventDTO }
  | { type: 'ack'; clientId: string; message: MessageDTO }
  | { type: 'typing'; typing: boolean; agentName: string | null }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; clientId?: string }

/** Longest message text accepted from anyone, in characters. */
export type MaxMessageLength = 10_000
