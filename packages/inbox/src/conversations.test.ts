import { describe, expect, test } from 'vitest'
import {
  type Attention,
  applyEvent,
  belongsInList,
  emptyList,
  type ListFilter,
  type ListState,
  mergeSnapshot,
  upsertConversation,
  visibleConversations,
} from './conversations'
import { conversation, conversationEvent, message, messageEvent } from './test-fixtures'

const away: Attention = { openConversationId: null, visible: true }
const me = 'agent-me'
const filter = (view: ListFilter['view'], status: ListFilter['status'] = 'open'): ListFilter => ({
  view,
  status,
  meId: me,
})

function withRows(...rows: ReturnType<typeof conversation>[]): ListState {
  return rows.reduce((state, row) => upsertConversation(state, row), emptyList)
}

function ids(state: ListState, f: ListFilter): string[] {
  return visibleConversations(state, f).map((c) => c.id)
}

describe('which tab a conversation belongs in', () => {
  test('mine means assigned to me, unassigned means nobody, all means everyone', () => {
    const mine = conversation({ assigneeId: me })
    const nobody = conversation({ assigneeId: null })
    const someoneElse = conversation({ assigneeId: 'agent-other' })
    expect(belongsInList(mine, filter('mine'))).toBe(true)
    expect(belongsInList(someoneElse, filter('mine'))).toBe(false)
    expect(belongsInList(nobody, filter('unassigned'))).toBe(true)
    expect(belongsInList(mine, filter('unassigned'))).toBe(false)
    for (const c of [mine, nobody, someoneElse]) expect(belongsInList(c, filter('all'))).toBe(true)
  })

  test('the open filter shows everything that is not resolved', () => {
    for (const status of ['open', 'pending', 'snoozed'] as const) {
      expect(belongsInList(conversation({ status }), filter('all', 'open'))).toBe(true)
      expect(belongsInList(conversation({ status }), filter('all', 'resolved'))).toBe(false)
    }
    expect(belongsInList(conversation({ status: 'resolved' }), filter('all', 'open'))).toBe(false)
    expect(belongsInList(conversation({ status: 'resolved' }), filter('all', 'resolved'))).toBe(
      true,
    )
  })
})

describe('a conversation moving between tabs', () => {
  test('assigning an unassigned conversation to me moves it from Unassigned to Mine', () => {
    const c = conversation({ assigneeId: null })
    let state = withRows(c)
    expect(ids(state, filter('unassigned'))).toEqual(['c1'])
    expect(ids(state, filter('mine'))).toEqual([])

    state = applyEvent(state, conversationEvent({ ...c, assigneeId: me }, 5), away).state
    expect(ids(state, filter('unassigned'))).toEqual([])
    expect(ids(state, filter('mine'))).toEqual(['c1'])
    expect(ids(state, filter('all'))).toEqual(['c1'])
  })

  test('resolving moves it from Open to Resolved, reopening moves it back', () => {
    const c = conversation({ assigneeId: me })
    let state = withRows(c)
    state = applyEvent(state, conversationEvent({ ...c, status: 'resolved' }, 6), away).state
    expect(ids(state, filter('mine', 'open'))).toEqual([])
    expect(ids(state, filter('mine', 'resolved'))).toEqual(['c1'])
    state = applyEvent(state, conversationEvent({ ...c, status: 'open' }, 7), away).state
    expect(ids(state, filter('mine', 'open'))).toEqual(['c1'])
  })

  test('assigning my conversation to a colleague takes it out of Mine', () => {
    const c = conversation({ assigneeId: me })
    const state = applyEvent(
      withRows(c),
      conversationEvent({ ...c, assigneeId: 'agent-other' }, 8),
      away,
    ).state
    expect(ids(state, filter('mine'))).toEqual([])
    expect(ids(state, filter('all'))).toEqual(['c1'])
  })

  test('an update keeps the unread count the event cannot carry', () => {
    const c = conversation({ unreadCount: 3 })
    const state = applyEvent(
      withRows(c),
      conversationEvent({ ...c, priority: 'high' }, 9),
      away,
    ).state
    expect(state.byId.get('c1')?.unreadCount).toBe(3)
    expect(state.byId.get('c1')?.priority).toBe('high')
  })
})

