import type { EventDTO } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../test/harness.js'

describe.each(dbKinds())('conversations on %s', (kind) => {
  let k: TestKefu
  beforeAll(async () => {
    k = await createTestKefu(kind)
  })
  afterAll(async () => k?.cleanup())

  const visitorContact = async () => {
    const v = await k.startVisitor()
    return k.services.visitors.authenticate(v.visitorToken)
  }

  test("a visitor's first message opens a conversation and later ones join it", async () => {
    const v = await visitorContact()
    const base = { accountId: v.accountId, inboxId: v.inboxId, contactId: v.contactId }
    const first = await k.services.conversations.receiveMessage({
      ...base,
      text: 'hello',
      clientId: 'client-0001',
    })
    const second = await k.services.conversations.receiveMessage({
      ...base,
      text: '你好',
      clientId: 'client-0002',
    })
    expect(first.duplicate).toBe(false)
    expect(second.conversationId).toBe(first.conversationId)
    expect(second.message.seq).toBeGreaterThan(first.message.seq)
    const rows = await k.services.conversations.repo.listMessages(
      v.accountId,
      first.conversationId,
      {
        includeInternal: true,
      },
    )
    expect(rows.map((r) => r.text)).toEqual(['hello', '你好'])
  })

  test('resending a message with the same client id stores it once', async () => {
    const v = await visitorContact()
    const base = { accountId: v.accountId, inboxId: v.inboxId, contactId: v.contactId }
    const a = await k.services.conversations.receiveMessage({
      ...base,
      text: 'once',
      clientId: 'same-client-id',
    })
    const seqBefore = await k.services.conversations.currentSeq(v.accountId)
    const b = await k.services.conversations.receiveMessage({
      ...base,
      text: 'once',
      clientId: 'same-client-id',
    })
    expect(b.duplicate).toBe(true)
    expect(b.message.id).toBe(a.message.id)
    expect(await k.services.conversations.currentSeq(v.accountId)).toBe(seqBefore)
  })

  test('concurrent resends of one client id still store one message', async () => {
    const v = await visitorContact()
    const base = { accountId: v.accountId, inboxId: v.inboxId, contactId: v.contactId }
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        k.services.conversations.receiveMessage({
          ...base,
          text: 'race',
          clientId: 'racing-client',
        }),
      ),
    )
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1)
  })

  test('events come back in sequence order, and a visitor never sees notes or other visitors', async () => {
    const alice = await visitorContact()
    const bob = await visitorContact()
    const seqStart = await k.services.conversations.currentSeq(alice.accountId)
    const a = await k.services.conversations.receiveMessage({
      accountId: alice.accountId,
      inboxId: alice.inboxId,
      contactId: alice.contactId,
      text: 'from alice',
    })
    await k.services.conversations.receiveMessage({
      accountId: bob.accountId,
      inboxId: bob.inboxId,
      contactId: bob.contactId,
      text: 'from bob',
    })
    const principal = k.admin
    const scope = { all: true } as const
    await k.services.conversations.replyAsAgent({
      principal,
      scope,
      conversationId: a.conversationId,
      text: 'internal: VIP customer',
      clientId: 'note-000001',
      private: true,
    })
    await k.services.conversations.replyAsAgent({
      principal,
      scope,
      conversationId: a.conversationId,
      text: 'Hi Alice!',
      clientId: 'reply-00001',
      private: false,
    })

    const forAlice = await k.services.conversations.eventsForContact({
      accountId: alice.accountId,
      contactId: alice.contactId,
      since: seqStart,
    })
    const texts = forAlice.events.flatMap((e: EventDTO) =>
      e.type === 'message.created' ? [e.message.text] : [],
    )
    expect(texts).toEqual(['from alice', 'Hi Alice!'])
    expect(forAlice.events.every((e) => e.type === 'message.created')).toBe(true)

    const forAgent = await k.services.conversations.eventsForAgent({
      principal,
      scope,
      since: seqStart,
    })
    const seqs = forAgent.events.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(
      forAgent.events.some((e) => e.type === 'message.created' && e.message.direction === 'note'),
    ).toBe(true)
    expect(forAgent.seq).toBe(await k.services.conversations.currentSeq(alice.accountId))
  })

  test('the first agent reply sets the first response time; notes do not', async () => {
    const v = await visitorContact()
    const { conversationId } = await k.services.conversations.receiveMessage({
      accountId: v.accountId,
      inboxId: v.inboxId,
      contactId: v.contactId,
      text: 'waiting',
    })
    const who = { principal: k.admin, scope: { all: true } as const, conversationId }
    await k.services.conversations.replyAsAgent({
      ...who,
      text: 'note',
      clientId: 'frt-note-01',
      private: true,
    })
    expect((await k.services.conversations.get(who)).conversation.firstResponseAt).toBeNull()
    await k.services.conversations.replyAsAgent({
      ...who,
      text: 'reply',
      clientId: 'frt-reply-1',
      private: false,
    })
    expect((await k.services.conversations.get(who)).conversation.firstResponseAt).toEqual(
      expect.any(Number),
    )
  })

  test('lists split by assignee and status, with unread counts per agent', async () => {
    const agent = await k.addAgent({
      email: `lists-${kind}@acme.test`,
      name: 'Li Lei',
      inboxIds: [k.inbox.id],
    })
    const scope = await k.services.agents.inboxScope(agent)
    const v = await visitorContact()
    const base = { accountId: v.accountId, inboxId: v.inboxId, contactId: v.contactId }
    const { conversationId } = await k.services.conversations.receiveMessage({
      ...base,
      text: 'one',
    })
    await k.services.conversations.receiveMessage({ ...base, text: 'two' })

    const list = (view: 'mine' | 'unassigned' | 'all', status: 'open' | 'resolved' = 'open') =>
      k.services.conversations.list({ principal: agent, scope, view, status })

    expect((await list('unassigned')).find((c) => c.id === conversationId)?.unreadCount).toBe(2)
    await k.services.conversations.assign({
      principal: agent,
      scope,
      conversationId,
      assigneeId: agent.id,
    })
    expect((await list('unassigned')).some((c) => c.id === conversationId)).toBe(false)
    expect((await list('mine')).some((c) => c.id === conversationId)).toBe(true)

    await k.services.conversations.markRead({ principal: agent, scope, conversationId })
    expect((await list('mine')).find((c) => c.id === conversationId)?.unreadCount).toBe(0)
    await k.services.conversations.receiveMessage({ ...base, text: 'three' })
    expect((await list('mine')).find((c) => c.id === conversationId)?.unreadCount).toBe(1)

    await k.services.conversations.setStatus({
      principal: agent,
      scope,
      conversationId,
      status: 'resolved',
    })
    expect((await list('all')).some((c) => c.id === conversationId)).toBe(false)
    expect((await list('all', 'resolved')).some((c) => c.id === conversationId)).toBe(true)

    // Writing again into a resolved chat reopens it for the team.
    await k.services.conversations.receiveMessage({ ...base, text: 'me again' })
    expect((await list('mine')).find((c) => c.id === conversationId)?.status).toBe('open')
  })

  test('an agent cannot assign a conversation to someone outside its inbox', async () => {
    const outsider = await k.addAgent({ email: `outsider-${kind}@acme.test`, name: 'Out Sider' })
    const v = await visitorContact()
    const { conversationId } = await k.services.conversations.receiveMessage({
      accountId: v.accountId,
      inboxId: v.inboxId,
      contactId: v.contactId,
      text: 'hi',
    })
    await expect(
      k.services.conversations.assign({
        principal: k.admin,
        scope: { all: true },
        conversationId,
        assigneeId: outsider.id,
      }),
    ).rejects.toMatchObject({ code: 'conversation.assignee_invalid' })
  })
})
