import type { AgentConversationDTO, EventDTO, MessageDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import {
  type Attention,
  applyEvent,
  emptyList,
  type ListState,
  mergeSnapshot,
} from './conversations'
import { EventSequencer } from './realtime'
import { SnapshotTracker } from './snapshot'
import { conversation, message, messageEvent } from './test-fixtures'
import { addMessages, emptyTimeline, mergeHistory, type Timeline, updateMessage } from './timeline'

const away: Attention = { openConversationId: null, visible: true }

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('snapshot tracker', () => {
  test('hands each response the events applied while it was out, and only those', async () => {
    const tracker = new SnapshotTracker()
    tracker.record([messageEvent(message({ id: 'm1', seq: 1 }))])
    const response = deferred<{ seq: number }>()
    let seen: number[] = []
    const loading = tracker.load(
      () => response.promise,
      (_r, during) => {
        seen = during.map((e) => e.seq)
        return true
      },
    )
    tracker.record([messageEvent(message({ id: 'm2', seq: 2 }))])
    tracker.record([messageEvent(message({ id: 'm3', seq: 3 }))])
    response.resolve({ seq: 2 })
    await loading
    expect(seen).toEqual([2, 3])
    expect(tracker.oldestSeq).toBe(2)
  })

  test('the first stream starts at the oldest snapshot, waiting for those still out', async () => {
    const tracker = new SnapshotTracker()
    const list = deferred<{ seq: number }>()
    const detail = deferred<{ seq: number }>()
    const failing = deferred<{ seq: number }>()
    void tracker.load(
      () => list.promise,
      () => true,
    )
    void tracker.load(
      () => detail.promise,
      () => true,
    )
    void tracker
      .load(
        () => failing.promise,
        () => true,
      )
      .catch(() => undefined)
    let from: number | null = null
    void tracker.startFrom(50).then((seq) => {
      from = seq
    })
    list.resolve({ seq: 48 })
    await tick()
    expect(from).toBeNull()
    detail.resolve({ seq: 45 })
    failing.reject(new Error('network'))
    await tick()
    expect(from).toBe(45)
  })

  test('discarded responses do not count, and with nothing loaded the stream starts at ready', async () => {
    const tracker = new SnapshotTracker()
    await tracker.load(
      async () => ({ seq: 3 }),
      () => false,
    )
    expect(await tracker.startFrom(9)).toBe(9)
    await tracker.load(
      async () => ({ seq: 12 }),
      () => true,
    )
    expect(await tracker.startFrom(9)).toBe(9)
    tracker.reset()
    expect(tracker.oldestSeq).toBeNull()
  })
})

// A small model of the store: events go through the sequencer, are recorded for the responses
// still out, and are applied to the list and to the timeline once it exists.
function client(lastSeq: number | null = 0) {
  const tracker = new SnapshotTracker()
  const sequencer = new EventSequencer(lastSeq)
  if (lastSeq !== null) sequencer.release()
  const state: { list: ListState; timeline: Timeline | null } = { list: emptyList, timeline: null }
  const apply = (events: EventDTO[]) => {
    tracker.record(events)
    for (const event of events) {
      state.list = applyEvent(state.list, event, away).state
      // As the store does: new messages are added, changed ones replaced, each by its seq.
      if (event.type === 'message.created' && state.timeline) {
        state.timeline = addMessages(state.timeline, [event.message], event.seq)
      } else if (event.type === 'message.updated' && state.timeline) {
        state.timeline = updateMessage(state.timeline, event.message, event.seq)
      }
    }
  }
  const live = (event: EventDTO) => apply(sequencer.receiveLive(event))
  const loadList = (response: Promise<{ conversations: AgentConversationDTO[]; seq: number }>) =>
    tracker.load(
      () => response,
      (r, during) => {
        state.list = mergeSnapshot(state.list, r, during, away)
        return true
      },
    )
  const loadDetail = (
    response: Promise<{ conversation: AgentConversationDTO; messages: MessageDTO[]; seq: number }>,
  ) =>
    tracker.load(
      () => response,
      (r, during) => {
        state.timeline = mergeHistory(state.timeline ?? emptyTimeline, 'c1', r, during)
        state.list = mergeSnapshot(
          state.list,
          { conversations: [r.conversation], seq: r.seq, messageIds: r.messages.map((m) => m.id) },
          during,
          away,
        )
        return true
      },
    )
  return { tracker, sequencer, state, apply, live, loadList, loadDetail }
}

/** A conversation with `count` customer messages at seqs 1..count, none read. */
function serverAt(count: number) {
  const messages = Array.from({ length: count }, (_, i) =>
    message({ id: `m${i + 1}`, seq: i + 1, createdAt: 1_000 * (i + 1), text: `#${i + 1}` }),
  )
  const last = messages.at(-1)
  const row = conversation({
    unreadCount: count,
    lastActivityAt: last?.createdAt ?? 1_000,
    lastMessage: last
      ? { text: last.text, direction: 'incoming', createdAt: last.createdAt }
      : null,
  })
  return { messages, row }
}

const TOTAL = 6
const allEvents = serverAt(TOTAL).messages.map((m) => messageEvent(m))

describe('a list fetch racing live events', () => {
  // Every combination: the response reflects seq S; `before` events reach the client while the
  // request is out, the rest after it (some of them already reflected by the response).
  for (let seq = 0; seq <= TOTAL; seq++) {
    for (let before = 0; before <= TOTAL; before++) {
      test(`seq ${seq}, ${before} event(s) during the request`, async () => {
        const c = client()
        c.state.list = mergeSnapshot(
          emptyList,
          { conversations: [serverAt(0).row], seq: 0 },
          [],
          away,
        )
        const response = deferred<{ conversations: AgentConversationDTO[]; seq: number }>()
        const loading = c.loadList(response.promise)
        for (const event of allEvents.slice(0, before)) c.live(event)
        response.resolve({ conversations: [serverAt(seq).row], seq })
        await loading
        for (const event of allEvents.slice(before)) c.live(event)
        // A replay of everything (a reconnect's catch-up overlapping live events) changes nothing.
        for (const event of allEvents) c.live(event)

        const row = c.state.list.byId.get('c1')
        expect(row?.unreadCount).toBe(TOTAL)
        expect(row?.lastMessage?.text).toBe(`#${TOTAL}`)
        expect(row?.lastActivityAt).toBe(TOTAL * 1_000)
      })
    }
  }
})

describe('a detail fetch racing message.created', () => {
  // The response reflects seq S and may hold up to `extra` later messages; `before` events reach
  // the client while it is out. Nothing was loaded for the conversation before.
  for (let seq = 0; seq <= TOTAL; seq++) {
    for (let extra = 0; seq + extra <= TOTAL; extra++) {
      for (let before = 0; before <= TOTAL; before++) {
        test(`seq ${seq} (+${extra} later), ${before} event(s) during the request`, async () => {
          const c = client()
          const response = deferred<{
            conversation: AgentConversationDTO
            messages: MessageDTO[]
            seq: number
          }>()
          const loading = c.loadDetail(response.promise)
          for (const event of allEvents.slice(0, before)) c.live(event)
          const server = serverAt(seq + extra)
          response.resolve({ conversation: server.row, messages: server.messages, seq })
          await loading
          for (const event of allEvents.slice(before)) c.live(event)

          expect(c.state.timeline?.messages.map((m) => m.id)).toEqual(
            allEvents.map((e) => (e.type === 'message.created' ? e.message.id : '')),
          )
          const row = c.state.list.byId.get('c1')
          expect(row?.unreadCount).toBe(TOTAL)
          expect(row?.lastMessage?.text).toBe(`#${TOTAL}`)
        })
      }
    }
  }
})

describe('a detail fetch racing message.updated (email delivery)', () => {
  // m2 is an email reply: stored without a delivery, then queued, then sent; m3 comes after.
  const m1 = message({ id: 'm1', seq: 1, createdAt: 1_000, text: '#1' })
  const m2 = message({
    id: 'm2',
    seq: 2,
    createdAt: 2_000,
    direction: 'outgoing',
    author: { type: 'agent', id: 'a1', name: 'Li' },
    text: 'reply',
  })
  const queued = { ...m2, delivery: { status: 'pending' as const, error: null } }
  const sent = { ...m2, delivery: { status: 'sent' as const, error: null } }
  const m3 = message({ id: 'm3', seq: 5, createdAt: 5_000, text: '#3' })
  const updated = (m: MessageDTO, seq: number): EventDTO => ({
    seq,
    type: 'message.updated',
    conversationId: 'c1',
    inboxId: 'i1',
    at: seq * 1_000,
    message: m,
  })
  const events: EventDTO[] = [
    messageEvent(m1),
    messageEvent(m2),
    updated(queued, 3),
    updated(sent, 4),
    messageEvent(m3),
  ]
  /** What the server holds after the first `count` events. */
  function stateAfter(count: number): MessageDTO[] {
    const byId = new Map<string, MessageDTO>()
    for (const event of events.slice(0, count)) {
      if (event.type === 'message.created' || event.type === 'message.updated') {
        byId.set(event.message.id, event.message)
      }
    }
    return [...byId.values()]
  }
  const row = conversation()

  for (let seq = 0; seq <= events.length; seq++) {
    for (let extra = 0; seq + extra <= events.length; extra++) {
      for (let before = 0; before <= events.length; before++) {
        test(`seq ${seq} (+${extra} later), ${before} event(s) during the request`, async () => {
          const c = client()
          const response = deferred<{
            conversation: AgentConversationDTO
            messages: MessageDTO[]
            seq: number
          }>()
          const loading = c.loadDetail(response.promise)
          for (const event of events.slice(0, before)) c.live(event)
          response.resolve({ conversation: row, messages: stateAfter(seq + extra), seq })
          await loading
          for (const event of events.slice(before)) c.live(event)
          // A reconnect's catch-up replaying everything changes nothing.
          for (const event of events) c.live(event)

          const messages = c.state.timeline?.messages ?? []
          expect(messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3'])
          expect(messages[1]?.delivery).toEqual({ status: 'sent', error: null })
        })
      }
    }
  }

  test('an update older than the loaded snapshot never brings an old status back', () => {
    // The snapshot (seq 4) already shows the reply as sent; the "queued" update (seq 3) arrives
    // late, e.g. applied by a stream that started before the snapshot was taken.
    let timeline = mergeHistory(emptyTimeline, 'c1', { messages: [m1, sent], seq: 4 }, [])
    timeline = updateMessage(timeline, queued, 3)
    expect(timeline.messages[1]?.delivery?.status).toBe('sent')
    // The reply's own HTTP response (no delivery yet) arriving last changes nothing either.
    expect(addMessages(timeline, [m2])).toBe(timeline)
  })
})

describe('the first stream after loading', () => {
  test('a list loaded before the socket is complete once the stream starts from its seq', async () => {
    // No stream yet: live events wait in the sequencer until it knows where to start.
    const c = client(null)
    await c.loadList(Promise.resolve({ conversations: [serverAt(2).row], seq: 2 }))
    // The socket is accepted at seq 4 and pushes 5 before the catch-up (3..4) comes back.
    c.live(allEvents[4]!)
    const from = await c.tracker.startFrom(4)
    expect(from).toBe(2)
    c.sequencer.setBaseline(from)
    c.apply(c.sequencer.receivePage({ events: allEvents.slice(2, 4), seq: 4, more: false }))
    c.apply(c.sequencer.release())
    c.live(allEvents[5]!)
    const row = c.state.list.byId.get('c1')
    expect(row?.unreadCount).toBe(TOTAL)
    expect(row?.lastMessage?.text).toBe(`#${TOTAL}`)
  })
})
