import type {
  ConversationDTO,
  EventDTO,
  EventsPage,
  MessageDTO,
  VisitorClientFrame,
  VisitorConversationDTO,
  VisitorServerFrame,
  WidgetConfig,
  WidgetSession,
} from '@kefu/protocol'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { appLocale } from './App'
import { ApiError, type ConversationMessages, type WidgetApi } from './api'
import { ACK_TIMEOUT_MS, Chat, type SocketHandlers } from './chat'

const config: WidgetConfig = {
  inbox: {
    name: 'Acme support',
    greeting: 'Hi!',
    color: '#0a7',
    position: 'right',
    launcherText: null,
    locale: null,
    files: { maxBytes: 10 * 1024 * 1024, allowedTypes: ['image', 'pdf'] },
    preChat: [],
    sound: true,
  },
  agentsOnline: true,
  availability: {
    teamName: null,
    agents: [],
    canAnswer: true,
    reason: null,
    backAt: null,
    replyTime: 'minutes',
    whenUnavailable: 'keep-open',
  },
}

function stored(overrides: Partial<MessageDTO> & { id: string; seq: number }): MessageDTO {
  return {
    conversationId: 'conv-1',
    direction: 'incoming',
    author: { type: 'contact', id: 'contact-1', name: null },
    text: 'hello',
    clientId: null,
    createdAt: 1,
    ...overrides,
  }
}

function conversation(status: ConversationDTO['status'], id = 'conv-1'): ConversationDTO {
  return {
    id,
    inboxId: 'inbox-1',
    status,
    priority: 'none',
    assigneeId: null,
    teamId: null,
    subject: null,
    contact: {
      id: 'contact-1',
      name: null,
      email: null,
      phone: null,
      attributes: {},
      createdAt: 1,
    },
    createdAt: 1,
    lastActivityAt: 1,
    firstResponseAt: null,
    resolvedAt: status === 'resolved' ? 5 : null,
    lastMessage: null,
  }
}

function resolvedEvent(seq: number, conversationId = 'conv-1'): EventDTO {
  return { seq, type: 'conversation.resolved', conversationId, inboxId: 'inbox-1', at: seq }
}

function created(message: MessageDTO): EventDTO {
  return {
    seq: message.seq,
    type: 'message.created',
    conversationId: message.conversationId,
    inboxId: 'inbox-1',
    at: message.createdAt,
    message,
  }
}

class FakeSocket {
  sent: VisitorClientFrame[] = []
  closed = false
  constructor(readonly handlers: SocketHandlers) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as VisitorClientFrame)
  }
  close() {
    this.closed = true
  }
  push(frame: VisitorServerFrame) {
    this.handlers.message(JSON.stringify(frame))
  }
  messageFrames() {
    return this.sent.filter((f) => f.type === 'message')
  }
}

function setup(session: Partial<WidgetSession> = {}) {
  const sockets: FakeSocket[] = []
  const storage = new Map<string, string>([['kefu.visitor.pub-1', 'token-old']])
  let online = true
  let ids = 0
  const api = {
    getConfig: vi.fn(async () => config),
    startSession: vi.fn(
      async (): Promise<WidgetSession> => ({
        visitorToken: 'token-1',
        visitorId: 'visitor-1',
        conversation: null,
        messages: [],
        seq: 10,
        teamReadSeq: 0,
        ...session,
      }),
    ),
    getEvents: vi.fn(
      async (_token: string, since: number): Promise<EventsPage> => ({
        events: [],
        seq: since,
        more: false,
      }),
    ),
    postMessage: vi.fn(
      async (_token: string, draft: { clientId: string; text: string }): Promise<MessageDTO> =>
        stored({ id: `m-${draft.clientId}`, seq: 50, clientId: draft.clientId, text: draft.text }),
    ),
    identify: vi.fn(async () => ({ verified: true })),
    getMessages: vi.fn(
      async (_token: string, _id: string): Promise<ConversationMessages> => ({
        conversation: null,
        messages: [],
        teamReadSeq: 0,
      }),
    ),
    listConversations: vi.fn(
      async (_token: string): Promise<{ conversations: VisitorConversationDTO[] }> => ({
        conversations: [],
      }),
    ),
    read: vi.fn(async (_token: string, _receipt: { conversationId: string; seq: number }) => ({})),
    sendOffline: vi.fn(async (_token: string, form: { clientId: string; text: string }) => ({
      message: stored({
        id: `m-${form.clientId}`,
        seq: 60,
        clientId: form.clientId,
        text: form.text,
      }),
    })),
    saveProfile: vi.fn(async (_token: string, _fields: Record<string, string>) => ({
      ok: true as const,
    })),
    upload: vi.fn(async (_token: string, file: File) => ({
      id: `u-${file.name}`,
      filename: file.name,
      contentType: 'image/png',
      size: file.size,
      image: true,
    })),
    rate: vi.fn(
      async (
        _token: string,
        rating: { conversationId: string; score: number; comment: string | null },
      ) => ({ score: rating.score, comment: rating.comment, ratedAt: 99 }),
    ),
  } satisfies WidgetApi
  const chat = new Chat({
    api,
    inbox: 'pub-1',
    socketUrl: 'ws://kefu.test/api/widget/ws',
    openSocket: (_url, handlers) => {
      const socket = new FakeSocket(handlers)
      sockets.push(socket)
      return socket
    },
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
    },
    newClientId: () => `c${++ids}`,
    isOnline: () => online,
    random: () => 0.5,
  })
  const socket = () => sockets.at(-1)!
  async function connect() {
    socket().handlers.open()
    socket().push({ type: 'ready', seq: 10 })
    await vi.advanceTimersByTimeAsync(0)
  }
  const view = () =>
    chat.getSnapshot().messages.map((m) => `${m.id ?? m.clientId}:${m.state}:${m.text}`)
  return {
    chat,
    api,
    storage,
    sockets,
    socket,
    connect,
    view,
    setOnline: (value: boolean) => {
      online = value
    },
  }
}

