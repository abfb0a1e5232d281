import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../test/harness.js'

describe.each(dbKinds())('conversation routes on %s', (kind) => {
  let k: TestKefu
  let adminCookie: string
  let otherInboxId: string
  let memberCookie: string
  let outsiderCookie: string
  let supervisorCookie: string
  let conversationId: string

  beforeAll(async () => {
    k = await createTestKefu(kind)
    adminCookie = await k.signIn('ada@acme.test')
    const other = await k.request('POST', '/api/inboxes', {
      cookie: adminCookie,
      body: { kind: 'widget', name: 'VIP 贵宾' },
    })
    expect(other.status).toBe(201)
    otherInboxId = other.json.id
    const member = await k.addAgent({
      email: 'member@acme.test',
      name: 'Mei',
      inboxIds: [k.inbox.id],
    })
    const outsider = await k.addAgent({
      email: 'outsider@acme.test',
      name: 'Otto',
      inboxIds: [otherInboxId],
    })
    await k.addAgent({ email: 'sup@acme.test', name: 'Sue', role: 'supervisor' })
    memberCookie = await k.signIn(member.email)
    outsiderCookie = await k.signIn(outsider.email)
    supervisorCookie = await k.signIn('sup@acme.test')

    const v = await k.startVisitor()
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'routes-first', text: 'My order is late' },
    })
    expect(sent.status).toBe(201)
    conversationId = sent.json.conversationId
  })
  afterAll(async () => k?.cleanup())

  test('a member of the inbox sees the conversation; an agent of another inbox cannot find it', async () => {
    const mine = await k.request('GET', '/api/conversations?view=all', { cookie: memberCookie })
    expect(mine.json.conversations.map((c: { id: string }) => c.id)).toContain(conversationId)

    const theirs = await k.request('GET', '/api/conversations?view=all', { cookie: outsiderCookie })
    expect(theirs.json.conversations.map((c: { id: string }) => c.id)).not.toContain(conversationId)
    for (const [method, path, body] of [
      ['GET', `/api/conversations/${conversationId}`, undefined],
      [
        'POST',
        `/api/conversations/${conversationId}/messages`,
        { clientId: 'outsider-1', text: 'hi' },
      ],
      ['POST', `/api/conversations/${conversationId}/assign`, { assigneeId: null }],
      ['POST', `/api/conversations/${conversationId}/status`, { status: 'resolved' }],
      ['POST', `/api/conversations/${conversationId}/read`, undefined],
    ] as const) {
      const res = await k.request(method, path, { cookie: outsiderCookie, body })
      expect(res.status, path).toBe(404)
      expect(res.json.error.code).toBe('conversation.not_found')
    }
    const events = await k.request('GET', '/api/events?since=0', { cookie: outsiderCookie })
    expect(
      events.json.events.filter(
        (e: { conversationId: string }) => e.conversationId === conversationId,
      ),
    ).toEqual([])
    const inboxes = await k.request('GET', '/api/inboxes', { cookie: outsiderCookie })
    expect(inboxes.json.inboxes.map((i: { id: string }) => i.id)).toEqual([otherInboxId])
  })

  test('a supervisor sees every inbox', async () => {
    const res = await k.request('GET', `/api/conversations/${conversationId}`, {
      cookie: supervisorCookie,
    })
    expect(res.status).toBe(200)
    const inboxes = await k.request('GET', '/api/inboxes', { cookie: supervisorCookie })
    expect(inboxes.json.inboxes).toHaveLength(2)
  })

  test('reply, note, assign, resolve and reopen through the API', async () => {
    const reply = await k.request('POST', `/api/conversations/${conversationId}/messages`, {
      cookie: memberCookie,
      body: { clientId: 'member-reply-1', text: 'Checking it now' },
    })
    expect(reply.status).toBe(201)
    expect(reply.json).toMatchObject({
      direction: 'outgoing',
      author: { type: 'agent', name: 'Mei' },
    })
    const resent = await k.request('POST', `/api/conversations/${conversationId}/messages`, {
      cookie: memberCookie,
      body: { clientId: 'member-reply-1', text: 'Checking it now' },
    })
    expect(resent.json.id).toBe(reply.json.id)

    const note = await k.request('POST', `/api/conversations/${conversationId}/messages`, {
      cookie: memberCookie,
      body: { clientId: 'member-note-1', text: '@Ada courier lost it', private: true },
    })
    expect(note.json.direction).toBe('note')

    const me = (await k.request('GET', '/api/auth/me', { cookie: memberCookie })).json.agent
    const assigned = await k.request('POST', `/api/conversations/${conversationId}/assign`, {
      cookie: memberCookie,
      body: { assigneeId: me.id },
    })
    expect(assigned.json.assigneeId).toBe(me.id)
    const resolved = await k.request('POST', `/api/conversations/${conversationId}/status`, {
      cookie: memberCookie,
      body: { status: 'resolved' },
    })
    expect(resolved.json.status).toBe('resolved')
    const reopened = await k.request('POST', `/api/conversations/${conversationId}/status`, {
      cookie: memberCookie,
      body: { status: 'open' },
    })
    expect(reopened.json.status).toBe('open')

    const full = await k.request('GET', `/api/conversations/${conversationId}`, {
      cookie: memberCookie,
    })
    const activity = full.json.messages.filter(
      (m: { direction: string }) => m.direction === 'activity',
    )
    expect(activity.map((m: { activity: { kind: string } }) => m.activity.kind)).toEqual([
      'assigned',
      'resolved',
      'reopened',
    ])
  })

  test('bad input gets a 4xx with a code', async () => {
    const path = `/api/conversations/${conversationId}/messages`
    const cases: [string, Parameters<TestKefu['request']>[2], number, string][] = [
      ['malformed JSON', { raw: '{"text": ', cookie: memberCookie }, 400, 'request.malformed_json'],
      [
        'unknown field',
        { body: { clientId: 'unknown-f1', text: 'x', html: '<b>' }, cookie: memberCookie },
        400,
        'request.invalid',
      ],
      [
        'empty text',
        { body: { clientId: 'empty-text1', text: '   ' }, cookie: memberCookie },
        400,
        'request.invalid',
      ],
      [
        'oversize text',
        { body: { clientId: 'oversize-01', text: 'x'.repeat(10_001) }, cookie: memberCookie },
        400,
        'request.invalid',
      ],
      [
        'bad client id',
        { body: { clientId: '<script>', text: 'x' }, cookie: memberCookie },
        400,
        'request.invalid',
      ],
      [
        'huge body',
        {
          raw: JSON.stringify({ clientId: 'huge-body-1', text: 'x'.repeat(300_000) }),
          cookie: memberCookie,
        },
        413,
        'request.too_large',
      ],
    ]
    for (const [name, options, status, code] of cases) {
      const res = await k.request('POST', path, options)
      expect(res.status, name).toBe(status)
      expect(res.json.error.code, name).toBe(code)
    }
    const badView = await k.request('GET', '/api/conversations?view=everything', {
      cookie: memberCookie,
    })
    expect(badView.status).toBe(400)
    const unknownRoute = await k.request('GET', '/api/nothing-here', { cookie: memberCookie })
    expect(unknownRoute.status).toBe(404)
    expect(unknownRoute.json.error.code).toBe('route.not_found')
  })

  test('events page forward with since and never repeat', async () => {
    const first = await k.request('GET', '/api/events?since=0', { cookie: adminCookie })
    expect(first.status).toBe(200)
    expect(first.json.more).toBe(false)
    const again = await k.request('GET', `/api/events?since=${first.json.seq}`, {
      cookie: adminCookie,
    })
    expect(again.json.events).toEqual([])
    expect(again.json.seq).toBe(first.json.seq)
  })
})
