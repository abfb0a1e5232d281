// The visitor's chat session: the socket with its reconnects and catch-up, the outbox with its
// ack timeouts and HTTP fallback, typing and unread counting. The UI only reads snapshots and
// calls the public methods; the timeline rules live in ./timeline.
import type {
  AttachmentDTO,
  EventDTO,
  Locale,
  MaxMessageLength,
  MessageDTO,
  PreChatField,
  UploadDTO,
  VisitorClientFrame,
  VisitorIdentity,
  VisitorServerFrame,
  WidgetAvailability,
  WidgetConfig,
  WidgetSession,
} from '@kefu/protocol'
import { ApiError, type MessageDraft, type WidgetApi } from './api'
import {
  ALWAYS_AVAILABLE,
  type OfflineErrors,
  type OfflineValues,
  offlineMode,
  serverOfflineErrors,
} from './away'
import {
  type ConversationList,
  markListRead,
  noteMessage,
  resolveInList,
  unreadElsewhere,
} from './conversations'
import {
  type Csat,
  csatShown,
  isScore,
  offerRating,
  type Rating,
  ratingFailed,
  ratingSending,
  ratingSent,
} from './csat'
import { attachmentIds } from './files'
import { type PreChatErrors, serverPreChatErrors } from './prechat'
import {
  addPending,
  advanceCursor,
  applyEvent,
  clearMessages,
  confirmMessage,
  createTimeline,
  dropPending,
  findPending,
  hasMessage,
  isVisibleDirection,
  lastReplySeq,
  listMessages,
  setPendingState,
  skipEvent,
  type Timeline,
  type TimelineMessage,
  timelineFromHistory,
  wantsEvent,
} from './timeline'

export const MAX_MESSAGE_LENGTH: MaxMessageLength = 10_000

/** No ack within this long and the message goes again over HTTP, under the same clientId. */
export const ACK_TIMEOUT_MS = 8_000
const TYPING_IDLE_MS = 3_000
/** While the visitor keeps typing, `typing: true` is repeated this often so it does not expire. */
const TYPING_REFRESH_MS = 3_000
const AGENT_TYPING_TTL_MS = 6_000
const HEARTBEAT_MS = 25_000
const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 10_000

export type ConnectionState = 'connecting' | 'online' | 'offline'
export type Phase = 'loading' | 'ready' | 'unavailable'

export interface ChatSnapshot {
  phase: Phase
  config: WidgetConfig | null
  connection: ConnectionState
  messages: TimelineMessage[]
  /** Set while an agent is typing; `name` may be unknown. */
  agentTyping: { name: string | null } | null
  /** From the config, and true as soon as an agent types or replies live. */
  agentsOnline: boolean
  unread: number
  /** The rating card for the resolved conversation, while it is shown. */
  csat: Csat | null
  /** Set by the host page's Kefu.setLocale(); wins over the inbox's and the browser's. */
  locale: Locale | null
  /** The pre-chat form to show instead of the composer, while this visitor still owes it. */
  preChat: PreChatField[] | null
  /** 'list': the visitor's conversations, in place of the chat. */
  view: 'chat' | 'list'
  /** The visitor's own conversations, newest first, once loaded (for the list). */
  conversations: ConversationList | null
  /** Unseen replies in the visitor's other conversations: the list button's badge. */
  unreadElsewhere: number
  /** Read receipt: the team has read the visitor's messages up to this seq. */
  readSeq: number
  /** The visitor muted the reply tone in this browser. */
  muted: boolean
  /** Who can answer now, kept current by the server's `availability` frames. */
  availability: WidgetAvailability
  /** An agent typed or replied live since the page opened. */
  agentSeen: boolean
  /** Nobody can answer: the offline form replaces the composer; then thanks for `thanksTo`. */
  offline: { form: boolean; thanksTo: string | null }
}

export type OfflineResult = { ok: true } | { ok: false; errors: OfflineErrors }

/** How sending the pre-chat form went: stored, refused field by field, or not sent at all. */
export type PreChatResult = { ok: true } | { ok: false; errors: PreChatErrors }

export interface SocketHandlers {
  open(): void
  message(data: string): void
  close(code: number): void
}

/** The close code the server uses when it does not accept the visitor token. */
export const CLOSE_UNAUTHORIZED = 4401

/** A connected socket as the chat sees it. `close()` detaches it: no handler runs afterwards. */
export interface SocketHandle {
  send(data: string): void
  close(): void
}

export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketHandle

export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export interface ChatOptions {
  api: WidgetApi
  inbox: string
  socketUrl: string
  openSocket: OpenSocket
  storage: KeyValueStore | null
  newClientId: () => string
  isOnline: () => boolean
  random?: () => number
  now?: () => number
}

type Timer = ReturnType<typeof setTimeout>
type StoredName = 'visitor' | 'rating' | 'prechat' | 'mute' | 'offline'

/**
 * Where messages go: a conversation by id; without one yet, the latest conversation, or (fresh)
 * the new one the first of them opens. Messages written together share one, so the id the first
 * one brings back sends the others, whatever conversation is shown by then.
 */
