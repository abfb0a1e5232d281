import type { MessageDTO, WidgetAvailability, WidgetConfig } from '@kefu/protocol'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { ApiError, type WidgetApi } from './api'
import { backTime, offlineMode, serverOfflineErrors, statusLine, validateOffline } from './away'
import { Chat, type SocketHandlers } from './chat'

const available: WidgetAvailability = {
  teamName: 'Acme Care',
  agents: [{ name: 'Ada', initials: 'A', color: '#1f6feb' }],
  canAnswer: true,
  reason: null,
  backAt: null,
  replyTime: 'hours',
  whenUnavailable: 'offline-form',
}
const closed: WidgetAvailability = {
  ...available,
  agents: [],
  canAnswer: false,
  reason: 'out-of-hours',
  // Monday 2026-11-30 09:00 in Shanghai
  backAt: Date.parse('2026-11-30T01:00:00Z'),
}

describe('availability in the header', () => {
  const now = Date.parse('2026-11-27T12:00:00Z') // Friday 20:00 in Shanghai

  test('the reply-time promise while someone can answer, in each language', () => {
    const line = (locale: 'en' | 'zh-CN' | 'zh-TW') =>
      statusLine({ availability: available, agentSeen: false, now, locale })
    expect(line('en')).toBe('Typically replies in a few hours')
    expect(line('zh-CN')).toBe('通常几小时内回复')
    expect(line('zh-TW')).toBe('通常幾小時內回覆')
  })

  test('out of hours: when the team is back, in the visitor’s own clock', () => {
    const line = (locale: 'en' | 'zh-CN', timeZone: string) =>
      statusLine({ availability: closed, agentSeen: false, now, locale, timeZone })
    expect(line('en', 'Asia/Shanghai')).toBe('We’re away — back at 09:00 (Mon)')
    expect(line('zh-CN', 'Asia/Shanghai')).toBe('我们暂时不在，周一 09:00 回来')
    // A visitor in Berlin sees the same moment as 02:00 on Monday.
    expect(line('en', 'Europe/Berlin')).toBe('We’re away — back at 02:00 (Mon)')
  })

  test('the back time says only the hour today and the date beyond a week', () => {
    const at = Date.parse('2026-11-27T13:30:00Z')
    expect(backTime(at, now, 'en', 'UTC')).toBe('13:30')
    const later = Date.parse('2026-12-10T09:00:00Z')
    expect(backTime(later, now, 'en', 'UTC')).toBe('09:00 (Thu, Dec 10)')
  })

  test('no agents: away with the usual reply time; an agent seen live wins', () => {
    const none = { ...available, canAnswer: false, reason: 'no-agents' as const, agents: [] }
    expect(statusLine({ availability: none, agentSeen: false, now, locale: 'en' })).toBe(
      'We’re away — we reply in a few hours',
    )
    expect(statusLine({ availability: none, agentSeen: true, now, locale: 'en' })).toBe(
      'Typically replies in a few hours',
    )
  })
})

describe('offline form rules', () => {
  test('email is required and must look like one; a message is required', () => {
    expect(validateOffline({ email: '', name: '', text: '' })).toEqual({
      email: 'required',
      text: 'required',
    })
    expect(validateOffline({ email: 'x@', name: '', text: 'hi' })).toEqual({ email: 'email' })
    expect(validateOffline({ email: 'x@y.cn', name: 'n'.repeat(201), text: 'hi' })).toEqual({
      name: 'long',
    })
    expect(validateOffline({ email: ' x@y.cn ', name: '', text: 'hi' })).toEqual({})
  })

  test('the server’s refusal maps back onto the fields', () => {
    expect(
      serverOfflineErrors({
        issues: [
          { path: 'email', message: 'required' },
          { path: 'text', message: 'must not be empty' },
        ],
      }),
    ).toEqual({ email: 'required', text: 'required' })
    expect(serverOfflineErrors({ issues: [{ path: 'email', message: 'bad' }] })).toEqual({
      email: 'email',
    })
    expect(serverOfflineErrors(null)).toEqual({})
  })

  test('the form shows only when nobody can answer and the inbox asks for it', () => {
    const base = { agentSeen: false, sentTo: null }
    expect(offlineMode({ ...base, availability: closed })).toEqual({ form: true, thanksTo: null })
    expect(offlineMode({ ...base, availability: available }).form).toBe(false)
    expect(
      offlineMode({ ...base, availability: { ...closed, whenUnavailable: 'keep-open' } }).form,
    ).toBe(false)
    expect(offlineMode({ ...base, agentSeen: true, availability: closed }).form).toBe(false)
    expect(offlineMode({ ...base, sentTo: 'a@b.cn', availability: closed })).toEqual({
      form: false,
      thanksTo: 'a@b.cn',
    })
  })
})

