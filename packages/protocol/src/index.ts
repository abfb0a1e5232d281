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
  /**
   * Email continuity: agent replies a visitor who left (and gave an email) did not see are
   * emailed from this email inbox of the same account, batched, and the visitor's answer comes
   * back into the chat. Absent or null: off. Admins set it; agents see it, visitors never.
   */
  emailContinuity?: EmailContinuitySettings | null
  /** What visitors and agents may attach in chat; absent means the defaults (10 MB; every kind). */
  files?: FileSettings
  /** How the widget draws attention to a new reply while it is closed or the page is hidden. */
  notify?: NotifySettings
}

export interface NotifySettings {
  /** A short tone (the visitor can still mute it in the widget); default on. */
  sound?: boolean
}

export interface EmailContinuitySettings {
  /** An email inbox (kind 'email') of the same account; PUT settings refuses anything else. */
  emailInboxId: Id
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
  /** Files sent with the message (chat uploads, email attachments); absent when none. */
  attachments?: AttachmentDTO[]
}

/** Kinds of file an inbox may accept; the kind is decided from the file's bytes, not its name. */
export type FileKind = 'image' | 'pdf' | 'office' | 'text' | 'zip'

export interface FileSettings {
  /** Largest accepted file in bytes; at most 25 MB (26214400), default 10 MB. */
  maxBytes?: number
  /** Default: every kind. image = png, jpeg, gif, webp; office = Word, Excel, PowerPoint
   * (OOXML and the older binary formats), OpenDocument; text = plain text and CSV. */
  allowedTypes?: FileKind[]
}

/** A file attached to a message. */
export interface AttachmentDTO {
  id: Id
  filename: string
  contentType: string
  size: number
  /** A png, jpeg, gif or webp whose bytes match: shown inline as a preview. */
  image: boolean
  /**
   * Path on the Kefu server (`/files/<id>?exp=…&sig=…`), signed and expiring (a day or so);
   * every fetch of messages hands out fresh ones. null when the content was not kept.
   */
  url: string | null
}

/** POST /api/widget/attachments and POST /api/conversations/:id/attachments answer this. */
export interface UploadDTO {
  id: Id
  filename: string
  contentType: string
  size: number
  image: boolean
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
  /**
   * Read receipt: the seq of the team's last reply the customer has seen (0: none). The agent
   * shows "Seen" under that reply; `conversation.read` events with reader 'contact' move it.
   */
  contactReadSeq: number
}

/** One of the visitor's own conversations, as the widget lists them (GET /api/widget/conversations). */
export interface VisitorConversationDTO {
  id: Id
  status: ConversationStatus
  createdAt: Millis
  /** The last message the visitor can see; the list is ordered by it, newest first. */
  lastMessage: { text: string; direction: MessageDirection; createdAt: Millis } | null
  /** The team's replies the visitor has not seen yet. */
  unreadCount: number
}

