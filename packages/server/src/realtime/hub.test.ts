import { describe, expect, test } from 'vitest'
import type { ConversationsUsecases } from '../conversations/conversations.usecases.js'
import { createLogger } from '../shared/logger.js'
import { type AgentConnection, Hub } from './hub.js'

// The hub alone: no database, connections are plain objects.

const hub = () =>
  new Hub({
    logger: createLogger({ level: 'silent' }),
    conversations: {} as ConversationsUsecases,
  })

const agent = (accountId: string): AgentConnection => ({
  principal: {
    id: 'agent-1',
    accountId,
    name: 'Ada',
    role: 'admin',
    email: 'a@x.test',
    availability: 'online',
  },
  scope: { all: true },
  send: () => {},
})

describe('hub', () => {
  test('a visitor is connected to the inbox whose widget they chat in, not to the others', () => {
    const h = hub()
    const leave = h.addVisitor({ accountId: 'acc', inboxId: 'site-a', contactId: 'c1', send() {} })
    expect(h.visitorConnected('acc', 'site-a', 'c1')).toBe(true)
    expect(h.visitorConnected('acc', 'site-b', 'c1')).toBe(false)
    expect(h.visitorConnected('other', 'site-a', 'c1')).toBe(false)
    leave()
    expect(h.visitorConnected('acc', 'site-a', 'c1')).toBe(false)
  })

  test('every presence listener hears a change until it unsubscribes', () => {
    const h = hub()
    const first: string[] = []
    const second: string[] = []
    const stopFirst = h.onPresenceChange((a) => first.push(a))
    h.onPresenceChange(() => {
      throw new Error('a broken listener')
    })
    const stopSecond = h.onPresenceChange((a) => second.push(a))
    const remove = h.addAgent(agent('acc'))
    expect(first).toEqual(['acc'])
    expect(second).toEqual(['acc'])
    stopFirst()
    remove()
    expect(first).toEqual(['acc'])
    expect(second).toEqual(['acc', 'acc'])
    stopSecond()
    h.presenceChanged('acc')
    expect(second).toEqual(['acc', 'acc'])
  })
})