describe('offline form in the chat', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup(availability: WidgetAvailability) {
    const config = {
      inbox: { name: 'Acme', greeting: null, color: '#123456', position: 'right', preChat: [] },
      agentsOnline: availability.canAnswer,
      availability,
    } as unknown as WidgetConfig
    const handlers: SocketHandlers[] = []
    const storage = new Map<string, string>()
    const message: MessageDTO = {
      id: 'm-1',
      conversationId: 'conv-1',
      direction: 'incoming',
      author: { type: 'contact', id: 'contact-1', name: null },
      text: 'Call me back',
      clientId: 'c1',
      createdAt: 1,
      seq: 11,
    }
    const api = {
      getConfig: vi.fn(async () => config),
      startSession: vi.fn(async () => ({
        visitorToken: 'token-1',
        visitorId: 'visitor-1',
        conversation: null,
        messages: [],
        seq: 10,
      })),
      getEvents: vi.fn(async (_t: string, since: number) => ({
        events: [],
        seq: since,
        more: false,
      })),
      sendOffline: vi.fn(async () => ({ message })),
    }
    const chat = new Chat({
      api: api as unknown as WidgetApi,
      inbox: 'pub-1',
      socketUrl: 'ws://kefu.test/api/widget/ws',
      openSocket: (_url, h) => {
        handlers.push(h)
        return { send: () => {}, close: () => {} }
      },
      storage: {
        getItem: (key) => storage.get(key) ?? null,
        setItem: (key, value) => void storage.set(key, value),
      },
      newClientId: () => 'c1',
      isOnline: () => true,
    })
    const push = (frame: unknown) => handlers.at(-1)?.message(JSON.stringify(frame))
    return { chat, api, storage, push, handlers }
  }

  test('a refused submission keeps the form with the server’s reasons', async () => {
    const { chat, api } = setup(closed)
    await chat.start()
    expect(chat.getSnapshot().offline).toEqual({ form: true, thanksTo: null })
    api.sendOffline.mockRejectedValueOnce(
      new ApiError(400, 'request.invalid', 'email', {
        issues: [{ path: 'email', message: 'a valid email address' }],
      }),
    )
    const result = await chat.submitOffline({ email: 'a@b', name: '', text: 'hi' })
    expect(result).toEqual({ ok: false, errors: { email: 'email' } })
    expect(chat.getSnapshot().offline.form).toBe(true)
  })

  test('a stored submission shows the message and the thanks, and is remembered', async () => {
    const { chat, api, storage } = setup(closed)
    await chat.start()
    const result = await chat.submitOffline({
      email: ' mia@example.com ',
      name: '',
      text: 'Call me back',
    })
    expect(result).toEqual({ ok: true })
    expect(api.sendOffline).toHaveBeenCalledWith('token-1', {
      clientId: 'c1',
      email: 'mia@example.com',
      text: 'Call me back',
    })
    const snapshot = chat.getSnapshot()
    expect(snapshot.offline).toEqual({ form: false, thanksTo: 'mia@example.com' })
    expect(snapshot.messages.map((m) => `${m.id}:${m.state}:${m.text}`)).toEqual([
      'm-1:sent:Call me back',
    ])
    expect(storage.get('kefu.offline.pub-1')).toBe('token-1 mia@example.com')
  })

  test('an availability frame updates the header live; a reconnect re-reads the config', async () => {
    const { chat, api, push, handlers } = setup(closed)
    await chat.start()
    handlers[0]?.open()
    push({ type: 'ready', seq: 10 })
    expect(chat.getSnapshot().offline.form).toBe(true)
    push({ type: 'availability', availability: available })
    expect(chat.getSnapshot().availability.canAnswer).toBe(true)
    expect(chat.getSnapshot().offline.form).toBe(false)
    expect(chat.getSnapshot().agentsOnline).toBe(true)
    expect(api.getConfig).toHaveBeenCalledTimes(1)
    handlers[0]?.close(1006)
    await vi.advanceTimersByTimeAsync(2_000)
    handlers.at(-1)?.open()
    push({ type: 'ready', seq: 10 })
    await vi.advanceTimersByTimeAsync(0)
    expect(api.getConfig).toHaveBeenCalledTimes(2)
    // The re-read config says closed again.
    expect(chat.getSnapshot().offline.form).toBe(true)
  })
})