export type ActivityDTO =
  | { kind: 'assigned'; actorName: string | null; assigneeName: string }
  | { kind: 'unassigned'; actorName: string | null }
  | { kind: 'resolved' | 'reopened'; actorName: string | null }
  /** Agent replies the visitor had not seen were emailed to them (email continuity); the line's
   * `delivery` tells how the email fares. */
  | { kind: 'emailed'; actorName: null; to: string; count: number }

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
  | {
      seq: number
      /**
       * A read receipt moved forward (it never moves back): everything up to `readSeq` (a message's
       * seq) has been seen. reader 'contact': the customer saw the team's replies, for agents only
       * (they show "Seen"). reader 'team': an agent read the customer's messages, public (the widget
       * shows "Read" under the customer's own message); it names no agent.
       */
      type: 'conversation.read'
      conversationId: Id
      inboxId: Id
      at: Millis
      reader: 'contact' | 'team'
      readSeq: number
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
// PUT  /api/inboxes/:id/settings (admin) WidgetSettings (replaces them all) → InboxDTO; an
//                                      emailContinuity naming anything but an email inbox of the
//                                      account → 400 inbox.continuity_invalid
// GET  /api/conversations?view=mine|unassigned|all&status=open|resolved&inboxId=
//                                      → { conversations: AgentConversationDTO[], seq } newest activity first
// GET  /api/conversations/:id          → { conversation: AgentConversationDetailDTO, messages: MessageDTO[], seq }
//                                      `seq`: the response reflects every event up to it (maybe some later
//                                      ones too); apply events after it, skipping what you already have.
// POST /api/conversations/:id/messages { clientId, text, private?: boolean, attachmentIds?: Id[] } → MessageDTO
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
// POST /api/conversations/:id/attachments multipart/form-data with one `file` → 201 UploadDTO
//                                      (413 file.too_large, 415 file.type_not_allowed, by the
//                                      inbox's FileSettings; details.reason 'mismatch' when the
//                                      bytes are not what the name says). Send it with
//                                      `attachmentIds` on POST /api/conversations/:id/messages
//                                      (in that conversation only; text may then be empty).
//                                      An id that is not the caller's own unsent upload: 400
//                                      attachment.invalid.
// GET  /files/:id?exp=&sig=            a message's file (the AttachmentDTO url; no cookie or token
//                                      needed, the signature is the permission). 403
//                                      file.link_expired, 404 file.not_found when tampered.
//                                      Inline only for png/jpeg/gif/webp whose bytes match,
//                                      otherwise a download; nosniff, CSP sandbox, private cache.
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
// GET  /api/widget/messages?conversationId=
//                                      → { conversation: ConversationDTO | null, messages: MessageDTO[],
//                                        teamReadSeq } (without conversationId: the latest one)
// POST /api/widget/attachments        multipart/form-data with one `file` → 201 UploadDTO; the
//                                      upload is this visitor's, to send in their own conversation
//                                      (413 file.too_large, 415 file.type_not_allowed: the inbox's
//                                      WidgetConfig.inbox.files; details.reason 'mismatch' when the
//                                      bytes are not what the name says)
// POST /api/widget/messages            { clientId, text, conversationId?, new?: true, attachmentIds? }
//                                      → MessageDTO (text may be empty when attachmentIds are given;
//                                      an id that is not this visitor's unsent upload: 400
//                                      attachment.invalid)
//                                      Without either, the visitor's latest conversation continues (the
//                                      first of GET /api/widget/conversations, the one GET messages and
//                                      the session open; the first message opens one); `conversationId` writes into that one
//                                      of the visitor's own (reopening it if resolved), `new: true`
//                                      opens another. Someone else's id: 404 conversation.not_found.
// GET  /api/widget/conversations       → { conversations: VisitorConversationDTO[] } the visitor's own in
//                                      this inbox, latest message first (at most 50)
// POST /api/widget/read                { conversationId, seq } → { readSeq } read receipt: the visitor
//                                      saw the team's replies up to `seq` while the widget was open and
//                                      the page visible (the socket frame `read` does the same). It
//                                      never moves back; agents learn of it by `conversation.read`.
// GET  /api/widget/events?since=N      → EventsPage (only this visitor's conversations, never notes)
//
// Email in a website chat (email continuity): a message that arrived by email in the visitor's
// conversation (their answer to a continuity email) is shown to the visitor — in messages, the
// session, identify, events, the socket and their list's previews and order — only when the
// visitor is an identity-verified user (a signed identify()). Agents always see it. An unverified
// visitor typed that address and nobody checked it, so they see only the agents' replies; their
// emailed answers are the team's. Email is taken into a website chat only from its contact's
// current email address; nobody else an email names (To, Cc) takes part in the chat.
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
    /** What the visitor may attach (checked again by the server). */
    files: { maxBytes: number; allowedTypes: FileKind[] }
    /** Play a tone for a reply while the widget is closed or hidden (the visitor may mute it). */
    sound: boolean
  }
  /** Same as `availability.canAnswer`: someone can answer now. */
  agentsOnline: boolean
  availability: WidgetAvailability
}