describe('new messages in the list', () => {
  test('a new message updates the preview and moves the conversation to the top', () => {
    const older = conversation({ id: 'c1', lastActivityAt: 1_000 })
    const newer = conversation({ id: 'c2', lastActivityAt: 5_000 })
    let state = withRows(older, newer)
    expect(ids(state, filter('all'))).toEqual(['c2', 'c1'])

    const m = message({ conversationId: 'c1', createdAt: 9_000, text: '还在吗？' })
    state = applyEvent(state, messageEvent(m), away).state
    expect(ids(state, filter('all'))).toEqual(['c1', 'c2'])
    expect(state.byId.get('c1')?.lastMessage).toEqual({
      text: '还在吗？',
      direction: 'incoming',
      createdAt: 9_000,
    })
  })

  test('incoming messages count as unread unless the conversation is open in a visible page', () => {
    const c = conversation()
    const first = messageEvent(message({ id: 'm1', seq: 1, createdAt: 2_000 }))
    const second = messageEvent(message({ id: 'm2', seq: 2, createdAt: 3_000 }))

    let state = applyEvent(withRows(c), first, away).state
    state = applyEvent(state, second, away).state
    expect(state.byId.get('c1')?.unreadCount).toBe(2)

    const reading: Attention = { openConversationId: 'c1', visible: true }
    expect(applyEvent(withRows(c), first, reading).state.byId.get('c1')?.unreadCount).toBe(0)

    const hidden: Attention = { openConversationId: 'c1', visible: false }
    expect(applyEvent(withRows(c), first, hidden).state.byId.get('c1')?.unreadCount).toBe(1)
  })

  test('replies and notes are never unread, and notes do not replace the preview', () => {
    const c = conversation({
      lastMessage: { text: 'hi', direction: 'incoming', createdAt: 1_500 },
      lastActivityAt: 1_500,
    })
    const reply = message({
      id: 'm2',
      seq: 2,
      direction: 'outgoing',
      author: { type: 'agent', id: me, name: 'Li' },
      text: '您好',
      createdAt: 2_000,
    })
    const note = message({
      id: 'm3',
      seq: 3,
      direction: 'note',
      author: { type: 'agent', id: me, name: 'Li' },
      text: 'VIP customer',
      createdAt: 3_000,
    })
    let state = applyEvent(withRows(c), messageEvent(reply), away).state
    state = applyEvent(state, messageEvent(note), away).state
    const row = state.byId.get('c1')
    expect(row?.unreadCount).toBe(0)
    expect(row?.lastMessage?.text).toBe('您好')
    expect(row?.lastActivityAt).toBe(3_000)
  })

  test('a message for a conversation not yet known waits for it, and then counts', () => {
    const m = message({ id: 'm1', seq: 10, createdAt: 2_000 })
    const first = applyEvent(emptyList, messageEvent(m), away)
    expect(first.unknown).toBe(true)
    expect(first.state.byId.size).toBe(0)

    // The conversation's own event already shows the message as its preview.
    const created = conversation({
      lastActivityAt: 2_000,
      lastMessage: { text: m.text, direction: 'incoming', createdAt: 2_000 },
    })
    const second = applyEvent(
      first.state,
      conversationEvent(created, 11, 'conversation.created'),
      away,
    )
    expect(second.unknown).toBe(false)
    expect(second.state.byId.get('c1')?.unreadCount).toBe(1)
    expect(second.state.orphans.size).toBe(0)
  })

  test('conversation.created followed by its first message counts that message once', () => {
    const created = conversation({
      lastActivityAt: 2_000,
      lastMessage: { text: 'hello', direction: 'incoming', createdAt: 2_000 },
    })
    let state = applyEvent(
      emptyList,
      conversationEvent(created, 1, 'conversation.created'),
      away,
    ).state
    state = applyEvent(state, messageEvent(message({ seq: 2, createdAt: 2_000 })), away).state
    expect(state.byId.get('c1')?.unreadCount).toBe(1)
  })

  test('an update to a conversation never loaded asks for a refetch', () => {
    const result = applyEvent(emptyList, conversationEvent(conversation(), 3), away)
    expect(result.unknown).toBe(true)
    expect(result.state.byId.has('c1')).toBe(true)
  })
})

