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
  test('events that raced the request are not counted twice when the snapshot already has them', () => {
    const before = conversation({ unreadCount: 0 })
    const m = message({ id: 'm1', seq: 4, createdAt: 2_000 })
    const event = messageEvent(m)
    // Applied live while the list request was in flight...
    const live = applyEvent(withRows(before), event, away).state
    expect(live.byId.get('c1')?.unreadCount).toBe(1)
    // ...and the server's answer was computed after the message was stored.
    const snapshot = conversation({
      unreadCount: 1,
      lastActivityAt: 2_000,
      lastMessage: { text: m.text, direction: 'incoming', createdAt: 2_000 },
    })
    const merged = mergeSnapshot(live, [snapshot], [event], away)
    expect(merged.byId.get('c1')?.unreadCount).toBe(1)
  })

  test('events newer than the snapshot are applied on top of it', () => {
    const snapshot = conversation({ unreadCount: 0, lastActivityAt: 1_000 })
    const m = message({ id: 'm1', seq: 4, createdAt: 2_000 })
    const live = applyEvent(withRows(conversation()), messageEvent(m), away).state
    const merged = mergeSnapshot(live, [snapshot], [messageEvent(m)], away)
    expect(merged.byId.get('c1')?.unreadCount).toBe(1)
    expect(merged.byId.get('c1')?.lastMessage?.createdAt).toBe(2_000)
  })

  test('rows outside the snapshot keep their live state and are not replayed twice', () => {
    const other = conversation({ id: 'c2', lastActivityAt: 500 })
    const m = message({ id: 'm9', conversationId: 'c2', seq: 4, createdAt: 2_000 })
    const live = applyEvent(withRows(other), messageEvent(m), away).state
    const merged = mergeSnapshot(live, [conversation()], [messageEvent(m)], away)
    expect(merged.byId.get('c2')?.unreadCount).toBe(1)
    expect(merged.byId.has('c1')).toBe(true)
  })

  test('a snapshot makes stashed messages of its conversations redundant', () => {
    const m = message({ id: 'm1', seq: 4 })
    const stashed = applyEvent(emptyList, messageEvent(m), away).state
    const merged = mergeSnapshot(stashed, [conversation({ unreadCount: 1 })], [], away)
    expect(merged.orphans.size).toBe(0)
    expect(merged.byId.get('c1')?.unreadCount).toBe(1)
  })
})
