import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AgentServerFrame, EventDTO, VisitorServerFrame } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { type RunningKefu, startKefu } from '../main.js'
import { createLogger } from '../shared/logger.js'
import { PASSWORD, testConfig } from '../test/harness.js'

// The visitor socket's side of read receipts and of several conversations: the same rules as
// the HTTP routes, over frames.

class Client<F extends { type: string }> {
  frames: F[] = []
  private waiters: { match: (f: F) => boolean; resolve: (f: F) => void }[] = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as F
      this.frames.push(frame)
      const ready = this.waiters.filter((w) => w.match(frame))
      this.waiters = this.waiters.filter((w) => !ready.includes(w))
      for (const w of ready) w.resolve(frame)
    })
  }

  static open<F extends { type: string }>(url: string, headers: Record<string, string> = {}) {
    const ws = new WebSocket(url, { headers })
    const client = new Client<F>(ws)
    return new Promise<Client<F>>((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.once('error', reject)
    })
  }

  next(match: (f: F) => boolean, timeoutMs = 5000): Promise<F> {
    const seen = this.frames.find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame')), timeoutMs)
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer)
          resolve(f)
        },
      })
    })
  }

  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame))
  }
}

type ReadEvent = Extract<EventDTO, { type: 'conversation.read' }>
const readEvent = (reader: 'contact' | 'team') => (f: { type: string; event?: EventDTO }) =>
  f.type === 'event' && f.event?.type === 'conversation.read' && f.event.reader === reader

describe('read receipts and conversations over the visitor socket', () => {
  let kefu: RunningKefu
  let dir: string
  let origin: string
  let ws: string
  let inboxToken: string
  let cookie: string

  const http = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${origin}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', origin, ...(init.headers ?? {}) },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    })

  const visitor = async () => {
    const res = await http('/api/widget/session', { method: 'POST', json: { inbox: inboxToken } })
    const { visitorToken } = (await res.json()) as { visitorToken: string }
    const client = await Client.open<VisitorServerFrame>(`${ws}/api/widget/ws`)
    client.send({ type: 'auth', visitorToken })
    await client.next((f) => f.type === 'ready')
    return { client, visitorToken }
  }

  const ack = async (v: Client<VisitorServerFrame>, clientId: string) => {
    const frame = await v.next((f) => f.type === 'ack' && f.clientId === clientId)
    if (frame.type !== 'ack') throw new Error('expected an ack')
    return frame.message
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-receipts-'))
    kefu = await startKefu(
      testConfig({
        databaseUrl: `sqlite:${join(dir, 'kefu.db')}`,
        publicUrl: 'http://localhost:0',
      }),
      { logger: createLogger({ level: 'silent' }) },
    )
    origin = `http://127.0.0.1:${kefu.port}`
    ws = `ws://127.0.0.1:${kefu.port}`
    await kefu.services.accounts.createAdmin({
      name: 'Ada',
      email: 'ada@acme.test',
      password: PASSWORD,
    })
    inboxToken = (await kefu.services.inboxes.firstWidgetInbox())!.public_token!
    const login = await http('/api/auth/login', {
      method: 'POST',
      json: { email: 'ada@acme.test', password: PASSWORD },
    })
    cookie = login.headers.get('set-cookie')!.split(';')[0]!
  })
  afterAll(async () => {
    await kefu?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('a read frame reaches agents live as "seen", and the agent reading reaches the visitor', async () => {
    const agent = await Client.open<AgentServerFrame>(`${ws}/api/agent/ws`, { cookie, origin })
    await agent.next((f) => f.type === 'ready')
    const { client: v } = await visitor()
    v.send({ type: 'message', clientId: 'rr-hello-01', text: 'Is my order on its way?' })
    const mine = await ack(v, 'rr-hello-01')

    const reply = await http(`/api/conversations/${mine.conversationId}/messages`, {
      method: 'POST',
      headers: { cookie },
      json: { clientId: 'rr-reply-01', text: 'Yes, it ships today' },
    })
    const replied = (await reply.json()) as { seq: number }

    v.send({ type: 'read', conversationId: mine.conversationId, seq: replied.seq })
    const seen = await agent.next(readEvent('contact'))
    expect((seen as { event: ReadEvent }).event).toMatchObject({
      conversationId: mine.conversationId,
      readSeq: replied.seq,
    })

    await http(`/api/conversations/${mine.conversationId}/read`, {
      method: 'POST',
      headers: { cookie },
    })
    const read = await v.next(readEvent('team'))
    expect((read as { event: ReadEvent }).event.readSeq).toBe(mine.seq)
    // The visitor never hears what it has seen itself (that is the team's business).
    expect(v.frames.some(readEvent('contact'))).toBe(false)
    agent.ws.close()
    v.ws.close()
  })

  test('message frames choose the conversation: new, by id, or the latest', async () => {
    const { client: v, visitorToken } = await visitor()
    v.send({ type: 'message', clientId: 'mc-first-01', text: 'First question' })
    const first = await ack(v, 'mc-first-01')
    v.send({ type: 'message', clientId: 'mc-second-1', text: 'Another topic', new: true })
    const second = await ack(v, 'mc-second-1')
    expect(second.conversationId).not.toBe(first.conversationId)
    // A resend of the same message does not open a third one.
    v.send({ type: 'message', clientId: 'mc-second-1', text: 'Another topic', new: true })
    expect((await ack(v, 'mc-second-1')).id).toBe(second.id)

    v.send({
      type: 'message',
      clientId: 'mc-back-001',
      text: 'Back to the first',
      conversationId: first.conversationId,
    })
    expect((await ack(v, 'mc-back-001')).conversationId).toBe(first.conversationId)
    // Without a choice the latest conversation continues: the first of the visitor's list, the
    // one last written in.
    v.send({ type: 'message', clientId: 'mc-plain-01', text: 'And this?' })
    expect((await ack(v, 'mc-plain-01')).conversationId).toBe(first.conversationId)

    const listed = await http('/api/widget/conversations', {
      headers: { authorization: `Bearer ${visitorToken}` },
    })
    const { conversations } = (await listed.json()) as { conversations: { id: string }[] }
    expect(conversations.map((c) => c.id)).toEqual([first.conversationId, second.conversationId])

    // Someone else's conversation: refused, and the socket stays usable.
    const { client: stranger } = await visitor()
    stranger.send({
      type: 'message',
      clientId: 'mc-steal-01',
      text: 'Let me in',
      conversationId: first.conversationId,
    })
    expect(
      await stranger.next((f) => f.type === 'error' && f.clientId === 'mc-steal-01'),
    ).toMatchObject({ code: 'conversation.not_found' })
    stranger.send({ type: 'read', conversationId: first.conversationId, seq: 1e6 })
    expect(
      await stranger.next((f) => f.type === 'error' && f.code === 'conversation.not_found'),
    ).toBeTruthy()
    stranger.send({
      type: 'message',
      clientId: 'mc-both-001',
      text: 'x',
      conversationId: first.conversationId,
      new: true,
    })
    expect(
      await stranger.next((f) => f.type === 'error' && f.clientId === 'mc-both-001'),
    ).toMatchObject({ code: 'frame.invalid', message: 'new: either conversationId or new' })
    v.ws.close()
    stranger.ws.close()
  })
})