describe('chat', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  test('starting a session sends the stored visitor token and keeps the one the server returns', async () => {
    const { chat, api, storage, socket } = setup()
    await chat.start()
    expect(api.startSession).toHaveBeenCalledWith('token-old')
    expect(storage.get('kefu.visitor.pub-1')).toBe('token-1')
    socket().handlers.open()
    expect(socket().sent[0]).toEqual({ type: 'auth', visitorToken: 'token-1' })
    expect(chat.getSnapshot().connection).toBe('connecting')
    socket().push({ type: 'ready', seq: 10 })
    expect(chat.getSnapshot().connection).toBe('online')
  })

  test('identify() made before the session is sent once it exists, then the session is renewed', async () => {
    const { chat, api, socket } = setup()
    void chat.identify({ id: 'user-1', hash: 'ab' })
    expect(api.identify).not.toHaveBeenCalled()
    await chat.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(api.identify).toHaveBeenCalledWith('token-1', { id: 'user-1', hash: 'ab' })
    expect(api.startSession).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(socket().handlers).toBeDefined()
  })

  test('a refused identity changes nothing', async () => {
    const { chat, api } = setup()
    api.identify.mockRejectedValueOnce(new Error('403'))
    await chat.start()
    await chat.identify({ id: 'user-1', hash: 'forged' })
    expect(api.startSession).toHaveBeenCalledTimes(1)
  })

  test('reset() forgets the visitor and starts a new session without a token', async () => {
    const { chat, api, storage } = setup()
    await chat.start()
    await chat.reset()
    expect(api.startSession).toHaveBeenLastCalledWith(null)
    expect(storage.get('kefu.visitor.pub-1')).toBe('token-1')
  })

  test('every (re)connect fetches the events missed since the last applied seq, page by page', async () => {
    const { chat, api, connect, view } = setup()
    api.getEvents.mockResolvedValueOnce({
      events: [created(stored({ id: 'a', seq: 11, direction: 'outgoing', text: 'hi' }))],
      seq: 12,
      more: true,
    })
    api.getEvents.mockResolvedValueOnce({
      events: [created(stored({ id: 'b', seq: 13, direction: 'outgoing', text: 'there' }))],
      seq: 13,
      more: false,
    })
    await chat.start()
    await connect()
    expect(api.getEvents.mock.calls.map((call) => call[1])).toEqual([10, 12])
    expect(view()).toEqual(['a:sent:hi', 'b:sent:there'])
  })

  test('a message is shown at once and becomes sent on its ack, once', async () => {
    const { chat, socket, connect, view } = setup()
    await chat.start()
    await connect()
    chat.send('  hello  ')
    expect(view()).toEqual(['c1:sending:hello'])
    expect(socket().messageFrames()).toEqual([{ type: 'message', clientId: 'c1', text: 'hello' }])
    const message = stored({ id: 'm1', seq: 11, clientId: 'c1' })
    socket().push({ type: 'ack', clientId: 'c1', message })
    socket().push({ type: 'event', event: created(message) })
    expect(view()).toEqual(['m1:sent:hello'])
  })

  test('without an ack the message goes over HTTP with the same clientId', async () => {
    const { chat, api, connect, view } = setup()
    await chat.start()
    await connect()
    chat.send('hello')
    await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS - 1)
    expect(api.postMessage).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(api.postMessage).toHaveBeenCalledWith('token-1', { clientId: 'c1', text: 'hello' })
    expect(view()).toEqual(['m-c1:sent:hello'])
  })

  test('a message that neither the socket nor HTTP delivers is failed, and retry sends it again', async () => {
    const { chat, api, socket, connect, view } = setup()
    await chat.start()
    await connect()
    api.postMessage.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    chat.send('hello')
    await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS)
    expect(view()).toEqual(['c1:failed:hello'])
    chat.retry('c1')
    expect(view()).toEqual(['c1:sending:hello'])
    expect(socket().messageFrames()).toHaveLength(2)
  })

  test('an error frame naming a message marks it failed', async () => {
    const { chat, socket, connect, view } = setup()
    await chat.start()
    await connect()
    chat.send('hello')
    socket().push({ type: 'error', code: 'message.too_long', message: 'Too long', clientId: 'c1' })
    expect(view()).toEqual(['c1:failed:hello'])
  })

  test('a message sent while the socket reconnects goes over HTTP at once', async () => {
    const { chat, api, socket, connect, view } = setup()
    await chat.start()
    await connect()
    socket().handlers.close(1006)
    chat.send('hello')
    await vi.advanceTimersByTimeAsync(0)
    expect(api.postMessage).toHaveBeenCalledTimes(1)
    expect(view()).toEqual(['m-c1:sent:hello'])
  })

  test('messages written while offline stay sending and go out once when the socket is back', async () => {
    const { chat, api, sockets, socket, connect, view, setOnline } = setup()
    await chat.start()
    await connect()
    setOnline(false)
    chat.networkChanged(false)
    expect(chat.getSnapshot().connection).toBe('offline')
    chat.send('one')
    chat.send('two')
    await vi.advanceTimersByTimeAsync(0)
    expect(api.postMessage).not.toHaveBeenCalled()
    expect(view()).toEqual(['c1:sending:one', 'c2:sending:two'])

    setOnline(true)
    chat.networkChanged(true)
    expect(sockets).toHaveLength(2)
    await connect()
    expect(socket().messageFrames()).toEqual([
      { type: 'message', clientId: 'c1', text: 'one' },
      { type: 'message', clientId: 'c2', text: 'two' },
    ])
    // A second `ready` on the same socket does not send them again.
    socket().push({ type: 'ready', seq: 10 })
    expect(socket().messageFrames()).toHaveLength(2)
  })

  test('a lost socket reconnects with growing delays', async () => {
    const { chat, sockets, socket } = setup()
    await chat.start()
    expect(sockets).toHaveLength(1)
    socket().handlers.close(1006) // first failure: ~0.4 s with the fixed jitter
    await vi.advanceTimersByTimeAsync(374)
    expect(sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sockets).toHaveLength(2)
    socket().handlers.close(1006) // second failure: ~0.75 s, and the banner says offline
    expect(chat.getSnapshot().connection).toBe('offline')
    await vi.advanceTimersByTimeAsync(749)
    expect(sockets).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(sockets).toHaveLength(3)
  })

  test('agent replies while the chat is closed count as unread until it opens', async () => {
    const { chat, socket, connect } = setup()
    const counts: number[] = []
    chat.onUnread = (count) => counts.push(count)
    await chat.start()
    await connect()
    const reply = stored({ id: 'r1', seq: 11, direction: 'outgoing' })
    socket().push({ type: 'event', event: created(reply) })
    socket().push({ type: 'event', event: created(reply) })
    socket().push({ type: 'event', event: created(stored({ id: 'v', seq: 12 })) })
    expect(chat.getSnapshot().unread).toBe(1)
    chat.setVisible(true)
    socket().push({
      type: 'event',
      event: created(stored({ id: 'r2', seq: 13, direction: 'outgoing' })),
    })
    expect(counts).toEqual([1, 0])
  })

  test("each new agent reply is announced once, visible or not, never the visitor's own", async () => {
    const { chat, socket, connect } = setup()
    let announced = 0
    chat.onAgentMessage = () => announced++
    await chat.start()
    await connect()
    const reply = stored({ id: 'r1', seq: 11, direction: 'outgoing' })
    socket().push({ type: 'event', event: created(reply) })
    socket().push({ type: 'event', event: created(reply) })
    socket().push({ type: 'event', event: created(stored({ id: 'v', seq: 12 })) })
    chat.setVisible(true)
    socket().push({
      type: 'event',
      event: created(stored({ id: 'r2', seq: 13, direction: 'outgoing' })),
    })
    expect(announced).toBe(2)
  })

  test('setLocale() switches the locale at once, over the inbox and the browser', async () => {
    const { chat } = setup()
    await chat.start()
    const seen: (string | null)[] = []
    chat.subscribe(() => seen.push(chat.getSnapshot().locale))
    expect(chat.getSnapshot().locale).toBeNull()
    expect(appLocale(chat.getSnapshot(), ['en-US'])).toBe('en')
    chat.setLocale('zh-TW')
    expect(seen).toEqual(['zh-TW'])
    expect(appLocale(chat.getSnapshot(), ['en-US'])).toBe('zh-TW')
    chat.setLocale('zh-TW')
    expect(seen).toHaveLength(1)
    chat.setLocale('en')
    expect(appLocale(chat.getSnapshot(), ['zh-CN'])).toBe('en')
  })

  test('the agent typing indicator clears by itself and when the reply arrives', async () => {
    const { chat, socket, connect } = setup()
    await chat.start()
    await connect()
    socket().push({ type: 'typing', typing: true, agentName: 'Li Na' })
    expect(chat.getSnapshot().agentTyping).toEqual({ name: 'Li Na' })
    await vi.advanceTimersByTimeAsync(6_000)
    expect(chat.getSnapshot().agentTyping).toBeNull()
    socket().push({ type: 'typing', typing: true, agentName: null })
    socket().push({
      type: 'event',
      event: created(stored({ id: 'r', seq: 11, direction: 'outgoing' })),
    })
    expect(chat.getSnapshot().agentTyping).toBeNull()
  })

  test('visitor typing is throttled and stops after a pause or on send', async () => {
    const { chat, socket, connect } = setup()
    await chat.start()
    await connect()
    const typingFrames = () => socket().sent.filter((f) => f.type === 'typing')
    chat.noteTyping('h')
    chat.noteTyping('he')
    chat.noteTyping('hel')
    expect(typingFrames()).toEqual([{ type: 'typing', typing: true }])
    await vi.advanceTimersByTimeAsync(3_000)
    expect(typingFrames()).toEqual([
      { type: 'typing', typing: true },
      { type: 'typing', typing: false },
    ])
    chat.noteTyping('hello')
    chat.send('hello')
    expect(typingFrames().at(-1)).toEqual({ type: 'typing', typing: false })
  })

  test('a refused visitor token gets a new session before reconnecting', async () => {
    const { chat, api, sockets, socket, storage } = setup()
    await chat.start()
    api.startSession.mockResolvedValueOnce({
      visitorToken: 'token-2',
      visitorId: 'visitor-2',
      conversation: null,
      messages: [],
      seq: 10,
      teamReadSeq: 0,
    })
    socket().handlers.open()
    socket().handlers.close(4401)
    await vi.advanceTimersByTimeAsync(0)
    expect(api.startSession).toHaveBeenLastCalledWith('token-1')
    expect(storage.get('kefu.visitor.pub-1')).toBe('token-2')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sockets).toHaveLength(2)
    socket().handlers.open()
    expect(socket().sent[0]).toEqual({ type: 'auth', visitorToken: 'token-2' })
  })

  test('an unknown inbox makes the chat unavailable instead of retrying', async () => {
    const { chat, api } = setup()
    api.getConfig.mockRejectedValueOnce(new ApiError(404, 'inbox.not_found', 'No such inbox'))
    await chat.start()
    expect(chat.getSnapshot().phase).toBe('unavailable')
    expect(chat.send('hello')).toBe(false)
  })

  test('a file alone is sent with its upload id, over the socket and then over HTTP', async () => {
    const { chat, api, socket, connect } = setup()
    await chat.start()
    await connect()
    const upload = await chat.upload(new File(['x'], 'photo.png'))
    expect(api.upload).toHaveBeenCalledWith('token-1', expect.any(File))
    expect(chat.send('', [{ ...upload, url: 'blob:preview' }])).toBe(true)
    expect(chat.getSnapshot().messages[0]?.attachments?.[0]?.url).toBe('blob:preview')
    expect(socket().messageFrames()).toEqual([
      { type: 'message', clientId: 'c1', text: '', attachmentIds: ['u-photo.png'] },
    ])
    await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS)
    expect(api.postMessage).toHaveBeenCalledWith('token-1', {
      clientId: 'c1',
      text: '',
      attachmentIds: ['u-photo.png'],
    })
    expect(chat.send('', [])).toBe(false)
  })

  test("a picture's local preview is let go once its stored copy replaces it", async () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const { chat, socket, connect } = setup()
    await chat.start()
    await connect()
    const upload = await chat.upload(new File(['x'], 'photo.png'))
    chat.send('', [{ ...upload, url: 'blob:preview' }])
    chat.send('', [{ ...upload, url: 'https://kefu.test/file' }])
    expect(revoke).not.toHaveBeenCalled()
    socket().push({
      type: 'ack',
      clientId: 'c1',
      message: stored({ id: 'm1', seq: 11, clientId: 'c1', text: '' }),
    })
    expect(revoke).toHaveBeenCalledExactlyOnceWith('blob:preview')
    revoke.mockRestore()
  })

  test('texts longer than the limit are not sent', async () => {
    const { chat } = setup()
    await chat.start()
    expect(chat.send('x'.repeat(10_001))).toBe(false)
    expect(chat.send('   ')).toBe(false)
    expect(chat.send('x'.repeat(10_000))).toBe(true)
  })
})