export interface Dest {
  id: string | null
  fresh: boolean
  /** In a fresh one: the message that opens it; the ones after it wait for its id. */
  opener: string | null
}

export class Chat {
  /** Called whenever the number of unseen agent replies changes. */
  onUnread: (count: number) => void = () => {}
  /** Called when a new agent reply arrives (live or on catch-up, never from history). */
  onAgentMessage: () => void = () => {}

  readonly #options: ChatOptions
  readonly #random: () => number
  readonly #now: () => number
  /** The visitor token the form was answered for, when storage is blocked. */
  #memoryPreChat: string | null = null
  readonly #listeners = new Set<() => void>()

  #timeline: Timeline = createTimeline()
  #config: WidgetConfig | null = null
  #phase: Phase = 'loading'
  #connection: ConnectionState = 'connecting'
  #agentTyping: { name: string | null } | null = null
  #agentSeen = false
  #unread = 0
  #visible = false
  #token: string | null = null
  #pendingIdentity: VisitorIdentity | null = null
  #memoryToken: string | null = null
  #snapshot: ChatSnapshot
  #listedFrom: Timeline | null = null
  #listedFor: Dest | null = null
  /** The conversation shown; `fresh` after "start a new conversation", until it has an id. */
  #dest: Dest = { id: null, fresh: false, opener: null }
  /** Where each message still waiting was written for, shown or not. */
  readonly #dests = new Map<string, Dest>()
  #view: 'chat' | 'list' = 'chat'
  #list: ConversationList | null = null
  /** Read receipts: the team's mark here, and the last reply this widget reported as seen. */
  #teamReadSeq = 0
  #readSent = 0
  #csat: Csat | null = null
  #locale: Locale | null = null
  /** The email left with the offline form, with the token it was left for (storage blocked). */
  #memoryOffline: string | null = null
  #connectedBefore = false
  #stopped = false

  #socket: SocketHandle | null = null
  /** Bumped on every connect and drop, so callbacks of an old socket are ignored. */
  #generation = 0
  #ready = false
  #caughtUp = false
  #failures = 0
  #lastFrameAt = 0
  #reconnectTimer: Timer | undefined
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined
  #wakeStart: (() => void) | undefined

  readonly #ackTimers = new Map<string, Timer>()
  /** clientIds currently on their way (socket awaiting ack, or HTTP request running). */
  readonly #inFlight = new Set<string>()
  #typingSentAt = 0
  /** The conversation the last `typing: true` was about, so the stop goes there too. */
  #typingFor: string | null = null
  /** Availability frames so far: a config fetched meanwhile must not undo a newer one. */
  #availabilityFrames = 0
  #typingIdleTimer: Timer | undefined
  #agentTypingTimer: Timer | undefined

  constructor(options: ChatOptions) {
    this.#options = options
    this.#random = options.random ?? Math.random
    this.#now = options.now ?? Date.now
    this.#snapshot = this.#buildSnapshot()
  }

  /** The visitor's conversation shown, once there is one: the one a rating is about. */
  get #conversationId(): string | null {
    return this.#dest.id
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  getSnapshot(): ChatSnapshot {
    return this.#snapshot
  }

