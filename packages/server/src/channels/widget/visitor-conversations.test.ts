import { createHmac } from 'node:crypto'
import type { EventDTO, VisitorConversationDTO } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../../test/harness.js'

describe.each(dbKinds())('several conversations per visitor on %s', (kind) => {
  let k: TestKefu
  let cookie: string

  beforeAll(async () => {
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
  })
  afterAll(async () => k?.cleanup())

  let n = 0
  const newClientId = () => `vc-${kind}-${++n}-${Math.random().toString(36).slice(2, 8)}`
  const say = (bearer: string, text: string, target: Record<string, unknown> = {}) =>
    k.request('POST', '/api/widget/messages', {
      bearer,
      body: { clientId: newClientId(), text, ...target },
    })
  const list = async (bearer: string): Promise<VisitorConversationDTO[]> => {
    const res = await k.request('GET', '/api/widget/conversations', { bearer })
    expect(res.status).toBe(200)
    return res.json.conversations
  }
  const reply = (conversationId: string, text: string) =>
    k.request('POST', `/api/conversations/${conversationId}/messages`, {
      cookie,
      body: { clientId: newClientId(), text },
    })

  test('a visitor starts a second conversation and lists both, latest activity first', async () => {
    const v = await k.startVisitor()
    expect(await list(v.visitorToken)).toEqual([])
    const first = await say(v.visitorToken, 'My parcel is late')
    const second = await say(v.visitorToken, 'Also: an invoice question', { new: true })
    expect(second.status).toBe(201)
    const a = first.json.conversationId
    const b = second.json.conversationId
    expect(b).not.toBe(a)

    let listed = await list(v.visitorToken)
    expect(listed.map((c) => c.id)).toEqual([b, a])
    expect(listed[0]).toMatchObject({
      status: 'open',
      unreadCount: 0,
      lastMessage: { text: 'Also: an invoice question', direction: 'incoming' },
    })
    // Nothing internal: no assignee, team or contact in the visitor's list.
    expect(Object.keys(listed[0]!).sort()).toEqual([
      'createdAt',
      'id',
      'lastMessage',
      'status',
      'unreadCount',
    ])

    // The team replies in the first one, twice, and leaves a note the visitor never sees.
    await reply(a, 'We are on it')
    const last = await reply(a, 'It ships today')
    await k.request('POST', `/api/conversations/${a}/messages`, {
      cookie,
      body: { clientId: newClientId(), text: 'internal: call the courier', private: true },
    })
    listed = await list(v.visitorToken)
    expect(listed.map((c) => [c.id, c.unreadCount])).toEqual([
      [a, 2],
      [b, 0],
    ])
    expect(listed[0]!.lastMessage).toMatchObject({ text: 'It ships today', direction: 'outgoing' })

    // Seen in the widget: no longer unread.
    await k.request('POST', '/api/widget/read', {
      bearer: v.visitorToken,
      body: { conversationId: a, seq: last.json.seq },
    })
    expect((await list(v.visitorToken)).map((c) => c.unreadCount)).toEqual([0, 0])

    // Both are separate conversations for the team.
    const inbox = await k.request('GET', '/api/conversations?view=all', { cookie })
    const ids = inbox.json.conversations.map((c: { id: string }) => c.id)
    expect(ids).toEqual(expect.arrayContaining([a, b]))
  })

  test('messages go where the visitor chose; without a choice the latest continues', async () => {
    const v = await k.startVisitor()
    const a = (await say(v.visitorToken, 'one')).json.conversationId
    const b = (await say(v.visitorToken, 'two', { new: true })).json.conversationId
    expect((await say(v.visitorToken, 'still two')).json.conversationId).toBe(b)
    expect(
      (await say(v.visitorToken, 'back to one', { conversationId: a })).json.conversationId,
    ).toBe(a)
    // "Latest" is one thing: the list's first entry, the one the widget opens, and the one a
    // message without a choice continues (the last one written in, not the last one opened).
    expect((await list(v.visitorToken)).map((c) => c.id)).toEqual([a, b])
    expect((await say(v.visitorToken, 'no choice')).json.conversationId).toBe(a)

    const chosen = await k.request('GET', `/api/widget/messages?conversationId=${a}`, {
      bearer: v.visitorToken,
    })
    expect(chosen.status).toBe(200)
    expect(chosen.json.conversation.id).toBe(a)
    expect(chosen.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'one',
      'back to one',
      'no choice',
    ])
    const latest = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
    expect(latest.json.conversation.id).toBe(a)
    const session = await k.request('POST', '/api/widget/session', {
      body: { inbox: k.inbox.public_token, visitorToken: v.visitorToken },
    })
    expect(session.json.conversation.id).toBe(a)
  })

  test('a conversation without a message the visitor can see sorts last on every database', async () => {
    const v = await k.startVisitor()
    const a = (await say(v.visitorToken, 'first')).json.conversationId
    const b = (await say(v.visitorToken, 'second', { new: true })).json.conversationId
    // Only an activity line left in the newer one (as if its messages were gone).
    await k.db.kysely
      .updateTable('messages')
      .set({ direction: 'activity' })
      .where('conversation_id', '=', b)
      .execute()
    expect((await list(v.visitorToken)).map((c) => c.id)).toEqual([a, b])
    expect((await say(v.visitorToken, 'no choice')).json.conversationId).toBe(a)
  })

  test('a resolved conversation chosen again reopens; a resent new message opens nothing more', async () => {
    const v = await k.startVisitor()
    const a = (await say(v.visitorToken, 'help')).json.conversationId
    await k.request('POST', `/api/conversations/${a}/status`, {
      cookie,
      body: { status: 'resolved' },
    })
    const clientId = newClientId()
    const body = { clientId, text: 'A new question', new: true }
    const fresh = await k.request('POST', '/api/widget/messages', { bearer: v.visitorToken, body })
    const again = await k.request('POST', '/api/widget/messages', { bearer: v.visitorToken, body })
    expect(fresh.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.json.id).toBe(fresh.json.id)
    expect((await list(v.visitorToken)).map((c) => [c.id, c.status])).toEqual([
      [fresh.json.conversationId, 'open'],
      [a, 'resolved'],
    ])
    await say(v.visitorToken, 'one more thing', { conversationId: a })
    const listed = await list(v.visitorToken)
    expect(listed[0]).toMatchObject({ id: a, status: 'open' })
  })

  test("another visitor's conversation is not found on every route", async () => {
    const owner = await k.startVisitor()
    const a = (await say(owner.visitorToken, 'private matter')).json.conversationId
    const other = await k.startVisitor()

    const post = await say(other.visitorToken, 'let me in', { conversationId: a })
    expect(post.status).toBe(404)
    expect(post.json.error.code).toBe('conversation.not_found')
    const get = await k.request('GET', `/api/widget/messages?conversationId=${a}`, {
      bearer: other.visitorToken,
    })
    expect(get.status).toBe(404)
    expect(get.json.error.code).toBe('conversation.not_found')
    const unknown = await k.request('GET', '/api/widget/messages?conversationId=nope', {
      bearer: other.visitorToken,
    })
    expect(unknown.status).toBe(404)
    expect(await list(other.visitorToken)).toEqual([])
    // Nothing was stored in the owner's conversation.
    const own = await k.request('GET', '/api/widget/messages', { bearer: owner.visitorToken })
    expect(own.json.messages.map((m: { text: string }) => m.text)).toEqual(['private matter'])
    // And the stranger's events never mention it.
    const events = await k.request('GET', '/api/widget/events?since=0', {
      bearer: other.visitorToken,
    })
    expect(events.json.events.filter((e: EventDTO) => e.conversationId === a)).toEqual([])
  })

  test('the choice is validated', async () => {
    const v = await k.startVisitor()
    const a = (await say(v.visitorToken, 'hello')).json.conversationId
    for (const target of [
      { conversationId: a, new: true },
      { new: false },
      { conversationId: '' },
      { conversationId: 7 },
    ]) {
      const res = await say(v.visitorToken, 'x', target)
      expect(res.status, JSON.stringify(target)).toBe(400)
      expect(res.json.error.code).toBe('request.invalid')
    }
    const res = await k.request('GET', `/api/widget/messages?conversationId=${a}&extra=1`, {
      bearer: v.visitorToken,
    })
    expect(res.status).toBe(400)
    expect((await k.request('GET', '/api/widget/conversations')).status).toBe(401)
  })

  test('a verified user on a new device sees their conversations', async () => {
    const identity = await k.request('GET', `/api/inboxes/${k.inbox.id}/identity`, { cookie })
    const secret = identity.json.secret as string
    const who = {
      id: `user-${kind}-7`,
      hash: createHmac('sha256', secret).update(`user-${kind}-7`).digest('hex'),
    }
    const laptop = await k.startVisitor()
    await k.request('POST', '/api/widget/identify', { bearer: laptop.visitorToken, body: who })
    const a = (await say(laptop.visitorToken, 'from the laptop')).json.conversationId
    const b = (await say(laptop.visitorToken, 'another one', { new: true })).json.conversationId

    const phone = await k.startVisitor()
    const res = await k.request('POST', '/api/widget/identify', {
      bearer: phone.visitorToken,
      body: who,
    })
    expect(res.json.verified).toBe(true)
    expect((await list(phone.visitorToken)).map((c) => c.id)).toEqual([b, a])
    const chosen = await k.request('GET', `/api/widget/messages?conversationId=${a}`, {
      bearer: phone.visitorToken,
    })
    expect(chosen.json.messages.map((m: { text: string }) => m.text)).toEqual(['from the laptop'])
  })
})
