// Application state as signals, and the actions that change it. The rules live in the pure modules
// (conversations, timeline, realtime, typing); this file wires them to the API, the socket and the
// browser (history, visibility, network).
import type {
  AgentConversationDTO,
  AgentDTO,
  AgentServerFrame,
  Availability,
  EmailDetailsDTO,
  EventDTO,
  Id,
  InboxDTO,
  MeResponse,
  MessageDTO,
  UploadDTO,
} from '@kefu/protocol'
import { batch, computed, effect, signal } from '@preact/signals'
import { ApiError, api, setUnauthorizedHandler } from './api'
import {
  type Attention,
  applyEvent,
  belongsInList,
  emptyList,
  type ListFilter,
  type ListState,
  mergeSnapshot,
  type StatusFilter,
  setUnread,
  upsertConversation,
  type View,
  visibleConversations,
} from './conversations'
import { newClientId } from './format'
import { errorCodeKey, locale, t } from './i18n'
import { availabilityChosen, shareAvailability, startAutoAway, stopAutoAway } from './presence'
import { applyRatingEvents, type Ratings, setRating } from './ratings'
import { type ConnectionState, RealtimeClient } from './realtime'
import { applySeenEvents, type SeenMarks, setSeen } from './receipts'
import type { EmailRecipients } from './recipients'
import { SnapshotTracker } from './snapshot'
import { chime } from './sound'
import {
  addMessages,
  addPending,
  discardPending,
  emptyTimeline,
  markPending,
  mergeHistory,
  type Timeline,
  updateMessage,
} from './timeline'
import { type ComposerDraft, TypingNotifier, TypingTracker } from './typing'

// ---------- routing ----------

export type Route =
  | { name: 'setup'; token: string }
  | { name: 'inbox'; conversationId: Id | null }
  /** `inboxId`: one inbox's settings; 'new-email': the form adding an email inbox. */
  | { name: 'settings'; inboxId: Id | 'new-email' | null }

function readRoute(): Route {
  const { pathname, search } = window.location
  if (pathname === '/setup' || pathname.startsWith('/setup/')) {
    return { name: 'setup', token: new URLSearchParams(search).get('token') ?? '' }
  }
  if (pathname === '/settings' || pathname === '/settings/')
    return { name: 'settings', inboxId: null }
  if (pathname === '/settings/inboxes/new-email') return { name: 'settings', inboxId: 'new-email' }
  const inbox = /^\/settings\/inboxes\/([^/]+)\/?$/.exec(pathname)
  if (inbox?.[1]) return { name: 'settings', inboxId: decodeURIComponent(inbox[1]) }
  const match = /^\/conversations\/([^/]+)\/?$/.exec(pathname)
  return { name: 'inbox', conversationId: match?.[1] ? decodeURIComponent(match[1]) : null }
}

export const route = signal<Route>(readRoute())

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname + window.location.search) return
  if (replace) window.history.replaceState(null, '', path)
  else window.history.pushState(null, '', path)
  route.value = readRoute()
}

export function openConversation(id: Id | null): void {
  navigate(id ? `/conversations/${encodeURIComponent(id)}` : '/')
}

export function openSettings(inboxId: Id | 'new-email' | null = null, replace = false): void {
  navigate(inboxId ? `/settings/inboxes/${encodeURIComponent(inboxId)}` : '/settings', replace)
}

// ---------- session ----------

export type Session =
  | { status: 'loading' }
  | { status: 'signed-out'; needsSetup: boolean }
  | { status: 'signed-in'; me: MeResponse }

export const session = signal<Session>({ status: 'loading' })
export const me = computed(() => (session.value.status === 'signed-in' ? session.value.me : null))