describe('rating a resolved conversation', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const history = [stored({ id: 'h1', seq: 3, text: 'where is my order?' })]

  test('the card appears when the agent resolves the conversation live', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open'),
      messages: history,
    })
    await chat.start()
    await connect()
    expect(chat.getSnapshot().csat).toBeNull()
    socket().push({ type: 'event', event: resolvedEvent(11) })
    expect(chat.getSnapshot().csat).toMatchObject({
      conversationId: 'conv-1',
      sent: null,
      status: 'idle',
    })
  })

  test('the card appears on catch-up, and for a session whose conversation is resolved', async () => {
    const missed = setup({ conversation: conversation('open'), messages: history })
    missed.api.getEvents.mockResolvedValueOnce({
      events: [resolvedEvent(12)],
      seq: 12,
      more: false,
    })
    await missed.chat.start()
    await missed.connect()
    expect(missed.chat.getSnapshot().csat?.conversationId).toBe('conv-1')

    const reloaded = setup({ conversation: conversation('resolved'), messages: history })
    await reloaded.chat.start()
    expect(reloaded.chat.getSnapshot().csat?.conversationId).toBe('conv-1')
  })

  test("another conversation's resolution, or one before the session, asks nothing", async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open'),
      messages: history,
    })
    await chat.start()
    await connect()
    socket().push({ type: 'event', event: resolvedEvent(11, 'conv-email') })
    socket().push({ type: 'event', event: resolvedEvent(9) })
    expect(chat.getSnapshot().csat).toBeNull()
  })

  test('a conversation the visitor opened in this session is the one rated', async () => {
    const { chat, socket, connect, api } = setup()
    await chat.start()
    await connect()
    chat.send('hello')
    socket().push({
      type: 'ack',
      clientId: 'c1',
      message: stored({ id: 'm1', seq: 11, clientId: 'c1' }),
    })
    socket().push({ type: 'event', event: resolvedEvent(14) })
    expect(chat.getSnapshot().csat?.conversationId).toBe('conv-1')
    await chat.rate(5, '')
    expect(api.rate).toHaveBeenCalledWith('token-1', {
      conversationId: 'conv-1',
      score: 5,
      comment: null,
    })
  })

  test('the card steps aside once anyone writes again, and returns with the next resolution', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('resolved'),
      messages: history,
    })
    await chat.start()
    await connect()
    chat.send('one more question')
    expect(chat.getSnapshot().csat).toBeNull()
    socket().push({
      type: 'ack',
      clientId: 'c1',
      message: stored({ id: 'm1', seq: 11, clientId: 'c1' }),
    })
    expect(chat.getSnapshot().csat).toBeNull()
    socket().push({ type: 'event', event: resolvedEvent(15) })
    expect(chat.getSnapshot().csat).not.toBeNull()
    socket().push({
      type: 'event',
      event: created(stored({ id: 'r1', seq: 16, direction: 'outgoing', text: 'Back again' })),
    })
    expect(chat.getSnapshot().csat).toBeNull()
  })

  test('sending shows thanks with the score, remembers it after a reload, and may be changed', async () => {
    const { chat, api, storage } = setup({
      conversation: conversation('resolved'),
      messages: history,
    })
    await chat.start()
    const sending = chat.rate(4, '  Quick and kind 谢谢  ')
    expect(chat.getSnapshot().csat?.status).toBe('sending')
    await sending
    expect(api.rate).toHaveBeenCalledWith('token-1', {
      conversationId: 'conv-1',
      score: 4,
      comment: 'Quick and kind 谢谢',
    })
    expect(chat.getSnapshot().csat).toMatchObject({
      status: 'idle',
      sent: { score: 4, comment: 'Quick and kind 谢谢' },
    })

    // The same browser, later: the thanks are still there.
    const again = setup({ conversation: conversation('resolved'), messages: history })
    for (const [key, value] of storage) again.storage.set(key, value)
    await again.chat.start()
    expect(again.chat.getSnapshot().csat?.sent).toEqual({
      score: 4,
      comment: 'Quick and kind 谢谢',
    })

    await again.chat.rate(2, '')
    expect(again.chat.getSnapshot().csat?.sent).toEqual({ score: 2, comment: null })
  })

  test('a failed send can be tried again; a conversation no longer resolved drops the card', async () => {
    const { chat, api } = setup({ conversation: conversation('resolved'), messages: history })
    await chat.start()
    api.rate.mockRejectedValueOnce(new TypeError('network'))
    await chat.rate(3, '')
    expect(chat.getSnapshot().csat).toMatchObject({ status: 'failed', sent: null })
    await chat.rate(3, '')
    expect(chat.getSnapshot().csat).toMatchObject({ status: 'idle', sent: { score: 3 } })

    api.rate.mockRejectedValueOnce(new ApiError(409, 'conversation.not_resolved', 'reopened'))
    await chat.rate(1, '')
    expect(chat.getSnapshot().csat).toBeNull()
  })

  test('scores outside 1..5 are never sent', async () => {
    const { chat, api } = setup({ conversation: conversation('resolved'), messages: history })
    await chat.start()
    for (const score of [0, 6, 2.5, Number.NaN]) await chat.rate(score, '')
    expect(api.rate).not.toHaveBeenCalled()
  })
})