describe('merging a fetched list with live events', () => {
  // A response reflects every event up to its seq (maybe some later ones too); the events applied
  // while it was out are handed over with it.
  test('an event at or before the seq that raced the request is not counted twice', () => {
    const m = message({ id: 'm1', seq: 4, createdAt: 2_000 })
    const event = messageEvent(m)
    // Applied live while the list request was in flight...
    const live = applyEvent(withRows(conversation({ unreadCount: 0 })), event, away).state
    expect(live.byId.get('c1')?.unreadCount).toBe(1)
    // ...and the server's answer (seq 5) already counts it.
    const snapshot = conversation({
      unreadCount: 1,
      lastActivityAt: 2_000,
      lastMessage: { text: m.text, direction: 'incoming', createdAt: 2_000 },
    })
    const merged = mergeSnapshot(live, { conversations: [snapshot], seq: 5 }, [event], away)
    expect(merged.byId.get('c1')?.unreadCount).toBe(1)
  })

  test('an event after the seq that raced the request is applied on top of the response', () => {
    const m = message({ id: 'm6', seq: 6, createdAt: 2_000, text: '在吗' })
    const live = applyEvent(withRows(conversation()), messageEvent(m), away).state
    const snapshot = conversation({ unreadCount: 0, lastActivityAt: 1_000 })
    const merged = mergeSnapshot(
      live,
      { conversations: [snapshot], seq: 5 },
      [messageEvent(m)],
      away,
    )
    const row = merged.byId.get('c1')
    expect(row?.unreadCount).toBe(1)
    expect(row?.lastMessage?.text).toBe('在吗')
    expect(row?.lastActivityAt).toBe(2_000)
  })

  test('events the response reflects that arrive after it are skipped; later ones are applied', () => {
    const snapshot = conversation({ unreadCount: 1, assigneeId: me, lastActivityAt: 3_000 })
    let state = mergeSnapshot(emptyList, { conversations: [snapshot], seq: 10 }, [], away)
    // The socket was behind the list: seq 9 (a message) and 8 (an older state) come in late.
    state = applyEvent(state, messageEvent(message({ id: 'm9', seq: 9 })), away).state
    state = applyEvent(state, conversationEvent(conversation({ assigneeId: null }), 8), away).state
    expect(state.byId.get('c1')?.unreadCount).toBe(1)
    expect(state.byId.get('c1')?.assigneeId).toBe(me)
    state = applyEvent(
      state,
      messageEvent(message({ id: 'm11', seq: 11, createdAt: 4_000 })),
      away,
    ).state
    expect(state.byId.get('c1')?.unreadCount).toBe(2)
  })

  test('rows outside the response keep their live state and are not replayed twice', () => {
    const other = conversation({ id: 'c2', lastActivityAt: 500 })
    const m = message({ id: 'm9', conversationId: 'c2', seq: 6, createdAt: 2_000 })
    const live = applyEvent(withRows(other), messageEvent(m), away).state
    const merged = mergeSnapshot(
      live,
      { conversations: [conversation()], seq: 5 },
      [messageEvent(m)],
      away,
    )
    expect(merged.byId.get('c2')?.unreadCount).toBe(1)
    expect(merged.byId.has('c1')).toBe(true)
  })

  test('a response makes stashed messages it reflects redundant, and applies newer ones once', () => {
    const old = message({ id: 'm4', seq: 4 })
    const stashed = applyEvent(emptyList, messageEvent(old), away).state
    const merged = mergeSnapshot(
      stashed,
      { conversations: [conversation({ unreadCount: 1 })], seq: 5 },
      [messageEvent(old)],
      away,
    )
    expect(merged.orphans.size).toBe(0)
    expect(merged.byId.get('c1')?.unreadCount).toBe(1)

    const newer = message({ id: 'm7', seq: 7, createdAt: 3_000 })
    const stashedNewer = applyEvent(emptyList, messageEvent(newer), away).state
    const mergedNewer = mergeSnapshot(
      stashedNewer,
      { conversations: [conversation({ unreadCount: 0 })], seq: 5 },
      [messageEvent(newer)],
      away,
    )
    expect(mergedNewer.orphans.size).toBe(0)
    expect(mergedNewer.byId.get('c1')?.unreadCount).toBe(1)
  })

  test('a detail response: messages it lists are never counted again, even after its seq', () => {
    // The detail (seq 5) was read after message 6 was stored: it lists m6 and counts it as unread.
    const m6 = message({ id: 'm6', seq: 6, createdAt: 2_000 })
    const detail = conversation({ unreadCount: 1 })
    const during = [messageEvent(m6)]
    const live = applyEvent(withRows(conversation()), messageEvent(m6), away).state
    let state = mergeSnapshot(
      live,
      { conversations: [detail], seq: 5, messageIds: ['m6'] },
      during,
      away,
    )
    expect(state.byId.get('c1')?.unreadCount).toBe(1)
    expect(state.byId.get('c1')?.lastMessage?.createdAt).toBe(2_000)
    // A message it does not list counts.
    const m7 = message({ id: 'm7', seq: 7, createdAt: 3_000 })
    state = applyEvent(state, messageEvent(m7), away).state
    expect(state.byId.get('c1')?.unreadCount).toBe(2)
  })

  test('a later response replaces the mark of an earlier one', () => {
    let state = mergeSnapshot(emptyList, { conversations: [conversation()], seq: 10 }, [], away)
    state = mergeSnapshot(state, { conversations: [conversation()], seq: 3 }, [], away)
    // The older response does not reflect seq 4..10, so they apply when they come.
    state = applyEvent(state, messageEvent(message({ id: 'm4', seq: 4 })), away).state
    expect(state.byId.get('c1')?.unreadCount).toBe(1)
  })
})