// ---------- availability and business hours ----------
//
// GET  /api/inboxes/:id/hours (admin)  → { hours: InboxHoursDTO, accountTimezone: string }
// PUT  /api/inboxes/:id/hours (admin)  InboxHoursDTO → same as GET (400 request.invalid with
//                                      details.issues: bad "HH:MM", unknown time zone, bad date,
//                                      more than 6 intervals a day or 100 holidays)
// POST /api/widget/offline             { clientId, email, name?, text } → 201 { message: MessageDTO }
//                                      The offline form: the email (and name) go on the visitor's
//                                      own contact, exactly like the pre-chat form (never another
//                                      contact, never a verified user's), and the text opens or
//                                      continues the visitor's latest conversation. 400
//                                      request.invalid with details.issues at path email | name |
//                                      text. A resend with the same clientId answers 200 with the
//                                      stored message and changes nothing, the contact included.
//
// An agent counts as available for an inbox only when they are a member of it, set `online`, and
// have at least one connected inbox socket. A visitor socket hears `{ type: 'availability' }`
// with the inbox's new WidgetAvailability whenever that changes.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
/** What the widget promises while nobody can answer: keep chatting, or an offline form. */
export type WhenUnavailable = 'keep-open' | 'offline-form'
/** The reply time the widget announces: "in a few minutes / hours / a day". */
export type ReplyTime = 'minutes' | 'hours' | 'day'

/**
 * Local wall-clock times "HH:MM" in the inbox's time zone; `to` may be "24:00", and a `to` not
 * after `from` runs past midnight into the next day (22:00–02:00).
 */
export interface HoursInterval {
  from: string
  to: string
}

export interface Holiday {
  /** A local date, YYYY-MM-DD: closed all day (intervals of the day before still run out). */
  date: string
  name?: string
}

export interface InboxHoursDTO {
  /** Shown in the widget's header instead of the inbox name. */
  teamName: string | null
  /** IANA time zone; null: the account's. */
  timezone: string | null
  /** false: always open (then only agents' availability counts). */
  enabled: boolean
  /** At most 6 intervals a day; a missing or empty day is closed. */
  weekly: Partial<Record<Weekday, HoursInterval[]>>
  /** At most 100. */
  holidays: Holiday[]
  whenUnavailable: WhenUnavailable
  replyTime: ReplyTime
}

export interface WidgetAgentAvatar {
  /** The agent's display name (never an email). */
  name: string
  initials: string
  /** A CSS colour chosen from the agent's id. */
  color: string
}

export interface WidgetAvailability {
  teamName: string | null
  /** Up to 3 agents who can answer now. */
  agents: WidgetAgentAvatar[]
  canAnswer: boolean
  /** Why nobody can answer (null when someone can). */
  reason: 'no-agents' | 'out-of-hours' | null
  /** Out of hours: when the next opening starts, if one is within a year. */
  backAt: Millis | null
  replyTime: ReplyTime
  whenUnavailable: WhenUnavailable
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
  /** Read receipt: the seq of the visitor's last message the team has read (0: none). */
  teamReadSeq: number
  /** Apply events after this seq. */
  seq: number
}

export type VisitorClientFrame =
  | { type: 'auth'; visitorToken: string }
  /** conversationId / new: as in POST /api/widget/messages. */
  | {
      type: 'message'
      clientId: string
      text: string
      conversationId?: Id
      new?: true
      /** The visitor's own unsent uploads; text may then be empty. */
      attachmentIds?: Id[]
    }
  | { type: 'typing'; typing: boolean; conversationId?: Id }
  /** Read receipt, as POST /api/widget/read; answered only by a `conversation.read` event. */
  | { type: 'read'; conversationId: Id; seq: number }
  | { type: 'ping' }

export type VisitorServerFrame =
  | { type: 'ready'; seq: number }
  | { type: 'event'; event: EventDTO }
  | { type: 'ack'; clientId: string; message: MessageDTO }
  /** conversationId: which of the visitor's conversations the agent is typing in. */
  | { type: 'typing'; typing: boolean; agentName: string | null; conversationId?: Id }
  | { type: 'availability'; availability: WidgetAvailability }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; clientId?: string }

/** Longest message text accepted from anyone, in characters. */
export type MaxMessageLength = 10_000