describe('pre-chat form', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  const withForm: WidgetConfig = {
    ...config,
    inbox: {
      ...config.inbox,
      preChat: [{ key: 'email', type: 'email', required: true }],
    },
  }

  test('is asked once per visitor token, then the composer takes its place', async () => {
    const { chat, api, storage } = setup()
    api.getConfig.mockResolvedValue(withForm)
    await chat.start()
    expect(chat.getSnapshot().preChat).toEqual(withForm.inbox.preChat)
    expect(await chat.submitPreChat({ email: 'lin@example.test' })).toEqual({ ok: true })
    expect(api.saveProfile).toHaveBeenCalledWith('token-1', { email: 'lin@example.test' })
    expect(chat.getSnapshot().preChat).toBeNull()
    expect(storage.get('kefu.prechat.pub-1')).toBe('token-1')
  })

  test('is remembered across reloads, and skipped when the session has messages', async () => {
    const first = setup()
    first.api.getConfig.mockResolvedValue(withForm)
    first.storage.set('kefu.prechat.pub-1', 'token-1')
    await first.chat.start()
    expect(first.chat.getSnapshot().preChat).toBeNull()

    const second = setup({ messages: [stored({ id: 'm1', seq: 5, text: 'hello' })] })
    second.api.getConfig.mockResolvedValue(withForm)
    await second.chat.start()
    expect(second.chat.getSnapshot().preChat).toBeNull()
  })

  test("the server's refusal comes back field by field and the form stays", async () => {
    const { chat, api } = setup()
    api.getConfig.mockResolvedValue(withForm)
    api.saveProfile.mockRejectedValueOnce(
      new ApiError(400, 'request.invalid', 'email: invalid', {
        issues: [{ path: 'fields.email', message: 'invalid' }],
      }),
    )
    await chat.start()
    expect(await chat.submitPreChat({ email: 'x@y.z' })).toEqual({
      ok: false,
      errors: { email: 'invalid' },
    })
    expect(chat.getSnapshot().preChat).not.toBeNull()
  })
})