/** Turns any failure into text for the agent: the server's message, or a translated fallback. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'network') return t('error.network')
    // The server speaks English; for well-known codes other languages get their own wording.
    const known = locale.peek() === 'en' ? null : errorCodeKey(error.code)
    if (known) return t(known)
    if (error.message) return error.message
  }
  return t('error.generic')
}

export async function boot(): Promise<void> {
  setUnauthorizedHandler(() => {
    if (session.value.status === 'signed-in') signedOut()
  })
  window.addEventListener('popstate', () => {
    route.value = readRoute()
  })
  if (route.value.name === 'setup') {
    // The setup page decides for itself; a signed-in agent is still welcome there.
    session.value = { status: 'signed-out', needsSetup: true }
  }
  try {
    signedIn(await api.me())
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) await signedOut()
    else session.value = { status: 'signed-out', needsSetup: false }
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  signedIn(await api.login(email, password))
}

export async function completeSetup(input: {
  token: string
  accountName: string
  name: string
  email: string
  password: string
}): Promise<void> {
  signedIn(await api.setup(input))
  navigate('/', true)
}

export async function signOut(): Promise<void> {
  try {
    await api.logout()
  } catch {
    // Leaving anyway: a failed logout must not trap the agent in the app.
  }
  await signedOut()
}

function signedIn(response: MeResponse): void {
  session.value = { status: 'signed-in', me: response }
  startInbox()
}

async function signedOut(): Promise<void> {
  stopInbox()
  let needsSetup = false
  try {
    needsSetup = (await api.setupStatus()).needsSetup
  } catch {
    // Only used for a hint on the sign-in page.
  }
  session.value = { status: 'signed-out', needsSetup }
}

/** `automatic`: set by the inbox after inactivity (presence.ts), not chosen by the agent. */
export async function setAvailability(
  availability: Availability,
  automatic = false,
): Promise<void> {
  const current = me.value
  if (!current) return
  if (!automatic) availabilityChosen()
  try {
    const agent = await api.setAvailability(availability)
    session.value = { status: 'signed-in', me: { ...current, agent } }
    agents.value = agents.value.map((a) => (a.id === agent.id ? agent : a))
    shareAvailability(agent.availability)
  } catch (error) {
    notify(errorText(error))
  }
}

/** Another inbox tab of this browser changed the agent's availability: this one shows it too. */
function availabilityChangedElsewhere(availability: Availability): void {
  const current = me.peek()
  if (!current || current.agent.availability === availability) return
  const agent = { ...current.agent, availability }
  session.value = { status: 'signed-in', me: { ...current, agent } }
  agents.value = agents.value.map((a) => (a.id === agent.id ? { ...a, availability } : a))
}

// ---------- inbox state ----------

const VIEW_KEY = 'kefu.view'

function savedView(): View {
  try {
    const saved = localStorage.getItem(VIEW_KEY)
    if (saved === 'mine' || saved === 'unassigned' || saved === 'all') return saved
  } catch {
    // Storage blocked: use the default.
  }
  return 'all'
}

export const view = signal<View>(savedView())
export const statusFilter = signal<StatusFilter>('open')
export const list = signal<ListState>(emptyList)
export const listStatus = signal<{ loading: boolean; loaded: boolean; error: string | null }>({
  loading: false,
  loaded: false,
  error: null,
})
export const agents = signal<AgentDTO[]>([])
export const inboxes = signal<InboxDTO[]>([])
export const connection = signal<ConnectionState>('connecting')
export const timelines = signal<ReadonlyMap<Id, Timeline>>(new Map())
/** Customers' ratings of the conversations this session opened, kept current by events. */
export const ratings = signal<Ratings>(new Map())
/** Read receipts: how far each customer has seen the team's replies ("Seen"). */
export const seen = signal<SeenMarks>(new Map())
export const conversationStatus = signal<
  ReadonlyMap<Id, { loading: boolean; error: string | null }>
>(new Map())
export const pageVisible = signal(document.visibilityState !== 'hidden')
/** Ticks so relative times ("5 min. ago") stay true without a reload. */
export const now = signal(Date.now())
export const notice = signal<string | null>(null)
export const showDetails = signal(window.matchMedia?.('(min-width: 1200px)').matches ?? true)
const typingVersion = signal(0)

export const selectedId = computed(() =>
  route.value.name === 'inbox' ? route.value.conversationId : null,
)

export const filter = computed<ListFilter>(() => ({
  view: view.value,
  status: statusFilter.value,
  meId: me.value?.agent.id ?? '',
}))

/** Unread customer messages in conversations still open, for the tab title. */
export const totalUnread = computed(() => {
  let total = 0
  for (const c of list.value.byId.values()) if (c.status !== 'resolved') total += c.unreadCount
  return total
})

export const visibleList = computed(() => visibleConversations(list.value, filter.value))

export const selectedConversation = computed<AgentConversationDTO | null>(() => {
  const id = selectedId.value
  return id ? (list.value.byId.get(id) ?? null) : null
})

export function agentName(id: Id | null): string | null {
  if (!id) return null
  return agents.value.find((a) => a.id === id)?.name ?? null
}

/** Who is typing in a conversation: 'contact' and/or the ids of other agents. */
export function typingIn(conversationId: Id): string[] {
  void typingVersion.value
  return typingTracker.typing(conversationId)
}

