import type { EventDTO, VisitorServerFrame } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../test/harness.js'

type ReadEvent = Extract<EventDTO, { type: 'conversation.read' }>

describe.each(dbKinds())('read receipts on %s', (kind) => {
  let k: TestKefu
  let cookie: string

  beforeAll(async () => {
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
  })
  afterAll(async () => k?.cleanup())

  const newClientId = () => `c-${Math.random().toString(36).slice(2, 12)}`

  /** A visitor who wrote once and got two replies. */
  async function chatWithReplies() {
    const v = await k.startVisitor()
    const first = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: newClientId(), text: 'Where is my parcel?' },
    })
    expect(first.status).toBe(201)
    const conversationId = first.json.conversationId as string
    const replies = []
    for (const text of ['Let me look', 'It ships today']) {
      const reply = await k.request('POST', `/api/conversations/${conversationId}/messages`, {
        cookie,
        body: { clientId: newClientId(), text },
      })
      expect(reply.status).toBe(201)
      replies.push(reply.json as { seq: number; id: string })
    }
    const contact = await k.db.kysely
      .selectFrom('visitors')
      .select('contact_id')
      .where('id', '=', v.visitorId)
      .executeTakeFirstOrThrow()
    return { ...v, contactId: contact.contact_id, conversationId, first: first.json, replies }
  }

  const read = (bearer: string, body: unknown) =>
    k.request('POST', '/api/widget/read', { bearer, body })

  const detail = async (conversationId: string) =>
    (await k.request('GET', `/api/conversations/${conversationId}`, { cookie })).json

  const agentReadEvents = async (conversationId: string): Promise<ReadEvent[]> =>
    (await k.request('GET', '/api/events?since=0', { cookie })).json.events.filter(
      (e: EventDTO) => e.type === 'conversation.read' && e.conversationId === conversationId,
    )

  const visitorEvents = async (bearer: string): Promise<EventDTO[]> =>
    (await k.request('GET', '/api/widget/events?since=0', { bearer })).json.events

  test("the visitor's read mark lands on a reply, never moves back, and agents see it", async () => {
    const c = await chatWithReplies()
    const [r1, r2] = c.replies
    expect((await detail(c.conversationId)).conversation.contactReadSeq).toBe(0)

    // A seq between the two replies reads the first one only.
    const res = await read(c.visitorToken, { conversationId: c.conversationId, seq: r2!.seq - 1 })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ readSeq: r1!.seq })
    expect((await detail(c.conversationId)).conversation.contactReadSeq).toBe(r1!.seq)

    // Far beyond the last message: the last reply, not a seq that does not exist yet.
    expect(
      (await read(c.visitorToken, { conversationId: c.conversationId, seq: 1e9 })).json,
    ).toEqual({ readSeq: r2!.seq })
    // Going back changes nothing and records nothing.
    expect(
      (await read(c.visitorToken, { conversationId: c.conversationId, seq: r1!.seq })).json,
    ).toEqual({ readSeq: r2!.seq })
    expect((await detail(c.conversationId)).conversation.contactReadSeq).toBe(r2!.seq)

    const events = await agentReadEvents(c.conversationId)
    expect(events.map((e) => [e.reader, e.readSeq])).toEqual([
      ['contact', r1!.seq],
      ['contact', r2!.seq],
    ])
    // What the customer has seen is the team's business only.
    expect((await visitorEvents(c.visitorToken)).some((e) => e.type === 'conversation.read')).toBe(
      false,
    )
  })

  test('a read with nothing to read records nothing', async () => {
    const v = await k.startVisitor()
    const first = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: newClientId(), text: 'Hello?' },
    })
    const conversationId = first.json.conversationId
    expect((await read(v.visitorToken, { conversationId, seq: 1e9 })).json).toEqual({ readSeq: 0 })
    expect(await agentReadEvents(conversationId)).toEqual([])
  })

  test("another visitor's conversation is not found, and nothing moves", async () => {
    const c = await chatWithReplies()
    const stranger = await k.startVisitor()
    const res = await read(stranger.visitorToken, { conversationId: c.conversationId, seq: 1e9 })
    expect(res.status).toBe(404)
    expect(res.json.error.code).toBe('conversation.not_found')
    expect((await detail(c.conversationId)).conversation.contactReadSeq).toBe(0)
    expect(await agentReadEvents(c.conversationId)).toEqual([])
  })

  test('a script reporting reads without end is refused before it costs a write', async () => {
    const c = await chatWithReplies()
    const statuses: number[] = []
    for (let i = 0; i < 121; i++) {
      const res = await read(c.visitorToken, { conversationId: c.conversationId, seq: i })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true)
    const last = await read(c.visitorToken, { conversationId: c.conversationId, seq: 1e9 })
    expect(last.status).toBe(429)
    expect(last.json.error.code).toBe('visitor.rate_limited')
    expect(statuses[120]).toBe(429)
  })

  test('read receipts are validated', async () => {
    const c = await chatWithReplies()
    for (const body of [
      { conversationId: c.conversationId },
      { conversationId: c.conversationId, seq: -1 },
      { conversationId: c.conversationId, seq: 1.5 },
      { conversationId: c.conversationId, seq: '3' },
      { conversationId: '', seq: 3 },
      { conversationId: c.conversationId, seq: 3, extra: true },
    ]) {
      const res = await read(c.visitorToken, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.json.error.code).toBe('request.invalid')
    }
    expect((await read('nope', { conversationId: c.conversationId, seq: 1 })).status).toBe(401)
  })

  test('an agent reading the conversation tells the visitor, live and by events, without a name', async () => {
    const c = await chatWithReplies()
    const live: VisitorServerFrame[] = []
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      contactId: c.contactId,
      send: (frame) => live.push(frame),
    })
    try {
      const res = await k.request('POST', `/api/conversations/${c.conversationId}/read`, { cookie })
      expect(res.status).toBe(204)
      // Reading again moves nothing: no second event.
      await k.request('POST', `/api/conversations/${c.conversationId}/read`, { cookie })
    } finally {
      leave()
    }
    const events = (await visitorEvents(c.visitorToken)).filter(
      (e): e is ReadEvent => e.type === 'conversation.read',
    )
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      conversationId: c.conversationId,
      reader: 'team',
      readSeq: c.first.seq,
    })
    expect(Object.keys(events[0]!).sort()).toEqual([
      'at',
      'conversationId',
      'inboxId',
      'readSeq',
      'reader',
      'seq',
      'type',
    ])
    expect(live).toContainEqual({ type: 'event', event: events[0] })

    // A new session (another device, a reload) starts with the mark.
    const session = await k.request('POST', '/api/widget/session', {
      body: { inbox: k.inbox.public_token, visitorToken: c.visitorToken },
    })
    expect(session.json.teamReadSeq).toBe(c.first.seq)

    // The visitor writes again: the mark stays on the message that was read.
    const later = await k.request('POST', '/api/widget/messages', {
      bearer: c.visitorToken,
      body: { clientId: newClientId(), text: 'Thanks!' },
    })
    const messages = await k.request('GET', '/api/widget/messages', { bearer: c.visitorToken })
    expect(messages.json.teamReadSeq).toBe(c.first.seq)
    await k.request('POST', `/api/conversations/${c.conversationId}/read`, { cookie })
    const again = await k.request('GET', '/api/widget/messages', { bearer: c.visitorToken })
    expect(again.json.teamReadSeq).toBe(later.json.seq)
  })

  test('an agent who cannot see the inbox cannot move the mark', async () => {
    const c = await chatWithReplies()
    await k.addAgent({ email: `outsider-${kind}@acme.test`, name: 'Otto Outsider' })
    const outsider = await k.signIn(`outsider-${kind}@acme.test`)
    const res = await k.request('POST', `/api/conversations/${c.conversationId}/read`, {
      cookie: outsider,
    })
    expect(res.status).toBe(404)
    expect((await visitorEvents(c.visitorToken)).some((e) => e.type === 'conversation.read')).toBe(
      false,
    )
  })
})
