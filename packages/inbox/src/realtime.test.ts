import type { AgentServerFrame, EventDTO, EventsPage } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import {
  backoffDelay,
  type ConnectionState,
  EventSequencer,
  RealtimeClient,
  type SocketLike,
} from './realtime'
import { message, messageEvent } from './test-fixtures'

const event = (seq: number): EventDTO => messageEvent(message({ id: `m${seq}`, seq }), seq)
const seqs = (events: EventDTO[]) => events.map((e) => e.seq)

describe('backoff', () => {
  test('grows exponentially, is capped near 10 s, and is jittered', () => {
    expect(backoffDelay(0, () => 1)).toBe(500)
    expect(backoffDelay(3, () => 1)).toBe(4000)
    expect(backoffDelay(20, () => 1)).toBe(10_000)
    expect(backoffDelay(20, () => 0)).toBe(250)
    expect(backoffDelay(5, () => 0.5)).toBeLessThan(backoffDelay(5, () => 0.9))
  })
})

describe('event sequencer', () => {
  test('applies each seq once, whatever order and however often it arrives', () => {
    const sequencer = new EventSequencer(0)
    sequencer.release()
    expect(seqs(sequencer.receiveLive(event(1)))).toEqual([1])
    expect(seqs(sequencer.receiveLive(event(1)))).toEqual([])
    expect(seqs(sequencer.receiveLive(event(3)))).toEqual([3])
    // An older event arriving late is already covered by the newer seq.
    expect(seqs(sequencer.receiveLive(event(2)))).toEqual([])
    expect(sequencer.lastSeq).toBe(3)
  })

  test('a catch-up page is sorted, deduplicated and moves the cursor to page.seq', () => {
    const sequencer = new EventSequencer(10)
    const applied = sequencer.receivePage({
      events: [event(13), event(11), event(13), event(9)],
      seq: 20,
      more: false,
    })
    expect(seqs(applied)).toEqual([11, 13])
    expect(sequencer.lastSeq).toBe(20)
  })

  test('live events that race the catch-up are held, then applied once after it', () => {
    const sequencer = new EventSequencer(10)
    sequencer.hold()
    // Live events arrive while the catch-up request is still out.
    expect(sequencer.receiveLive(event(12))).toEqual([])
    expect(sequencer.receiveLive(event(13))).toEqual([])
    // The catch-up also contains 12 (and 11, which the socket missed).
    expect(
      seqs(sequencer.receivePage({ events: [event(11), event(12)], seq: 12, more: false })),
    ).toEqual([11, 12])
    // Released: 12 was applied already, 13 is new.
    expect(seqs(sequencer.release())).toEqual([13])
    expect(seqs(sequencer.receiveLive(event(14)))).toEqual([14])
  })

  test('before a baseline is known, live events wait', () => {
    const sequencer = new EventSequencer()
    sequencer.release()
    expect(sequencer.receiveLive(event(5))).toEqual([])
    sequencer.setBaseline(4)
    sequencer.hold()
    expect(seqs(sequencer.release())).toEqual([5])
  })
})

class FakeSocket implements SocketLike {
  readyState = 0
  sent: string[] = []
  closed = false
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  send(data: string) {
    this.sent.push(data)
  }
  close() {
    this.closed = true
  }
  open() {
    this.readyState = 1
    this.onopen?.({} as Event)
  }
  frame(frame: AgentServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent)
  }
  drop() {
    this.readyState = 3
    this.onclose?.({} as CloseEvent)
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

function harness(startFrom?: (readySeq: number) => Promise<number> | number) {
  const sockets: FakeSocket[] = []
  const applied: number[] = []
  const states: ConnectionState[] = []
  const resets: number[] = []
  const timers: { fn: () => void; ms: number }[] = []
  const requests: { since: number; answer: (page: EventsPage) => void }[] = []
  const client = new RealtimeClient({
    url: 'ws://kefu.test/api/agent/ws',
    createSocket: () => {
      const socket = new FakeSocket()
      sockets.push(socket)
      return socket
    },
    fetchEvents: (since) => {
      const d = deferred<EventsPage>()
      requests.push({ since, answer: d.resolve })
      return d.promise
    },
    onEvents: (events) => applied.push(...seqs(events)),
    onState: (state) => states.push(state),
    onReset: (seq) => resets.push(seq),
    ...(startFrom ? { startFrom } : {}),
    random: () => 0.5,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms })
      return timers.length
    },
    clearTimer: () => undefined,
  })
  const flush = () => new Promise((r) => setTimeout(r, 0))
  return { client, sockets, applied, states, resets, timers, requests, flush }
}