  /** Loads config and session (retrying while the server is unreachable), then connects. */
  async start(): Promise<void> {
    for (let attempt = 0; !this.#stopped; attempt++) {
      try {
        const [config, session] = await Promise.all([
          this.#options.api.getConfig(),
          this.#options.api.startSession(this.#readToken()),
        ])
        if (this.#stopped) return
        this.#config = config
        this.#adoptSession(session)
        this.#phase = 'ready'
        this.#emit()
        this.#connect()
        if (this.#pendingIdentity) void this.identify(this.#pendingIdentity)
        return
      } catch (error) {
        // An unknown inbox or a refused origin will not get better by asking again.
        if (error instanceof ApiError && isPermanent(error.status)) {
          this.#phase = 'unavailable'
          this.#emit()
          return
        }
        this.#setConnection(attempt > 0 || !this.#options.isOnline() ? 'offline' : 'connecting')
        await new Promise<void>((resolve) => {
          this.#wakeStart = resolve
          setTimeout(resolve, this.#backoff(attempt))
        })
      }
    }
  }

  stop(): void {
    this.#stopped = true
    this.#dropSocket()
    clearTimeout(this.#reconnectTimer)
    clearTimeout(this.#typingIdleTimer)
    clearTimeout(this.#agentTypingTimer)
    this.#wakeStart?.()
  }

  /**
   * The host page's Kefu.identify(): a correctly signed user id joins that user's history, so
   * the session is fetched again and the socket follows the (maybe different) contact.
   */
  async identify(identity: VisitorIdentity): Promise<void> {
    this.#pendingIdentity = identity
    if (this.#phase !== 'ready' || !this.#token) return
    this.#pendingIdentity = null
    try {
      await this.#options.api.identify(this.#token, identity)
    } catch {
      // A refused identity changes nothing: the visitor stays who they were.
      return
    }
    await this.#renewSession()
  }

  /** The host page's Kefu.reset() (its user logged out): forget this visitor, start anew. */
  async reset(): Promise<void> {
    if (this.#phase !== 'ready') return
    this.#token = null
    this.#writeToken('')
    for (const message of this.#timeline.pending.values()) release(message)
    this.#timeline = createTimeline()
    this.#dests.clear()
    this.#view = 'chat'
    this.#setUnread(0)
    await this.#renewSession()
  }

  /**
   * Shows the message at once and sends it; false when there is nothing (valid) to send. `to`:
   * where it goes (from here(), taken when an upload began), else the conversation shown.
   */
  send(text: string, attachments: AttachmentDTO[] = [], to = this.#dest): boolean {
    const body = text.trim()
    if (this.#phase !== 'ready' || body.length > MAX_MESSAGE_LENGTH) return false
    if (!body && !attachments.length) return false
    const clientId = this.#options.newClientId()
    this.#timeline = addPending(this.#timeline, {
      clientId,
      text: body,
      createdAt: this.#now(),
      attachments,
    })
    this.#dests.set(clientId, to)
    this.#stopTyping()
    this.#emit()
    this.#dispatch(clientId)
    return true
  }

  /** The conversation shown, for a message that is sent later (an upload): send(…, here). */
  here(): Dest {
    return this.#dest
  }

  /** Stores a file for this visitor; send it with send(text, [upload]). Throws ApiError. */
  async upload(file: File): Promise<UploadDTO> {
    if (!this.#token) throw new ApiError(0, 'visitor.unauthenticated', '')
    return this.#options.api.upload(this.#token, file)
  }

  retry(clientId: string): void {
    const before = this.#timeline
    this.#timeline = setPendingState(before, clientId, 'sending')
    if (this.#timeline === before) return
    this.#emit()
    this.#dispatch(clientId)
  }

  /** Sends the pre-chat answers; once stored, the form gives way to the composer. */
  async submitPreChat(fields: Record<string, string>): Promise<PreChatResult> {
    const token = this.#token
    if (!token) return { ok: false, errors: {} }
    try {
      await this.#options.api.saveProfile(token, fields)
    } catch (error) {
      const errors = error instanceof ApiError ? serverPreChatErrors(error.details) : {}
      return { ok: false, errors }
    }
    this.#memoryPreChat = token
    this.#writeStored('prechat', token)
    this.#emit()
    return { ok: true }
  }

  /** The offline form: the email goes on the visitor's contact, the text is their message. */
  async submitOffline(values: OfflineValues): Promise<OfflineResult> {
    const token = this.#token
    if (!token) return { ok: false, errors: {} }
    const clientId = this.#options.newClientId()
    const email = values.email.trim()
    const name = values.name.trim()
    const text = values.text.trim()
    try {
      const { message } = await this.#options.api.sendOffline(token, {
        clientId,
        email,
        ...(name ? { name } : {}),
        text,
      })
      // No copy waits here: the server puts it in the latest conversation, which may not be the
      // one shown, so the stored message is drawn only where it belongs.
      this.#confirm(message)
    } catch (error) {
      return {
        ok: false,
        errors: error instanceof ApiError ? serverOfflineErrors(error.details) : {},
      }
    }
    // "token email": an email never contains a space, so the first one splits them.
    const left = `${token} ${email}`
    this.#memoryOffline = left
    this.#writeStored('offline', left)
    this.#emit()
    return { ok: true }
  }

  /** Rates the resolved conversation the card shows; rating again replaces the rating. */
  async rate(score: number, comment: string): Promise<void> {
    const csat = this.#csat
    const token = this.#token
    if (!csat || !token || csat.status === 'sending' || !isScore(score)) return
    const { conversationId } = csat
    this.#csat = ratingSending(csat)
    this.#emit()
    try {
      const stored = await this.#options.api.rate(token, {
        conversationId,
        score,
        comment: comment.trim() || null,
      })
      const rating = { score: stored.score, comment: stored.comment }
      this.#csat = ratingSent(this.#csat, conversationId, rating)
      this.#writeStored('rating', JSON.stringify({ conversationId, ...rating }))
    } catch (error) {
      // Not found or not resolved (any more): there is nothing to rate here now.
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) {
        if (this.#csat?.conversationId === conversationId) this.#csat = null
      } else {
        this.#csat = ratingFailed(this.#csat, conversationId)
      }
    }
    this.#emit()
  }

  /** The composer changed: tell agents the visitor is typing, throttled, and when it stops. */
  noteTyping(text: string): void {
    if (!text.trim()) {
      this.#stopTyping()
      return
    }
    const id = this.#conversationId
    // A new conversation without its id yet: there is nobody to tell.
    if (!this.#ready || (!id && this.#dest.fresh)) return
    const now = this.#now()
    if (now - this.#typingSentAt >= TYPING_REFRESH_MS) {
      this.#typingSentAt = now
      this.#typingFor = id
      this.#sendFrame({ type: 'typing', typing: true, ...about(id) })
    }
    clearTimeout(this.#typingIdleTimer)
    this.#typingIdleTimer = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS)
  }

  /** The host page's Kefu.setLocale(): the strings switch at once. */
  setLocale(locale: Locale): void {
    if (locale === this.#locale) return
    this.#locale = locale
    this.#emit()
  }

  /** Whether the visitor can see the chat; replies while hidden count as unread. */
  setVisible(visible: boolean): void {
    this.#visible = visible
    this.#reportRead()
    if (visible) this.#setUnread(0)
  }

  /** The browser's online/offline events, and the page becoming visible again. */
  networkChanged(online: boolean): void {
    if (this.#stopped) return
    if (!online) {
      const awaiting = this.#dropSocket()
      this.#scheduleReconnect()
      for (const clientId of awaiting) this.#dispatch(clientId)
      return
    }
    this.#wakeStart?.()
    if (this.#ready || this.#phase !== 'ready') return
    this.#dropSocket()
    this.#failures = 0
    this.#connect()
  }

  // ---------- several conversations ----------

  /** Shows the visitor's conversations in place of the chat, loading them afresh. */
  showList(): void {
    if (this.#phase !== 'ready') return
    this.#view = 'list'
    this.#emit()
    void this.#loadList()
  }

  /** Back from the list to the conversation that was shown. */
  showChat(): void {
    if (this.#view === 'chat') return
    this.#view = 'chat'
    this.#emit()
    this.#reportRead()
  }

  /** Shows one of the visitor's conversations; the next messages go into it. */
  async openConversation(id: string): Promise<void> {
    const token = this.#token
    if (!token || this.#phase !== 'ready') return
    if (id === this.#conversationId) return this.showChat()
    // The view moves first, so replies that arrive while the history loads are kept.
    this.#show(id)
    this.#emit()
    try {
      const answer = await this.#options.api.getMessages(token, id)
      if (this.#conversationId !== id) return
      let timeline = this.#timeline
      for (const message of answer.messages) timeline = confirmMessage(timeline, message)
      this.#timeline = timeline
      this.#teamReadSeq = Math.max(this.#teamReadSeq, answer.teamReadSeq)
      const last = answer.messages.at(-1)
      this.#csat =
        answer.conversation?.status === 'resolved'
          ? offerRating(null, {
              conversationId: id,
              since: last?.seq ?? 0,
              saved: this.#savedRating(id),
            })
          : null
      this.#emit()
      this.#reportRead()
    } catch {
      // Gone or unreachable: back to the list, which loads again.
      if (this.#conversationId === id) this.showList()
    }
  }

  /** "Start a new conversation": an empty chat whose first message opens another conversation. */
  startConversation(): void {
    if (this.#phase !== 'ready') return
    this.#show(null, true)
    this.#emit()
  }

  /** The visitor's choice for the reply tone, kept in this browser. */
  setMuted(muted: boolean): void {
    this.#writeStored('mute', muted ? '1' : '')
    this.#emit()
  }

  #show(id: string | null, fresh = false): void {
    this.#stopTyping()
    this.#view = 'chat'
    this.#dest = { id, fresh, opener: null }
    this.#teamReadSeq = 0
    this.#readSent = 0
    this.#csat = null
    this.#clearAgentTyping()
    // Messages still waiting stay in the outbox, bound for where they were written; only the
    // ones written for the conversation shown are drawn (see #mine).
    this.#timeline = clearMessages(this.#timeline)
  }

  /** Whether a message still waiting was written for the conversation shown. */
  #mine(clientId: string): boolean {
    const dest = this.#dests.get(clientId)
    return dest === this.#dest || (!!dest?.id && dest.id === this.#dest.id)
  }

  async #loadList(): Promise<void> {
    const token = this.#token
    if (!token) return
    try {
      const { conversations } = await this.#options.api.listConversations(token)
      if (token !== this.#token) return
      this.#list = conversations
      if (this.#visible && this.#view === 'chat' && this.#conversationId && this.#readSent) {
        this.#list = markListRead(this.#list, this.#conversationId)
      }
      this.#emit()
    } catch {
      // The list stays as it was; showing it again asks again.
    }
  }

  /**
   * Read receipt: while the visitor can see this conversation (widget open, page visible), the
   * newest reply shown is reported once. The server keeps the furthest; it never moves back.
   */
  #reportRead(): void {
    const id = this.#conversationId
    const token = this.#token
    if (!this.#visible || this.#view !== 'chat' || !id || !token || this.#phase !== 'ready') return
    const seq = lastReplySeq(this.#timeline)
    if (seq <= this.#readSent) return
    this.#readSent = seq
    if (this.#list) {
      const list = markListRead(this.#list, id)
      if (list !== this.#list) {
        this.#list = list
        this.#emit()
      }
    }
    if (this.#ready) this.#sendFrame({ type: 'read', conversationId: id, seq })
    else {
      this.#options.api.read(token, { conversationId: id, seq }).catch(() => {
        // Said again with the next reply or reconnect.
        if (this.#readSent === seq) this.#readSent = 0
      })
    }
  }

  /** Whether a stored message belongs in the conversation shown. */
  #belongs(message: MessageDTO): boolean {
    if (this.#conversationId) return message.conversationId === this.#conversationId
    // No conversation yet: by default any of the visitor's messages opens it, as it always did;
    // after "start a new conversation", only the visitor's own message from here does.
    const own = !!message.clientId && this.#dests.get(message.clientId) === this.#dest
    return !this.#dest.fresh || own
  }

  /** The conversation shown got its id from its first stored message. */
  #adopt(conversationId: string): void {
    this.#named(this.#dest, conversationId)
  }

  /** Messages bound for `dest` now know their conversation: the ones that waited go now. */
  #named(dest: Dest, conversationId: string): void {
    if (dest.id) return
    dest.id = conversationId
    dest.opener = null
    if (dest === this.#dest && this.#list && !this.#list.some((c) => c.id === conversationId)) {
      void this.#loadList()
    }
    this.#flush()
  }

  /** A message of the visitor's is stored: nothing waits for it any more, shown or not. */
  #landed(message: MessageDTO, before: Timeline): void {
    const { clientId } = message
    if (!clientId) return
    this.#settle(clientId)
    // The stored copy replaced the preview, or is not drawn here: the picture's copy can go.
    release(findPending(before, clientId))
    this.#timeline = dropPending(this.#timeline, clientId)
    const dest = this.#dests.get(clientId)
    this.#dests.delete(clientId)
    if (dest) this.#named(dest, message.conversationId)
  }

  /** Where a message goes: where it was written; null while it waits for a new one's id. */
  #target(clientId: string): Omit<MessageDraft, 'clientId' | 'text'> | null {
    const dest = this.#dests.get(clientId) ?? this.#dest
    if (dest.id) return { conversationId: dest.id }
    if (!dest.fresh) return {}
    if (dest.opener && findPending(this.#timeline, dest.opener)?.state !== 'sending') {
      dest.opener = null
    }
    dest.opener ??= clientId
    return dest.opener === clientId ? { new: true } : null
  }

  // ---------- connection ----------

  #connect(): void {
    if (this.#stopped || this.#socket || !this.#token) return
    clearTimeout(this.#reconnectTimer)
    const generation = ++this.#generation
    const token = this.#token
    this.#setConnection(this.#failures >= 2 || !this.#options.isOnline() ? 'offline' : 'connecting')
    this.#socket = this.#options.openSocket(this.#options.socketUrl, {
      open: () => {
        if (generation === this.#generation) this.#sendFrame({ type: 'auth', visitorToken: token })
      },
      message: (data) => {
        if (generation === this.#generation) this.#receive(data, generation)
      },
      close: (code) => {
        if (generation !== this.#generation) return
        if (code === CLOSE_UNAUTHORIZED) void this.#renewSession()
        else this.#disconnected()
      },
    })
  }

  #disconnected(): void {
    const awaiting = this.#dropSocket()
    this.#scheduleReconnect()
    // Whatever waited for an ack goes by HTTP now, or waits for the socket if we are offline.
    for (const clientId of awaiting) this.#dispatch(clientId)
  }

  /** Forgets the current socket; returns the clientIds that were waiting for its ack. */
  #dropSocket(): string[] {
    this.#generation++
    this.#socket?.close()
    this.#socket = null
    this.#ready = false
    this.#caughtUp = false
    this.#typingSentAt = 0
    // A read frame may have been lost with the socket; the next one says it again.
    this.#readSent = 0
    clearInterval(this.#heartbeatTimer)
    const awaiting = [...this.#ackTimers.keys()]
    for (const clientId of awaiting) this.#settle(clientId)
    return awaiting
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return
    this.#failures++
    this.#setConnection(this.#failures >= 2 || !this.#options.isOnline() ? 'offline' : 'connecting')
    clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#backoff(this.#failures - 1))
  }

  /** Exponential backoff with jitter, so a restarted server is not hit by every visitor at once. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
    return ceiling / 2 + (this.#random() * ceiling) / 2
  }

  #startHeartbeat(): void {
    clearInterval(this.#heartbeatTimer)
    this.#heartbeatTimer = setInterval(() => {
      // A socket that stays silent through two pings is dead even if it was never closed.
      if (this.#now() - this.#lastFrameAt > HEARTBEAT_MS * 2) this.#disconnected()
      else this.#sendFrame({ type: 'ping' })
    }, HEARTBEAT_MS)
  }

  #sendFrame(frame: VisitorClientFrame): void {
    this.#socket?.send(JSON.stringify(frame))
  }

  #receive(data: string, generation: number): void {
    let frame: VisitorServerFrame
    try {
      frame = JSON.parse(data) as VisitorServerFrame
    } catch {
      return
    }
    if (!frame || typeof frame !== 'object') return
    this.#lastFrameAt = this.#now()
    switch (frame.type) {
      case 'ready':
        // Back after a drop: availability may have changed while no frame could say so.
        if (this.#connectedBefore) void this.#refreshConfig()
        this.#connectedBefore = true
        this.#ready = true
        this.#failures = 0
        this.#setConnection('online')
        this.#startHeartbeat()
        this.#reportRead()
        void this.#catchUp(generation)
        this.#flush()
        break
      case 'event':
        if (isEvent(frame.event)) this.#receiveEvent(frame.event, true)
        break
      case 'ack':
        if (isMessage(frame.message)) this.#confirm(frame.message)
        break
      case 'availability':
        if (this.#config && frame.availability) {
          this.#availabilityFrames++
          this.#config = { ...this.#config, availability: frame.availability }
          this.#emit()
        }
        break
      case 'typing':
        // An agent typing in another of the visitor's conversations is not typing here.
        if (frame.conversationId && frame.conversationId !== this.#conversationId) break
        this.#showAgentTyping(frame.typing === true, frame.agentName ?? null)
        break
      case 'error':
        if (typeof frame.clientId === 'string') this.#fail(frame.clientId)
        else if (!this.#ready) void this.#renewSession() // the visitor token was refused
        break
    }
  }

  /** Fetches what happened while disconnected, page by page, from the last applied seq. */
  async #catchUp(generation: number): Promise<void> {
    const token = this.#token
    if (!token) return
    let since = this.#timeline.cursor
    try {
      for (;;) {
        const page = await this.#options.api.getEvents(token, since)
        for (const event of page.events) if (isEvent(event)) this.#receiveEvent(event, false)
        this.#timeline = advanceCursor(this.#timeline, page.seq)
        if (!page.more || page.seq <= since) break
        since = page.seq
      }
      // From now on live events arrive in order, so each one may move the cursor.
      if (generation === this.#generation) this.#caughtUp = true
    } catch (error) {
      if (generation !== this.#generation) return
      if (error instanceof ApiError && error.status === 401) void this.#renewSession()
      else this.#disconnected() // the next connection retries the catch-up
    }
  }

  /** Asks for a session again with the stored token; the server replaces a token it does not know. */
  async #renewSession(): Promise<void> {
    const awaiting = this.#dropSocket()
    try {
      this.#adoptSession(await this.#options.api.startSession(this.#token))
      this.#emit()
    } catch {
      // unreachable: the reconnect below tries again
    }
    this.#scheduleReconnect()
    for (const clientId of awaiting) this.#dispatch(clientId)
  }

  #adoptSession(session: WidgetSession): void {
    if (session.visitorToken !== this.#token) {
      this.#token = session.visitorToken
      this.#writeToken(session.visitorToken)
    }
    // Messages written before a renewed session keep waiting to be sent.
    let timeline = timelineFromHistory(session.messages, session.seq)
    for (const pending of this.#timeline.pending.values()) {
      if (!pending.clientId) continue
      timeline = addPending(timeline, { ...pending, clientId: pending.clientId })
      if (pending.state === 'failed')
        timeline = setPendingState(timeline, pending.clientId, 'failed')
    }
    this.#timeline = timeline
    const conversation = session.conversation
    const id = conversation?.id ?? null
    // A (renewed) session shows the visitor's latest conversation; the visitor may be someone
    // else now (identify), so their list is loaded again when shown.
    if (id !== this.#dest.id || this.#dest.fresh) this.#dest = { id, fresh: false, opener: null }
    this.#teamReadSeq = session.teamReadSeq ?? 0
    this.#readSent = 0
    this.#list = null
    if (this.#view === 'list') void this.#loadList()
    this.#csat =
      conversation?.status === 'resolved'
        ? offerRating(this.#csat, {
            conversationId: conversation.id,
            since: session.seq,
            saved: this.#savedRating(conversation.id),
          })
        : null
  }

  // ---------- timeline ----------

  #receiveEvent(event: EventDTO, live: boolean): void {
    const before = this.#timeline
    const wanted = wantsEvent(before, event.seq)
    const resolved =
      event.type === 'conversation.resolved' &&
      event.conversationId === this.#conversationId &&
      wanted
    // The event stream carries all of the visitor's conversations; only the one shown is drawn.
    const shown = event.type !== 'message.created' || this.#belongs(event.message)
    let after = shown ? applyEvent(before, event) : skipEvent(before, event.seq)
    if (live && this.#caughtUp) after = advanceCursor(after, event.seq)
    this.#timeline = after
    if (wanted && event.type === 'conversation.resolved' && this.#list) {
      this.#list = resolveInList(this.#list, event.conversationId)
    }
    if (
      wanted &&
      event.type === 'conversation.read' &&
      event.reader === 'team' &&
      event.conversationId === this.#conversationId &&
      event.readSeq > this.#teamReadSeq
    ) {
      this.#teamReadSeq = event.readSeq
      this.#emit()
      return
    }
    if (resolved) {
      this.#csat = offerRating(this.#csat, {
        conversationId: event.conversationId,
        since: event.seq,
        saved: this.#savedRating(event.conversationId),
      })
      this.#emit()
      return
    }
    if (event.type === 'message.created') {
      const message = event.message
      if (shown && hasMessage(after, message.id)) this.#adopt(message.conversationId)
      this.#landed(message, before)
      const isNew = shown
        ? !hasMessage(before, message.id) && hasMessage(after, message.id)
        : wanted && isVisibleDirection(message.direction)
      if (isNew) this.#noteInList(message, shown)
      if (isNew && message.direction === 'outgoing') {
        if (live) this.#agentSeen = true
        if (shown) this.#clearAgentTyping()
        if (!this.#visible) this.#setUnread(this.#unread + 1)
        this.onAgentMessage()
        if (shown) this.#reportRead()
      }
    }
    if (this.#timeline !== before) this.#emit()
  }

  /** Keeps the list current; a conversation it does not know yet makes it load again. */
  #noteInList(message: MessageDTO, shown: boolean): void {
    if (!this.#list) {
      // Not loaded yet: only a reply elsewhere needs it now (for the list button's badge).
      if (!shown && message.direction === 'outgoing') void this.#loadList()
      return
    }
    const unseen = !(shown && this.#visible && this.#view === 'chat')
    const list = noteMessage(this.#list, message, unseen)
    if (list) this.#list = list
    else void this.#loadList()
  }

  #confirm(message: MessageDTO): void {
    const before = this.#timeline
    // An answer for a message of a conversation not shown: it is stored, nothing to draw.
    if (this.#belongs(message)) {
      this.#timeline = confirmMessage(before, message)
      // The visitor's own message names the conversation (the first one opens it).
      this.#adopt(message.conversationId)
      if (this.#list && !hasMessage(before, message.id)) this.#noteInList(message, true)
    }
    // Messages written after the one that opened a new conversation go now, into it, even when
    // its event came first and this answer changes nothing.
    this.#landed(message, before)
    if (this.#timeline !== before) this.#emit()
  }

  #fail(clientId: string): void {
    this.#settle(clientId)
    const before = this.#timeline
    this.#timeline = setPendingState(before, clientId, 'failed')
    if (this.#timeline !== before) this.#emit()
  }

  /** The message needs no more waiting: stop its ack timer. */
  #settle(clientId: string): void {
    clearTimeout(this.#ackTimers.get(clientId))
    this.#ackTimers.delete(clientId)
    this.#inFlight.delete(clientId)
  }

  // ---------- outbox ----------

  /** Sends every message still waiting, oldest first; runs whenever the socket is (back) up. */
  #flush(): void {
    for (const message of listMessages(this.#timeline)) {
      if (message.state === 'sending' && message.clientId) this.#dispatch(message.clientId)
    }
  }

  #dispatch(clientId: string): void {
    const message = findPending(this.#timeline, clientId)
    if (message?.state !== 'sending' || this.#inFlight.has(clientId)) return
    // Behind the message that opens a new conversation, the next ones wait for its id.
    const target = this.#target(clientId)
    if (!target) return
    if (this.#ready) {
      this.#inFlight.add(clientId)
      this.#sendFrame({
        type: 'message',
        clientId,
        text: message.text,
        ...attachmentIds(message),
        ...target,
      })
      this.#ackTimers.set(
        clientId,
        setTimeout(() => {
          this.#settle(clientId)
          void this.#post(clientId, true)
        }, ACK_TIMEOUT_MS),
      )
    } else if (this.#connection !== 'offline') {
      void this.#post(clientId, false)
    }
    // Offline: it stays `sending` and flush() sends it once the socket is back.
  }

  async #post(clientId: string, afterAckTimeout: boolean): Promise<void> {
    const message = findPending(this.#timeline, clientId)
    const token = this.#token
    const target = this.#target(clientId)
    if (!message || !token || !target || this.#inFlight.has(clientId)) return
    this.#inFlight.add(clientId)
    try {
      const stored = await this.#options.api.postMessage(token, {
        clientId,
        text: message.text,
        ...attachmentIds(message),
        ...target,
      })
      this.#confirm(stored)
    } catch (error) {
      this.#inFlight.delete(clientId)
      if (!findPending(this.#timeline, clientId)) return
      if (error instanceof ApiError || afterAckTimeout) this.#fail(clientId)
      // The server could not be reached while the socket was down: the socket may be back by
      // now (then send it there), or flush() will send it when it is.
      else if (this.#ready) this.#dispatch(clientId)
    }
  }

  // ---------- typing, unread, snapshot ----------

  #stopTyping(): void {
    clearTimeout(this.#typingIdleTimer)
    if (!this.#typingSentAt) return
    this.#typingSentAt = 0
    this.#sendFrame({ type: 'typing', typing: false, ...about(this.#typingFor) })
  }

  #showAgentTyping(typing: boolean, name: string | null): void {
    clearTimeout(this.#agentTypingTimer)
    if (!typing) {
      this.#clearAgentTyping()
      return
    }
    this.#agentTyping = { name }
    this.#agentSeen = true
    // Typing frames can be lost with a dropped socket; an indicator must not hang forever.
    this.#agentTypingTimer = setTimeout(() => this.#clearAgentTyping(), AGENT_TYPING_TTL_MS)
    this.#emit()
  }

  #clearAgentTyping(): void {
    clearTimeout(this.#agentTypingTimer)
    if (!this.#agentTyping) return
    this.#agentTyping = null
    this.#emit()
  }

  #setUnread(count: number): void {
    if (count === this.#unread) return
    this.#unread = count
    this.onUnread(count)
    this.#emit()
  }

  #setConnection(connection: ConnectionState): void {
    if (connection === this.#connection) return
    this.#connection = connection
    this.#emit()
  }

  #readToken(): string | null {
    return this.#readStored('visitor') ?? this.#memoryToken
  }

  #writeToken(token: string): void {
    this.#memoryToken = token
    this.#writeStored('visitor', token)
  }

  /** The rating this browser last sent for the conversation, shown again after a reload. */
  #savedRating(conversationId: string): Rating | null {
    try {
      const saved = JSON.parse(this.#readStored('rating') ?? 'null') as
        | (Rating & { conversationId: string })
        | null
      if (saved?.conversationId !== conversationId || !isScore(saved.score)) return null
      return {
        score: saved.score,
        comment: typeof saved.comment === 'string' ? saved.comment : null,
      }
    } catch {
      return null
    }
  }

  /** Kept per inbox in this browser: `name` is visitor, rating, prechat, mute or offline. */
  #readStored(name: StoredName): string | null {
    try {
      return this.#options.storage?.getItem(`kefu.${name}.${this.#options.inbox}`) ?? null
    } catch {
      // Storage can be blocked for third-party frames; the visitor then lasts for this page.
      return null
    }
  }

  #writeStored(name: StoredName, value: string): void {
    try {
      this.#options.storage?.setItem(`kefu.${name}.${this.#options.inbox}`, value)
    } catch {
      // see readStored
    }
  }

  #emit(): void {
    this.#snapshot = this.#buildSnapshot()
    for (const listener of this.#listeners) listener()
  }

  #buildSnapshot(): ChatSnapshot {
    const messages =
      this.#listedFrom === this.#timeline && this.#listedFor === this.#dest
        ? this.#snapshot.messages
        : listMessages(this.#timeline).filter((m) => m.id || this.#mine(m.clientId!))
    this.#listedFrom = this.#timeline
    this.#listedFor = this.#dest
    const availability = this.#config?.availability ?? ALWAYS_AVAILABLE
    return {
      phase: this.#phase,
      config: this.#config,
      connection: this.#connection,
      messages,
      agentTyping: this.#agentTyping,
      agentsOnline: (this.#config?.availability?.canAnswer ?? true) || this.#agentSeen,
      unread: this.#unread,
      csat: csatShown(this.#csat, messages) ? this.#csat : null,
      locale: this.#locale,
      preChat: this.#preChatOwed(messages.length) ? (this.#config?.inbox.preChat ?? null) : null,
      view: this.#view,
      conversations: this.#list,
      unreadElsewhere: unreadElsewhere(this.#list, this.#conversationId),
      readSeq: this.#teamReadSeq,
      muted: this.#readStored('mute') === '1',
      availability,
      agentSeen: this.#agentSeen,
      offline:
        this.#phase === 'ready'
          ? offlineMode({ availability, agentSeen: this.#agentSeen, sentTo: this.#offlineSentTo() })
          : { form: false, thanksTo: null },
    }
  }

  async #refreshConfig(): Promise<void> {
    const frames = this.#availabilityFrames
    try {
      const config = await this.#options.api.getConfig()
      if (this.#stopped) return
      // A frame that came meanwhile is newer than this answer.
      this.#config =
        frames === this.#availabilityFrames || !this.#config
          ? config
          : { ...config, availability: this.#config.availability }
      this.#emit()
    } catch {
      // The frames or the next reconnect bring it.
    }
  }

  /** The email this visitor (this token) left with the offline form. */
  #offlineSentTo(): string | null {
    const left = this.#readStored('offline') ?? this.#memoryOffline ?? ''
    const space = left.indexOf(' ')
    return space > 0 && left.slice(0, space) === this.#token ? left.slice(space + 1) : null
  }

  /** The inbox asks for a form this visitor (this token) has not answered and has not chatted. */
  #preChatOwed(messageCount: number): boolean {
    const fields = this.#config?.inbox.preChat
    if (this.#phase !== 'ready' || !fields?.length || messageCount > 0 || !this.#token) return false
    return this.#memoryPreChat !== this.#token && this.#readStored('prechat') !== this.#token
  }
}

const about = (id: string | null) => (id ? { conversationId: id } : {})

/** A picture's preview is the visitor's own copy of the file, held until let go here. */
function release(message: TimelineMessage | undefined): void {
  for (const file of message?.attachments ?? []) {
    if (file.url?.startsWith('blob:')) URL.revokeObjectURL(file.url)
  }
}

/** Client errors are final, except a timeout or a rate limit, which waiting cures. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429
}

function isEvent(value: unknown): value is EventDTO {
  if (typeof value !== 'object' || value === null) return false
  const event = value as EventDTO
  return (
    typeof event.seq === 'number' &&
    (event.type !== 'message.created' || isMessage((event as { message?: unknown }).message))
  )
}

function isMessage(value: unknown): value is MessageDTO {
  return typeof value === 'object' && value !== null && typeof (value as MessageDTO).id === 'string'
}
