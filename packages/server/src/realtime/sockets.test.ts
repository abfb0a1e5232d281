import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AgentServerFrame, VisitorServerFrame } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { type RunningKefu, startKefu } from '../main.js'
import { createLogger } from '../shared/logger.js'
import { PASSWORD, testConfig } from '../test/harness.js'

/** A socket client that records every frame and can wait for one that matches. */
class Client<F extends { type: string }> {
  frames: F[] = []
  private waiters: { match: (f: F) => boolean; resolve: (f: F) => void }[] = []
  closed: Promise<{ code: number }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as F
      this.frames.push(frame)
      const ready = this.waiters.filter((w) => w.match(frame))
      this.waiters = this.waiters.filter((w) => !ready.includes(w))
      for (const w of ready) w.resolve(frame)
    })
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve({ code })))
  }

  static open<F extends { type: string }>(url: string, headers: Record<string, string> = {}) {
    const ws = new WebSocket(url, { headers })
    const client = new Client<F>(ws)
    return new Promise<Client<F>>((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
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
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }
}

describe('realtime over WebSocket', () => {
  let kefu: RunningKefu
  let dir: string
  let origin: string
  let ws: string
  let inboxToken: string
  let adminCookie: string

  const http = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const res = await fetch(`${origin}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', origin, ...(init.headers ?? {}) },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    })
    return res
  }

  const signIn = async (email: string) => {
    const res = await http('/api/auth/login', {
      method: 'POST',
      json: { email, password: PASSWORD },
    })
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  const visitor = async () => {
    const res = await http('/api/widget/session', { method: 'POST', json: { inbox: inboxToken } })
    const { visitorToken } = (await res.json()) as { visitorToken: string }
    const client = await Client.open<VisitorServerFrame>(`${ws}/api/widget/ws`)
    client.send({ type: 'auth', visitorToken })
    await client.next((f) => f.type === 'ready')
    return { client, visitorToken }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-ws-'))
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
    adminCookie = await signIn('ada@acme.test')
  })
  afterAll(async () => {
    await kefu?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('a visitor message reaches the agent live, and the reply reaches the visitor', async () => {
    const agent = await Client.open<AgentServerFrame>(`${ws}/api/agent/ws`, {
      cookie: adminCookie,
      origin,
    })
    await agent.next((f) => f.type === 'ready')
    const { client: v } = await visitor()

    v.send({ type: 'message', clientId: 'ws-hello-01', text: '你好，我的订单呢？' })
    const ack = await v.next((f) => f.type === 'ack')
    const seen = await agent.next((f) => f.type === 'event' && f.event.type === 'message.created')
    if (seen.type !== 'event' || seen.event.type !== 'message.created' || ack.type !== 'ack')
      throw new Error()
    expect(seen.event.message.id).toBe(ack.message.id)

    const reply = await http(`/api/conversations/${seen.event.conversationId}/messages`, {
      method: 'POST',
      headers: { cookie: adminCookie },
      json: { clientId: 'ws-reply-01', text: 'It ships today' },
    })
    expect(reply.status).toBe(201)
    const got = await v.next(
      (f) =>
        f.type === 'event' &&
        f.event.type === 'message.created' &&
        f.event.message.direction === 'outgoing',
    )
    if (got.type !== 'event' || got.event.type !== 'message.created') throw new Error()
    expect(got.event.message.text).toBe('It ships today')
    agent.ws.close()
    v.ws.close()
  })

  test('typing is relayed both ways', async () => {
    const agent = await Client.open<AgentServerFrame>(`${ws}/api/agent/ws`, {
      cookie: adminCookie,
      origin,
    })
    const { client: v } = await visitor()
    v.send({ type: 'message', clientId: 'typing-0001', text: 'hi' })
    const ack = await v.next((f) => f.type === 'ack')
    if (ack.type !== 'ack') throw new Error()
    v.send({ type: 'typing', typing: true })
    const typing = await agent.next((f) => f.type === 'typing')
    expect(typing).toMatchObject({
      actor: 'contact',
      typing: true,
      conversationId: ack.message.conversationId,
    })
    agent.send({ type: 'typing', conversationId: ack.message.conversationId, typing: true })
    expect(await v.next((f) => f.type === 'typing')).toMatchObject({
      typing: true,
      agentName: 'Ada',
    })
    agent.ws.close()
    v.ws.close()
  })

  test('invalid frames get an error frame and the socket stays open', async () => {
    const { client: v } = await visitor()
    v.send('not json at all')
    expect(await v.next((f) => f.type === 'error')).toMatchObject({ code: 'frame.malformed_json' })
    v.send({ type: 'message', clientId: 'too-long-01', text: 'x'.repeat(10_001) })
    expect(await v.next((f) => f.type === 'error' && f.clientId === 'too-long-01')).toMatchObject({
      code: 'frame.invalid',
    })
    v.send({ type: 'teleport' })
    v.send({ type: 'ping' })
    expect(await v.next((f) => f.type === 'pong')).toEqual({ type: 'pong' })
    expect(v.ws.readyState).toBe(WebSocket.OPEN)
    v.ws.close()
  })

  test('a visitor socket with a forged token is closed', async () => {
    const client = await Client.open<VisitorServerFrame>(`${ws}/api/widget/ws`)
    client.send({ type: 'auth', visitorToken: 'forged' })
    expect((await client.closed).code).toBe(4401)
  })

  test('a visitor socket opened from another site is refused at the upgrade', async () => {
    await expect(
      Client.open(`${ws}/api/widget/ws`, { origin: 'https://evil.example' }),
    ).rejects.toThrow('HTTP 403')
    const own = await Client.open<VisitorServerFrame>(`${ws}/api/widget/ws`, { origin })
    own.ws.close()
  })

  test('frames before auth are refused', async () => {
    const client = await Client.open<VisitorServerFrame>(`${ws}/api/widget/ws`)
    client.send({ type: 'message', clientId: 'early-0001', text: 'hi' })
    expect(await client.next((f) => f.type === 'error')).toMatchObject({
      code: 'visitor.unauthenticated',
    })
    client.ws.close()
  })

  test('the agent socket needs a session and Kefu’s own origin', async () => {
    await expect(Client.open(`${ws}/api/agent/ws`, { origin })).rejects.toThrow('HTTP 401')
    await expect(
      Client.open(`${ws}/api/agent/ws`, { cookie: adminCookie, origin: 'https://evil.example' }),
    ).rejects.toThrow('HTTP 403')
  })

  test('an agent does not receive events of inboxes they are not a member of', async () => {
    const services = kefu.services
    const admin = (await services.agents.repo.findByEmail('ada@acme.test'))!
    const vip = await services.inboxes.createWidgetInbox({
      accountId: admin.account_id,
      name: 'VIP',
    })
    const agent = await services.agents.insertAgent({
      accountId: admin.account_id,
      email: 'li@acme.test',
      name: 'Li',
      role: 'agent',
      password: PASSWORD,
    })
    await services.db.kysely
      .insertInto('inbox_members')
      .values({ inbox_id: vip.id, agent_id: agent.id })
      .execute()
    const li = await Client.open<AgentServerFrame>(`${ws}/api/agent/ws`, {
      cookie: await signIn('li@acme.test'),
      origin,
    })
    await li.next((f) => f.type === 'ready')
    const adminSocket = await Client.open<AgentServerFrame>(`${ws}/api/agent/ws`, {
      cookie: adminCookie,
      origin,
    })
    await adminSocket.next((f) => f.type === 'ready')

    const { client: v } = await visitor()
    v.send({ type: 'message', clientId: 'not-for-li', text: 'website inbox only' })
    await adminSocket.next(
      (f) =>
        f.type === 'event' &&
        f.event.type === 'message.created' &&
        f.event.message.text === 'website inbox only',
    )
    // Give Li's socket the same chance to (wrongly) receive it before checking.
    li.send({ type: 'ping' })
    await li.next((f) => f.type === 'pong')
    expect(li.frames.some((f) => f.type === 'event')).toBe(false)
    li.ws.close()
    adminSocket.ws.close()
    v.ws.close()
  })

  test('after a dropped connection the visitor catches up over HTTP, each message once', async () => {
    const { client: v, visitorToken } = await visitor()
    v.send({ type: 'message', clientId: 'resume-0001', text: 'before drop' })
    const ack = await v.next((f) => f.type === 'ack')
    if (ack.type !== 'ack') throw new Error()
    const lastSeq = ack.message.seq
    v.ws.terminate()
    for (const text of ['missed one', 'missed two']) {
      await http(`/api/conversations/${ack.message.conversationId}/messages`, {
        method: 'POST',
        headers: { cookie: adminCookie },
        json: { clientId: `resume-${text.replace(' ', '-')}`, text },
      })
    }
    const res = await fetch(`${origin}/api/widget/events?since=${lastSeq}`, {
      headers: { authorization: `Bearer ${visitorToken}` },
    })
    const page = (await res.json()) as { events: { type: string; message?: { text: string } }[] }
    expect(page.events.map((e) => e.message?.text)).toEqual(['missed one', 'missed two'])
  })
})