describe('realtime client', () => {
  test('with nothing loaded, the first ready starts the stream there without a catch-up', async () => {
    const h = harness()
    h.client.start()
    const socket = h.sockets[0]!
    socket.open()
    socket.frame({ type: 'ready', seq: 42 })
    await h.flush()
    expect(h.client.sequencer.lastSeq).toBe(42)
    expect(h.resets).toEqual([])
    expect(h.requests).toEqual([])
    expect(h.client.state).toBe('online')
    socket.frame({ type: 'event', event: event(43) })
    socket.frame({ type: 'event', event: event(43) })
    expect(h.applied).toEqual([43])
  })

  test('the first stream starts at the oldest loaded snapshot, holding live events', async () => {
    // The list was loaded at seq 40; the socket was accepted later, at 42.
    const snapshot = deferred<number>()
    const h = harness(() => snapshot.promise)
    h.client.start()
    const socket = h.sockets[0]!
    socket.open()
    socket.frame({ type: 'ready', seq: 42 })
    socket.frame({ type: 'event', event: event(43) })
    await h.flush()
    expect(h.requests).toEqual([])
    expect(h.applied).toEqual([])
    expect(h.client.state).toBe('connecting')

    snapshot.resolve(40)
    await h.flush()
    expect(h.requests.map((r) => r.since)).toEqual([40])
    socket.frame({ type: 'event', event: event(44) })
    h.requests[0]!.answer({ events: [event(41), event(42)], seq: 42, more: false })
    await h.flush()
    expect(h.applied).toEqual([41, 42, 43, 44])
    expect(h.client.state).toBe('online')
  })

  test('a snapshot newer than the socket starts the stream at the ready seq', async () => {
    const h = harness(() => 45)
    h.client.start()
    h.sockets[0]!.open()
    h.sockets[0]!.frame({ type: 'ready', seq: 42 })
    h.sockets[0]!.frame({ type: 'event', event: event(43) })
    await h.flush()
    // 43 may be in the snapshot already; the app skips what its snapshots reflect.
    expect(h.requests).toEqual([])
    expect(h.applied).toEqual([43])
  })

  test('a socket lost while waiting for the snapshot asks again on the next connection', async () => {
    const first = deferred<number>()
    const asked: number[] = []
    const h = harness((readySeq) => {
      asked.push(readySeq)
      return asked.length === 1 ? first.promise : 30
    })
    h.client.start()
    h.sockets[0]!.open()
    h.sockets[0]!.frame({ type: 'ready', seq: 32 })
    h.sockets[0]!.drop()
    first.resolve(30)
    await h.flush()
    expect(h.client.sequencer.lastSeq).toBeNull()
    expect(h.requests).toEqual([])

    h.timers.at(-1)!.fn()
    h.sockets[1]!.open()
    h.sockets[1]!.frame({ type: 'ready', seq: 33 })
    await h.flush()
    expect(asked).toEqual([32, 33])
    expect(h.requests.map((r) => r.since)).toEqual([30])
  })

  test('a reconnect catches up from the last applied seq while holding live events', async () => {
    const h = harness()
    h.client.start()
    h.sockets[0]!.open()
    h.sockets[0]!.frame({ type: 'ready', seq: 10 })
    await h.flush()
    h.sockets[0]!.frame({ type: 'event', event: event(11) })
    h.sockets[0]!.drop()
    expect(h.client.state).toBe('offline')

    // The backoff timer fires: a new socket.
    h.timers.at(-1)!.fn()
    const socket = h.sockets[1]!
    expect(h.client.state).toBe('connecting')
    socket.open()
    socket.frame({ type: 'ready', seq: 16 })
    expect(h.requests.map((r) => r.since)).toEqual([11])
    // Live events arrive before the catch-up answers.
    socket.frame({ type: 'event', event: event(15) })
    socket.frame({ type: 'event', event: event(17) })
    expect(h.applied).toEqual([11])

    h.requests[0]!.answer({ events: [event(12), event(13)], seq: 13, more: true })
    await h.flush()
    expect(h.requests.map((r) => r.since)).toEqual([11, 13])
    h.requests[1]!.answer({ events: [event(14), event(15)], seq: 16, more: false })
    await h.flush()
    expect(h.applied).toEqual([11, 12, 13, 14, 15, 17])
    expect(h.client.state).toBe('online')
  })

  test('a failed catch-up drops the socket and retries instead of trusting live events', async () => {
    const h = harness()
    const client = new RealtimeClient({
      url: 'ws://x',
      createSocket: () => {
        const s = new FakeSocket()
        h.sockets.push(s)
        return s
      },
      fetchEvents: () => Promise.reject(new Error('502')),
      onEvents: (events) => h.applied.push(...seqs(events)),
      setTimer: (fn, ms) => {
        h.timers.push({ fn, ms })
        return h.timers.length
      },
      clearTimer: () => undefined,
      random: () => 0,
    })
    client.sequencer.setBaseline(5)
    client.start()
    h.sockets[0]!.open()
    h.sockets[0]!.frame({ type: 'ready', seq: 9 })
    h.sockets[0]!.frame({ type: 'event', event: event(9) })
    await h.flush()
    expect(h.sockets[0]!.closed).toBe(true)
    expect(h.applied).toEqual([])
    expect(client.state).toBe('offline')
    expect(h.timers.length).toBeGreaterThan(0)
  })

  test('a server whose sequence went backwards is treated as a fresh baseline', async () => {
    const h = harness()
    h.client.sequencer.setBaseline(100)
    h.client.start()
    h.sockets[0]!.open()
    h.sockets[0]!.frame({ type: 'ready', seq: 3 })
    await h.flush()
    expect(h.resets).toEqual([3])
    expect(h.requests).toEqual([])
    h.sockets[0]!.frame({ type: 'event', event: event(4) })
    expect(h.applied).toEqual([4])
  })

  test('backoff delays grow between failed attempts and the online event retries at once', () => {
    const h = harness()
    h.client.start()
    h.sockets[0]!.drop()
    h.timers.at(-1)!.fn()
    h.sockets[1]!.drop()
    expect(h.timers.map((t) => t.ms)).toEqual([
      backoffDelay(0, () => 0.5),
      backoffDelay(1, () => 0.5),
    ])
    h.client.retryNow()
    expect(h.sockets).toHaveLength(3)
  })

  test('typing frames are passed through, frames are sent only on an open socket', async () => {
    const frames: AgentServerFrame[] = []
    const socket = new FakeSocket()
    const client = new RealtimeClient({
      url: 'ws://x',
      createSocket: () => socket,
      fetchEvents: async () => ({ events: [], seq: 0, more: false }),
      onEvents: () => undefined,
      onFrame: (f) => frames.push(f),
      setTimer: () => 0,
      clearTimer: () => undefined,
    })
    client.start()
    expect(client.send({ type: 'viewing', conversationId: 'c1' })).toBe(false)
    socket.open()
    expect(client.send({ type: 'viewing', conversationId: 'c1' })).toBe(true)
    expect(JSON.parse(socket.sent[0]!)).toEqual({ type: 'viewing', conversationId: 'c1' })
    socket.frame({
      type: 'typing',
      conversationId: 'c1',
      actor: 'contact',
      agentId: null,
      typing: true,
    })
    expect(frames).toHaveLength(1)
  })
})