describe('chat: read receipts and several conversations', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const reply = (id: string, seq: number, conversationId = 'conv-1') =>
    created(stored({ id, seq, conversationId, direction: 'outgoing', text: `reply ${id}` }))
  const readFrames = (socket: FakeSocket) => socket.sent.filter((f) => f.type === 'read')
  const listed = (
    id: string,
    unreadCount: number,
    status: VisitorConversationDTO['status'] = 'open',
  ): VisitorConversationDTO => ({
    id,
    status,
    createdAt: 1,
    lastMessage: { text: 'hi', direction: 'incoming', createdAt: 1 },
    unreadCount,
  })

  test('replies are reported read only while the widget is open and the page visible', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open'),
      messages: [stored({ id: 'm1', seq: 5 })],
    })
    const unread: number[] = []
    chat.onUnread = (count) => unread.push(count)
    await chat.start()
    await connect()
    socket().push({ type: 'event', event: reply('r1', 11) })
    // Closed: nothing is read, the reply counts as unread.
    expect(readFrames(socket())).toEqual([])
    expect(unread).toEqual([1])
    chat.setVisible(true)
    expect(readFrames(socket())).toEqual([{ type: 'read', conversationId: 'conv-1', seq: 11 }])
    expect(unread).toEqual([1, 0])
    // Open: a live reply is read at once, and only once.
    socket().push({ type: 'event', event: reply('r2', 12) })
    chat.setVisible(true)
    expect(readFrames(socket())).toEqual([
      { type: 'read', conversationId: 'conv-1', seq: 11 },
      { type: 'read', conversationId: 'conv-1', seq: 12 },
    ])
  })

  test('without a socket the read receipt goes over HTTP', async () => {
    const { chat, api } = setup({
      conversation: conversation('open'),
      messages: [stored({ id: 'r1', seq: 7, direction: 'outgoing' })],
    })
    await chat.start()
    chat.setVisible(true)
    expect(api.read).toHaveBeenCalledWith('token-1', { conversationId: 'conv-1', seq: 7 })
  })

  test("the team's read mark follows its events for the conversation shown only", async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open'),
      messages: [stored({ id: 'm1', seq: 5 }), stored({ id: 'm2', seq: 6 })],
      teamReadSeq: 5,
    })
    await chat.start()
    await connect()
    expect(chat.getSnapshot().readSeq).toBe(5)
    const read = (seq: number, readSeq: number, conversationId = 'conv-1'): EventDTO => ({
      seq,
      type: 'conversation.read',
      conversationId,
      inboxId: 'inbox-1',
      at: seq,
      reader: 'team',
      readSeq,
    })
    socket().push({ type: 'event', event: read(11, 6, 'conv-2') })
    expect(chat.getSnapshot().readSeq).toBe(5)
    socket().push({ type: 'event', event: read(12, 6) })
    expect(chat.getSnapshot().readSeq).toBe(6)
  })

  test('a new conversation: the first message opens it, the next ones wait for its id', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('resolved'),
      messages: [stored({ id: 'm1', seq: 5 })],
    })
    await chat.start()
    await connect()
    chat.startConversation()
    expect(chat.getSnapshot().messages).toEqual([])
    expect(chat.getSnapshot().csat).toBeNull()
    chat.send('A new question')
    chat.send('And some detail')
    expect(socket().messageFrames()).toEqual([
      { type: 'message', clientId: 'c1', text: 'A new question', new: true },
    ])
    socket().push({
      type: 'ack',
      clientId: 'c1',
      message: stored({ id: 'n1', seq: 20, clientId: 'c1', conversationId: 'conv-2' }),
    })
    expect(socket().messageFrames().at(-1)).toEqual({
      type: 'message',
      clientId: 'c2',
      text: 'And some detail',
      conversationId: 'conv-2',
    })
    // Messages of the old conversation no longer show here.
    socket().push({ type: 'event', event: reply('r-old', 21, 'conv-1') })
    expect(chat.getSnapshot().messages.map((m) => m.id ?? m.clientId)).toEqual(['n1', 'c2'])
  })

  test('replies elsewhere update the list and its badge, and count as unread while closed', async () => {
    const { chat, api, socket, connect } = setup({
      conversation: conversation('open', 'conv-2'),
      messages: [stored({ id: 'm1', seq: 5, conversationId: 'conv-2' })],
    })
    api.listConversations.mockResolvedValue({
      conversations: [listed('conv-2', 0), listed('conv-1', 0, 'resolved')],
    })
    const unread: number[] = []
    chat.onUnread = (count) => unread.push(count)
    await chat.start()
    await connect()
    chat.setVisible(true)
    chat.showList()
    await vi.advanceTimersByTimeAsync(0)
    expect(chat.getSnapshot().conversations?.map((c) => c.id)).toEqual(['conv-2', 'conv-1'])
    chat.showChat()

    socket().push({ type: 'event', event: reply('r1', 11, 'conv-1') })
    const snap = chat.getSnapshot()
    expect(snap.messages.map((m) => m.id)).toEqual(['m1'])
    expect(snap.conversations?.map((c) => [c.id, c.unreadCount])).toEqual([
      ['conv-1', 1],
      ['conv-2', 0],
    ])
    expect(snap.unreadElsewhere).toBe(1)
    // Open and visible: the host's count stays; closed, a reply anywhere counts.
    expect(unread).toEqual([])
    chat.setVisible(false)
    socket().push({ type: 'event', event: reply('r2', 12, 'conv-1') })
    expect(unread).toEqual([1])
    expect(readFrames(socket())).toEqual([])
  })

  test('opening a conversation from the list shows its history and reads it', async () => {
    const { chat, api, socket, connect } = setup({
      conversation: conversation('open', 'conv-2'),
      messages: [stored({ id: 'm1', seq: 5, conversationId: 'conv-2' })],
    })
    let answer: (value: Awaited<ReturnType<typeof api.getMessages>>) => void = () => {}
    api.getMessages.mockImplementation(
      () =>
        new Promise((resolve) => {
          answer = resolve
        }),
    )
    await chat.start()
    await connect()
    chat.setVisible(true)
    void chat.openConversation('conv-1')
    expect(api.getMessages).toHaveBeenCalledWith('token-1', 'conv-1')
    // A reply arriving while the history loads is kept.
    socket().push({ type: 'event', event: reply('r2', 13, 'conv-1') })
    answer({
      conversation: conversation('resolved', 'conv-1'),
      messages: [
        stored({ id: 'o1', seq: 3, conversationId: 'conv-1' }),
        stored({ id: 'r1', seq: 4, conversationId: 'conv-1', direction: 'outgoing' }),
      ],
      teamReadSeq: 3,
    })
    await vi.advanceTimersByTimeAsync(0)
    const snap = chat.getSnapshot()
    expect(snap.view).toBe('chat')
    expect(snap.messages.map((m) => m.id)).toEqual(['o1', 'r1', 'r2'])
    expect(snap.readSeq).toBe(3)
    expect(readFrames(socket()).at(-1)).toEqual({ type: 'read', conversationId: 'conv-1', seq: 13 })
    chat.send('Back to this one')
    expect(socket().messageFrames().at(-1)).toMatchObject({ conversationId: 'conv-1' })
  })

  test('another conversation that cannot be loaded leads back to the list', async () => {
    const { chat, api } = setup()
    api.getMessages.mockRejectedValue(new ApiError(404, 'conversation.not_found', ''))
    await chat.start()
    await chat.openConversation('conv-9')
    expect(chat.getSnapshot().view).toBe('list')
  })

  test('an agent typing in another conversation does not show here', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open', 'conv-2'),
      messages: [stored({ id: 'm1', seq: 5, conversationId: 'conv-2' })],
    })
    await chat.start()
    await connect()
    socket().push({ type: 'typing', typing: true, agentName: 'Li Na', conversationId: 'conv-1' })
    expect(chat.getSnapshot().agentTyping).toBeNull()
    socket().push({ type: 'typing', typing: true, agentName: 'Li Na', conversationId: 'conv-2' })
    expect(chat.getSnapshot().agentTyping).toEqual({ name: 'Li Na' })
  })

  test('a new conversation whose first message is confirmed by its event before the ack sends the next ones at once', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('resolved'),
      messages: [stored({ id: 'm1', seq: 5 })],
    })
    await chat.start()
    await connect()
    chat.startConversation()
    chat.send('A new question')
    chat.send('And some detail')
    const first = stored({ id: 'n1', seq: 20, clientId: 'c1', conversationId: 'conv-2' })
    // The server publishes the event before it answers with the ack.
    socket().push({ type: 'event', event: created(first) })
    expect(socket().messageFrames().at(-1)).toEqual({
      type: 'message',
      clientId: 'c2',
      text: 'And some detail',
      conversationId: 'conv-2',
    })
    socket().push({ type: 'ack', clientId: 'c1', message: first })
    expect(socket().messageFrames()).toHaveLength(2)
    expect(chat.getSnapshot().messages.map((m) => `${m.id ?? m.clientId}:${m.state}`)).toEqual([
      'n1:sent',
      'c2:sending',
    ])
  })

  test('a message queued offline keeps its conversation when another is shown, and goes there once', async () => {
    const { chat, api, socket, connect, setOnline } = setup({
      conversation: conversation('open', 'conv-2'),
      messages: [stored({ id: 'm1', seq: 5, conversationId: 'conv-2' })],
    })
    await chat.start()
    await connect()
    setOnline(false)
    chat.networkChanged(false)
    chat.send('Written in conv-2')
    // Opening the conversation already shown keeps everything as it is.
    await chat.openConversation('conv-2')
    expect(api.getMessages).not.toHaveBeenCalled()
    expect(chat.getSnapshot().messages.map((m) => m.id ?? m.clientId)).toEqual(['m1', 'c1'])
    await chat.openConversation('conv-1')
    expect(chat.getSnapshot().messages).toEqual([])
    setOnline(true)
    chat.networkChanged(true)
    await connect()
    expect(socket().messageFrames()).toEqual([
      { type: 'message', clientId: 'c1', text: 'Written in conv-2', conversationId: 'conv-2' },
    ])
    socket().push({ type: 'ready', seq: 10 })
    expect(socket().messageFrames()).toHaveLength(1)
    // Its ack is for a conversation not shown: nothing is drawn, nothing waits any more.
    socket().push({
      type: 'ack',
      clientId: 'c1',
      message: stored({ id: 'q1', seq: 21, clientId: 'c1', conversationId: 'conv-2' }),
    })
    await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS)
    expect(api.postMessage).not.toHaveBeenCalled()
    expect(chat.getSnapshot().messages).toEqual([])
  })

  test('messages of a new conversation still go into it, in order, after another is shown', async () => {
    const { chat, api, socket, connect, setOnline } = setup({
      conversation: conversation('open'),
      messages: [stored({ id: 'm1', seq: 5 })],
    })
    await chat.start()
    await connect()
    setOnline(false)
    chat.networkChanged(false)
    chat.startConversation()
    chat.send('Opens it')
    chat.send('Follows')
    await chat.openConversation('conv-1')
    setOnline(true)
    chat.networkChanged(true)
    await connect()
    expect(socket().messageFrames()).toEqual([
      { type: 'message', clientId: 'c1', text: 'Opens it', new: true },
    ])
    socket().push({
      type: 'ack',
      clientId: 'c1',
      message: stored({ id: 'n1', seq: 20, clientId: 'c1', conversationId: 'conv-3' }),
    })
    expect(socket().messageFrames().at(-1)).toEqual({
      type: 'message',
      clientId: 'c2',
      text: 'Follows',
      conversationId: 'conv-3',
    })
    // In flight when the visitor looks elsewhere: the ack timeout still falls back to HTTP.
    api.postMessage.mockImplementationOnce(async (_token, draft) =>
      stored({ id: 'n2', seq: 22, clientId: draft.clientId, conversationId: 'conv-3' }),
    )
    await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS)
    expect(api.postMessage).toHaveBeenCalledWith('token-1', {
      clientId: 'c2',
      text: 'Follows',
      conversationId: 'conv-3',
    })
    expect(chat.getSnapshot().messages).toEqual([])
  })

  test('the offline form sent while another conversation is shown leaves nothing sending', async () => {
    const { chat, socket, connect, setOnline } = setup({
      conversation: conversation('open', 'conv-2'),
      messages: [stored({ id: 'm1', seq: 5, conversationId: 'conv-2' })],
    })
    await chat.start()
    await connect()
    await chat.openConversation('conv-9')
    // The server stores it in the latest conversation, not the one shown.
    const result = await chat.submitOffline({ email: 'a@b.co', name: '', text: 'Call me' })
    expect(result).toEqual({ ok: true })
    expect(chat.getSnapshot().messages).toEqual([])
    setOnline(false)
    chat.networkChanged(false)
    setOnline(true)
    chat.networkChanged(true)
    await connect()
    expect(socket().messageFrames()).toEqual([])
  })

  test('typing names the conversation it is about, and stops there when another is shown', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open'),
      messages: [stored({ id: 'm1', seq: 5 })],
    })
    await chat.start()
    await connect()
    const typingFrames = () => socket().sent.filter((f) => f.type === 'typing')
    chat.noteTyping('hel')
    chat.startConversation()
    expect(typingFrames()).toEqual([
      { type: 'typing', typing: true, conversationId: 'conv-1' },
      { type: 'typing', typing: false, conversationId: 'conv-1' },
    ])
    // A new conversation without an id yet: nobody to tell.
    chat.noteTyping('new')
    await vi.advanceTimersByTimeAsync(3_000)
    expect(typingFrames()).toHaveLength(2)
  })

  test('reset() clears the unread count of the user who left', async () => {
    const { chat, socket, connect } = setup({
      conversation: conversation('open'),
      messages: [stored({ id: 'm1', seq: 5 })],
    })
    const unread: number[] = []
    chat.onUnread = (count) => unread.push(count)
    await chat.start()
    await connect()
    socket().push({ type: 'event', event: reply('r1', 11) })
    await chat.reset()
    expect(unread).toEqual([1, 0])
    expect(chat.getSnapshot().unread).toBe(0)
  })

  test("another conversation's resolution shows in the list", async () => {
    const { chat, api, socket, connect } = setup({
      conversation: conversation('open', 'conv-2'),
      messages: [stored({ id: 'm1', seq: 5, conversationId: 'conv-2' })],
    })
    api.listConversations.mockResolvedValue({
      conversations: [listed('conv-2', 0), listed('conv-1', 0)],
    })
    await chat.start()
    await connect()
    chat.showList()
    await vi.advanceTimersByTimeAsync(0)
    socket().push({ type: 'event', event: resolvedEvent(11, 'conv-1') })
    expect(chat.getSnapshot().conversations?.map((c) => c.status)).toEqual(['open', 'resolved'])
  })

  test('a config fetched after a reconnect does not undo a newer availability frame', async () => {
    const { chat, api, socket, sockets, connect } = setup()
    await chat.start()
    await connect()
    let answer: (value: WidgetConfig) => void = () => {}
    api.getConfig.mockImplementation(() => new Promise((resolve) => (answer = resolve)))
    socket().handlers.close(1006)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sockets).toHaveLength(2)
    await connect()
    const away = { ...config.availability, canAnswer: false }
    socket().push({ type: 'availability', availability: away })
    answer(config)
    await vi.advanceTimersByTimeAsync(0)
    expect(chat.getSnapshot().availability.canAnswer).toBe(false)
  })

  test('muting the tone is remembered in this browser', async () => {
    const { chat, storage } = setup()
    await chat.start()
    expect(chat.getSnapshot().muted).toBe(false)
    chat.setMuted(true)
    expect(chat.getSnapshot().muted).toBe(true)
    expect(storage.get('kefu.mute.pub-1')).toBe('1')
  })
})