function attention(): Attention {
  return { openConversationId: selectedId.peek(), visible: pageVisible.peek() }
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined
export function notify(text: string): void {
  notice.value = text
  clearTimeout(noticeTimer)
  noticeTimer = setTimeout(() => {
    notice.value = null
  }, 6000)
}

// ---------- conversation list ----------

let listRequest = 0
/** Bumped when loaded data stops counting (sign-out, server reset): older responses are dropped. */
let epoch = 0
/** Lines up list and detail responses with the event stream (see snapshot.ts). */
const snapshots = new SnapshotTracker()

export function selectView(next: View): void {
  if (view.value === next) return
  view.value = next
  try {
    localStorage.setItem(VIEW_KEY, next)
  } catch {
    // Not remembered; harmless.
  }
  void loadList()
}

export function selectStatus(next: StatusFilter): void {
  if (statusFilter.value === next) return
  statusFilter.value = next
  void loadList()
}

export async function loadList(): Promise<void> {
  const request = ++listRequest
  const currentView = view.peek()
  const currentStatus = statusFilter.peek()
  listStatus.value = { ...listStatus.value, loading: true, error: null }
  try {
    await snapshots.load(
      () => api.conversations(currentView, currentStatus),
      (response, during) => {
        if (request !== listRequest) return false
        batch(() => {
          list.value = mergeSnapshot(list.peek(), response, during, attention())
          listStatus.value = { loading: false, loaded: true, error: null }
        })
        return true
      },
    )
  } catch (error) {
    if (request !== listRequest) return
    listStatus.value = { ...listStatus.value, loading: false, error: errorText(error) }
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined
let lastRefresh = 0

/** Something happened to a conversation this session has not loaded: refetch, but not in a storm. */
function scheduleListRefresh(): void {
  if (refreshTimer !== undefined) return
  const wait = Math.max(300, lastRefresh + 5000 - Date.now())
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined
    lastRefresh = Date.now()
    void loadList()
  }, wait)
}

// ---------- realtime ----------

let client: RealtimeClient | null = null
const typingTracker = new TypingTracker({
  onChange: () => {
    typingVersion.value += 1
  },
})
const typingNotifier = new TypingNotifier({
  send: (conversationId, typing) => {
    client?.send({ type: 'typing', conversationId, typing })
  },
})

/** The composer's text or mode changed: the customer sees "typing" only for a reply. */
export function noteTyping(conversationId: Id, draft: ComposerDraft): void {
  typingNotifier.update(conversationId, draft)
}

export function stopTyping(): void {
  typingNotifier.stop()
}

function applyEvents(events: EventDTO[]): void {
  batch(() => {
    let state = list.peek()
    let refresh = false
    let timelineMap: Map<Id, Timeline> | null = null
    const openId = selectedId.peek()
    // Responses still out may predate these events; they apply them again after their own seq.
    snapshots.record(events)
    const rated = applyRatingEvents(ratings.peek(), events)
    if (rated !== ratings.peek()) ratings.value = rated
    const seenNow = applySeenEvents(seen.peek(), events)
    if (seenNow !== seen.peek()) seen.value = seenNow
    for (const event of events) {
      const result = applyEvent(state, event, attention())
      state = result.state
      if (result.unknown) {
        const row = state.byId.get(event.conversationId)
        // Only worth a refetch if it could show up in the tab on screen.
        refresh ||=
          event.type === 'message.created'
            ? view.peek() !== 'mine'
            : row !== undefined && belongsInList(row, filter.peek())
      }
      if (event.type !== 'message.created' && event.type !== 'message.updated') continue
      const { message } = event
      const timeline = (timelineMap ?? timelines.peek()).get(event.conversationId)
      if (timeline) {
        timelineMap ??= new Map(timelines.peek())
        timelineMap.set(
          event.conversationId,
          event.type === 'message.updated'
            ? updateMessage(timeline, message, event.seq)
            : addMessages(timeline, [message], event.seq),
        )
      }
      if (event.type === 'message.updated') continue
      if (message.direction === 'incoming') {
        typingTracker.set(event.conversationId, 'contact', false)
        // A customer writing where the agent is not looking: the chime, if they turned it on.
        if (event.conversationId !== openId || !pageVisible.peek()) chime()
        if (event.conversationId === openId && pageVisible.peek()) scheduleMarkRead(openId)
      }
    }
    list.value = state
    if (timelineMap) timelines.value = timelineMap
    if (refresh) scheduleListRefresh()
  })
}

function receiveFrame(frame: AgentServerFrame): void {
  if (frame.type !== 'typing') return
  if (frame.actor === 'contact') {
    typingTracker.set(frame.conversationId, 'contact', frame.typing)
  } else if (frame.agentId && frame.agentId !== me.peek()?.agent.id) {
    typingTracker.set(frame.conversationId, frame.agentId, frame.typing)
  }
}

function socketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${window.location.host}/api/agent/ws`
}

let checkingSession = false

/** Repeated socket failures may just mean the session is gone; ask once instead of retrying blind. */
function checkSession(): void {
  if (checkingSession) return
  checkingSession = true
  api
    .me()
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) void signedOut()
    })
    .finally(() => {
      checkingSession = false
    })
}

let tick: ReturnType<typeof setInterval> | undefined
let stopSelectionEffect: (() => void) | null = null

const onOnline = () => client?.retryNow()
const onVisibility = () => {
  pageVisible.value = document.visibilityState !== 'hidden'
  const id = selectedId.peek()
  if (pageVisible.peek() && id && (list.peek().byId.get(id)?.unreadCount ?? 0) > 0) markRead(id)
}

function startInbox(): void {
  if (client) return
  snapshots.reset()
  // The list does not wait for the socket: its response says which events it reflects, and the
  // socket's first catch-up starts from there (startFrom below).
  void loadList()
  client = new RealtimeClient({
    url: socketUrl(),
    createSocket: (url) => new WebSocket(url),
    fetchEvents: (since) => api.events(since),
    onEvents: applyEvents,
    onFrame: receiveFrame,
    onState: (state) => {
      connection.value = state
      if (state !== 'online') typingTracker.clear()
    },
    startFrom: (readySeq) => snapshots.startFrom(readySeq),
    onReset: () => {
      // The server's sequence went backwards: its data was reset, so nothing loaded still holds.
      epoch += 1
      snapshots.reset()
      batch(() => {
        list.value = emptyList
        timelines.value = new Map()
        ratings.value = new Map()
        seen.value = new Map()
      })
      void loadList()
      const id = selectedId.peek()
      if (id) void loadConversation(id)
    },
    onOnline: () => {
      const id = selectedId.peek()
      if (id) client?.send({ type: 'viewing', conversationId: id })
    },
    onClose: (attempt) => {
      if (attempt >= 1) checkSession()
    },
  })
  connection.value = 'connecting'
  client.start()
  const self = me.peek()
  if (self) {
    startAutoAway({
      agentId: self.agent.id,
      current: () => me.peek()?.agent.availability ?? null,
      set: (availability) => void setAvailability(availability, true),
      changedElsewhere: availabilityChangedElsewhere,
    })
  }
  tick = setInterval(() => {
    now.value = Date.now()
  }, 30_000)
  window.addEventListener('online', onOnline)
  document.addEventListener('visibilitychange', onVisibility)
  void api
    .agents()
    .then((r) => {
      agents.value = r.agents
    })
    .catch(() => undefined)
  void refreshInboxes()
  stopSelectionEffect = effect(() => {
    const id = selectedId.value
    typingNotifier.stop()
    client?.send({ type: 'viewing', conversationId: id })
    if (id) {
      void loadConversation(id)
      markRead(id)
    }
  })
}

function stopInbox(): void {
  stopSelectionEffect?.()
  stopAutoAway()
  stopSelectionEffect = null
  typingNotifier.stop()
  client?.stop()
  client = null
  epoch += 1
  listRequest += 1
  clearTimeout(refreshTimer)
  refreshTimer = undefined
  clearInterval(tick)
  window.removeEventListener('online', onOnline)
  document.removeEventListener('visibilitychange', onVisibility)
  typingTracker.clear()
  drafts.clear()
  emailRequests.clear()
  for (const timer of readTimers.values()) clearTimeout(timer)
  readTimers.clear()
  batch(() => {
    list.value = emptyList
    listStatus.value = { loading: false, loaded: false, error: null }
    timelines.value = new Map()
    ratings.value = new Map()
    seen.value = new Map()
    conversationStatus.value = new Map()
    agents.value = []
    inboxes.value = []
    emailDetails.value = new Map()
    connection.value = 'connecting'
  })
}

// ---------- one conversation ----------

function updateTimeline(id: Id, change: (timeline: Timeline) => Timeline): void {
  const map = new Map(timelines.peek())
  map.set(id, change(map.get(id) ?? emptyTimeline))
  timelines.value = map
}

function setConversationStatus(id: Id, value: { loading: boolean; error: string | null }): void {
  const map = new Map(conversationStatus.peek())
  map.set(id, value)
  conversationStatus.value = map
}

export async function loadConversation(id: Id): Promise<void> {
  const started = epoch
  setConversationStatus(id, { loading: true, error: null })
  try {
    await snapshots.load(
      () => api.conversation(id),
      ({ conversation, messages, seq }, during) => {
        if (started !== epoch) return false
        batch(() => {
          // Merging (not replacing) keeps what arrived live; events after `seq` that were applied
          // while the request was out are added too, and nothing already present by id twice.
          updateTimeline(id, (timeline) => mergeHistory(timeline, id, { messages, seq }, during))
          // The rating lives beside the list row: conversation events carry none.
          const { rating, contactReadSeq, ...dto } = conversation
          ratings.value = applyRatingEvents(setRating(ratings.peek(), id, rating, seq), during)
          seen.value = applySeenEvents(setSeen(seen.peek(), id, contactReadSeq ?? 0), during)
          const open = selectedId.peek() === id && pageVisible.peek()
          const row = { ...dto, unreadCount: open ? 0 : dto.unreadCount }
          list.value = mergeSnapshot(
            list.peek(),
            { conversations: [row], seq, messageIds: messages.map((m) => m.id) },
            during,
            attention(),
          )
          setConversationStatus(id, { loading: false, error: null })
        })
        return true
      },
    )
  } catch (error) {
    if (started !== epoch) return
    setConversationStatus(id, { loading: false, error: errorText(error) })
  }
}

const readTimers = new Map<Id, ReturnType<typeof setTimeout>>()

function scheduleMarkRead(id: Id): void {
  if (readTimers.has(id)) return
  readTimers.set(
    id,
    setTimeout(() => {
      readTimers.delete(id)
      if (selectedId.peek() === id && pageVisible.peek()) markRead(id)
    }, 400),
  )
}

function markRead(id: Id): void {
  list.value = setUnread(list.peek(), id, 0)
  api.markRead(id).catch(() => undefined)
}

export async function sendMessage(input: {
  conversationId: Id
  text: string
  private: boolean
  clientId?: string
  /** Email conversations: the reply's recipients (notes have none). */
  email?: EmailRecipients
  /** Uploaded files to send with it. */
  attachments?: UploadDTO[]
}): Promise<void> {
  const clientId = input.clientId ?? newClientId()
  const { conversationId, text } = input
  const email = input.private ? undefined : input.email
  typingNotifier.stop()
  updateTimeline(conversationId, (timeline) =>
    addPending(timeline, {
      clientId,
      conversationId,
      text,
      private: input.private,
      createdAt: Date.now(),
      state: 'sending',
      error: null,
      ...(email ? { email } : {}),
      ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    }),
  )
  try {
    const message = await api.sendMessage(conversationId, {
      clientId,
      text,
      private: input.private,
      ...(email ? { email } : {}),
      ...(input.attachments?.length ? { attachmentIds: input.attachments.map((a) => a.id) } : {}),
    })
    batch(() => {
      updateTimeline(conversationId, (timeline) => addMessages(timeline, [message]))
      showInList(message)
    })
  } catch (error) {
    updateTimeline(conversationId, (timeline) =>
      markPending(timeline, clientId, 'failed', errorText(error)),
    )
  }
}

/** The reply's own event will follow; updating the preview now just saves the wait. */
function showInList(message: MessageDTO): void {
  const conversation = list.peek().byId.get(message.conversationId)
  if (!conversation) return
  const event: EventDTO = {
    seq: message.seq,
    type: 'message.created',
    conversationId: message.conversationId,
    inboxId: conversation.inboxId,
    at: message.createdAt,
    message,
  }
  // An agent's own message never counts as unread, so applying it again with its event is harmless.
  list.value = applyEvent(list.peek(), event, attention()).state
}

export function retryMessage(conversationId: Id, clientId: string): void {
  const pending = timelines
    .peek()
    .get(conversationId)
    ?.pending.find((p) => p.clientId === clientId)
  if (!pending) return
  void sendMessage({
    conversationId,
    text: pending.text,
    private: pending.private,
    clientId,
    ...(pending.email ? { email: pending.email } : {}),
    ...(pending.attachments ? { attachments: pending.attachments } : {}),
  })
}

export function discardMessage(conversationId: Id, clientId: string): void {
  updateTimeline(conversationId, (timeline) => discardPending(timeline, clientId))
}

export async function assignConversation(id: Id, assigneeId: Id | null): Promise<void> {
  try {
    const conversation = await api.assign(id, assigneeId)
    list.value = upsertConversation(list.peek(), conversation)
  } catch (error) {
    notify(errorText(error))
  }
}

export async function changeStatus(id: Id, status: 'open' | 'resolved'): Promise<void> {
  try {
    const conversation = await api.setStatus(id, status)
    list.value = upsertConversation(list.peek(), conversation)
  } catch (error) {
    notify(errorText(error))
  }
}

/** Replies and notes being written, per conversation, so switching away loses nothing. */
export const drafts = new Map<
  Id,
  {
    text: string
    mode: 'reply' | 'note'
    /** Email conversations: the recipient fields as typed. */
    email?: { to: string; cc: string; bcc: string; open: boolean }
  }
>()

// ---------- inboxes and email ----------

let inboxesRequest: Promise<void> | null = null

/** Reloads the inboxes this agent can see (kinds decide how conversations are shown). */
export function refreshInboxes(): Promise<void> {
  inboxesRequest ??= api
    .inboxes()
    .then((r) => {
      inboxes.value = r.inboxes
    })
    .catch(() => undefined)
    .finally(() => {
      inboxesRequest = null
    })
  return inboxesRequest
}

const askedFor = new Set<Id>()

/** A conversation of an inbox this session has not heard of (created since): ask once per id. */
export function ensureInbox(id: Id): void {
  if (inboxes.peek().some((i) => i.id === id) || askedFor.has(id)) return
  askedFor.add(id)
  void refreshInboxes()
}

export const emailInboxes = computed(() => inboxes.value.filter((i) => i.kind === 'email'))

export function inboxKind(id: Id): InboxDTO['kind'] | null {
  return inboxes.value.find((i) => i.id === id)?.kind ?? null
}

export type EmailDetailsState =
  | { status: 'loading' }
  | { status: 'loaded'; details: EmailDetailsDTO }
  /** Not an email message (yet: a reply gets its email details when it is first sent). */
  | { status: 'missing'; key: string }
  | { status: 'error'; error: string; key: string }

/** Email details per message id, fetched once when a message is first shown. */
export const emailDetails = signal<ReadonlyMap<Id, EmailDetailsState>>(new Map())
const emailRequests = new Set<Id>()

function setEmailDetails(id: Id, state: EmailDetailsState): void {
  const map = new Map(emailDetails.peek())
  map.set(id, state)
  emailDetails.value = map
}

/**
 * Loads a message's email details unless they are known. `key` says what the message looked like
 * when asked (its delivery status): a reply that had none yet, or a failed request, is asked again
 * once the key changes.
 */
export function requestEmailDetails(id: Id, key: string): void {
  const known = emailDetails.peek().get(id)
  if (known && (known.status === 'loaded' || known.status === 'loading')) return
  if (known && known.key === key) return
  if (emailRequests.has(id)) return
  emailRequests.add(id)
  const started = epoch
  setEmailDetails(id, { status: 'loading' })
  api
    .emailDetails(id)
    .then((details) => {
      if (started === epoch) setEmailDetails(id, { status: 'loaded', details })
    })
    .catch((error: unknown) => {
      if (started !== epoch) return
      if (error instanceof ApiError && error.status === 404) {
        setEmailDetails(id, { status: 'missing', key })
      } else {
        setEmailDetails(id, { status: 'error', error: errorText(error), key })
      }
    })
    .finally(() => {
      emailRequests.delete(id)
    })
}

/** Asks the server to send a failed (or bounced) email reply again; its status follows as events. */
export async function retryDelivery(conversationId: Id, messageId: Id): Promise<void> {
  try {
    await api.retryDelivery(conversationId, messageId)
  } catch (error) {
    notify(errorText(error))
  }
}

/** Starts an email conversation with a customer and opens it. Throws for the form to show. */
export async function startEmail(input: {
  inboxId: Id
  clientId: string
  to: string
  name?: string
  cc?: string[]
  bcc?: string[]
  subject: string
  text: string
}): Promise<Id> {
  const { conversationId, message } = await api.startEmail(input)
  updateTimeline(conversationId, (timeline) => addMessages(timeline, [message]))
  openConversation(conversationId)
  return conversationId
}
