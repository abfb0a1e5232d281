import type { EventDTO, VisitorServerFrame } from '@kefu/protocol'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../test/harness.js'

describe.each(dbKinds())('customer satisfaction ratings on %s', (kind) => {
  let k: TestKefu
  let cookie: string

  beforeAll(async () => {
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
  })
  afterAll(async () => k?.cleanup())

  /** A visitor who wrote once, and the conversation it opened. */
  async function chat(text = 'My parcel is late') {
    const v = await k.startVisitor()
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: `c-${Math.random().toString(36).slice(2, 12)}`, text },
    })
    expect(sent.status).toBe(201)
    return { ...v, conversationId: sent.json.conversationId as string }
  }

  const setStatus = (conversationId: string, status: 'open' | 'resolved') =>
    k.request('POST', `/api/conversations/${conversationId}/status`, {
      cookie,
      body: { status },
    })

  const rate = (bearer: string | undefined, body: unknown) =>
    k.request('POST', '/api/widget/rating', { bearer, body })

  const visitorEvents = async (bearer: string): Promise<EventDTO[]> =>
    (await k.request('GET', '/api/widget/events?since=0', { bearer })).json.events

  test('a resolved conversation reaches the visitor as a public event without internal fields', async () => {
    const v = await chat()
    const contact = await k.db.kysely
      .selectFrom('visitors')
      .select('contact_id')
      .where('id', '=', v.visitorId)
      .executeTakeFirstOrThrow()
    const live: VisitorServerFrame[] = []
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      contactId: contact.contact_id,
      send: (frame) => live.push(frame),
    })
    try {
      expect((await setStatus(v.conversationId, 'resolved')).status).toBe(200)
    } finally {
      leave()
    }

    const events = await visitorEvents(v.visitorToken)
    const resolved = events.filter((e) => e.type === 'conversation.resolved')
    expect(resolved).toHaveLength(1)
    expect(Object.keys(resolved[0]!).sort()).toEqual([
      'at',
      'conversationId',
      'inboxId',
      'seq',
      'type',
    ])
    expect(resolved[0]).toMatchObject({ conversationId: v.conversationId, inboxId: k.inbox.id })
    // The team's own record of it (assignee, activity line) stays with the team.
    expect(events.map((e) => e.type)).not.toContain('conversation.updated')
    expect(
      events.some((e) => e.type === 'message.created' && e.message.direction === 'activity'),
    ).toBe(false)
    // Connected widgets get it live too.
    expect(live).toContainEqual({ type: 'event', event: resolved[0] })

    // Agents see it beside their own conversation.updated.
    const agentEvents = await k.request('GET', '/api/events?since=0', { cookie })
    const types = agentEvents.json.events
      .filter((e: EventDTO) => e.conversationId === v.conversationId)
      .map((e: EventDTO) => e.type)
    expect(types).toEqual(expect.arrayContaining(['conversation.updated', 'conversation.resolved']))

    // Reopening is no resolution: nothing new for the visitor.
    await setStatus(v.conversationId, 'open')
    const after = await visitorEvents(v.visitorToken)
    expect(after.filter((e) => e.type === 'conversation.resolved')).toHaveLength(1)
  })

  test('a rating is stored, a second one replaces it, and the agent sees it live and in the detail', async () => {
    const v = await chat('退款什么时候到账？')
    await setStatus(v.conversationId, 'resolved')

    const before = await k.request('GET', `/api/conversations/${v.conversationId}`, { cookie })
    expect(before.json.conversation.rating).toBeNull()
    const since = before.json.seq

    const first = await rate(v.visitorToken, {
      conversationId: v.conversationId,
      score: 3,
      comment: '  还可以，就是有点慢  ',
    })
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({ score: 3, comment: '还可以，就是有点慢' })
    expect(typeof first.json.ratedAt).toBe('number')

    const second = await rate(v.visitorToken, {
      conversationId: v.conversationId,
      score: 5,
      comment: '   ',
    })
    expect(second.status).toBe(200)
    expect(second.json).toMatchObject({ score: 5, comment: null })

    const rows = await k.db.kysely
      .selectFrom('conversation_ratings')
      .selectAll()
      .where('conversation_id', '=', v.conversationId)
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ score: 5, comment: null, account_id: k.admin.accountId })
    expect(Number(rows[0]!.updated_at)).toBeGreaterThanOrEqual(Number(rows[0]!.created_at))

    const detail = await k.request('GET', `/api/conversations/${v.conversationId}`, { cookie })
    expect(detail.json.conversation.rating).toEqual(second.json)

    // Each rating is an agents-only event carrying the rating, in order.
    const events = await k.request('GET', `/api/events?since=${since}`, { cookie })
    const rated = events.json.events.filter((e: EventDTO) => e.type === 'conversation.rated')
    expect(rated.map((e: { rating: { score: number } }) => e.rating.score)).toEqual([3, 5])
    expect(rated[1]).toMatchObject({ conversationId: v.conversationId, rating: second.json })
    const theirs = await visitorEvents(v.visitorToken)
    expect(theirs.map((e) => e.type)).not.toContain('conversation.rated')

    // Other answers keep their shape: list rows carry no rating.
    const listed = await k.request('GET', '/api/conversations?status=resolved', { cookie })
    const row = listed.json.conversations.find((c: { id: string }) => c.id === v.conversationId)
    expect(row).toBeDefined()
    expect(row).not.toHaveProperty('rating')
  })

  test("a visitor cannot rate someone else's conversation, or one that does not exist", async () => {
    const alice = await chat()
    await setStatus(alice.conversationId, 'resolved')
    const mallory = await chat()
    await setStatus(mallory.conversationId, 'resolved')

    for (const conversationId of [alice.conversationId, 'no-such-conversation']) {
      const res = await rate(mallory.visitorToken, { conversationId, score: 1 })
      expect(res.status).toBe(404)
      expect(res.json.error.code).toBe('conversation.not_found')
    }
    const stored = await k.db.kysely
      .selectFrom('conversation_ratings')
      .select('conversation_id')
      .where('conversation_id', '=', alice.conversationId)
      .execute()
    expect(stored).toEqual([])

    const anonymous = await rate(undefined, { conversationId: alice.conversationId, score: 5 })
    expect(anonymous.status).toBe(401)
    expect(anonymous.json.error.code).toBe('visitor.unauthenticated')
  })

  test('an open conversation cannot be rated, nor one reopened after its resolution', async () => {
    const v = await chat()
    const open = await rate(v.visitorToken, { conversationId: v.conversationId, score: 4 })
    expect(open.status).toBe(409)
    expect(open.json.error.code).toBe('conversation.not_resolved')

    await setStatus(v.conversationId, 'resolved')
    await setStatus(v.conversationId, 'open')
    const reopened = await rate(v.visitorToken, { conversationId: v.conversationId, score: 4 })
    expect(reopened.status).toBe(409)

    // The customer writing again reopens it too.
    await setStatus(v.conversationId, 'resolved')
    await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'writes-again-1', text: 'One more thing' },
    })
    const again = await rate(v.visitorToken, { conversationId: v.conversationId, score: 4 })
    expect(again.status).toBe(409)
  })

  test('scores outside 1..5 and oversize comments are refused with a code', async () => {
    const v = await chat()
    await setStatus(v.conversationId, 'resolved')
    const id = v.conversationId
    const cases: [string, unknown][] = [
      ['score 0', { conversationId: id, score: 0 }],
      ['score 6', { conversationId: id, score: 6 }],
      ['fractional score', { conversationId: id, score: 4.5 }],
      ['score as text', { conversationId: id, score: '4' }],
      ['no score', { conversationId: id }],
      ['comment too long', { conversationId: id, score: 4, comment: '好'.repeat(1001) }],
      ['unknown field', { conversationId: id, score: 4, agentId: 'x' }],
    ]
    for (const [name, body] of cases) {
      const res = await rate(v.visitorToken, body)
      expect(res.status, name).toBe(400)
      expect(res.json.error.code, name).toBe('request.invalid')
    }
    const longest = await rate(v.visitorToken, {
      conversationId: id,
      score: 4,
      comment: '好'.repeat(1000),
    })
    expect(longest.status).toBe(200)
  })

  test('the database itself holds scores to 1..5 and comments to 1000 characters', async () => {
    const v = await chat()
    const contact = await k.db.kysely
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', v.conversationId)
      .executeTakeFirstOrThrow()
    const insert = (score: number, comment: string | null) =>
      k.db.kysely
        .insertInto('conversation_ratings')
        .values({
          conversation_id: v.conversationId,
          account_id: k.admin.accountId,
          contact_id: contact.contact_id,
          score,
          comment,
          created_at: 1,
          updated_at: 1,
        })
        .execute()
    await expect(insert(0, null)).rejects.toThrow()
    await expect(insert(6, null)).rejects.toThrow()
    await expect(insert(5, 'x'.repeat(1001))).rejects.toThrow()
    await insert(1, 'x'.repeat(1000))
    await sql`delete from conversation_ratings where conversation_id = ${v.conversationId}`.execute(
      k.db.kysely,
    )
  })
})
