// The agent's live connection. The socket only pushes; correctness comes from the event sequence:
// every (re)connect asks `GET /api/events?since=<last applied seq>` (the first one: since the oldest
// snapshot the app loaded) and the sequencer lets each seq through at most once, in order, even
// while live events race the catch-up.
// Everything touching the browser is injected so the whole state machine runs under vitest.
import type { AgentClientFrame, AgentServerFrame, EventDTO, EventsPage } from '@kefu/protocol'

export type ConnectionState = 'connecting' | 'online' | 'offline'

/** Exponential backoff with full jitter, so a restarted server is not hit by every agent at once. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(10_000, 500 * 2 ** Math.max(0, attempt))
  return Math.round(250 + random() * (ceiling - 250))
}

/**
 * Decides which events to apply. While a catch-up is running (and before the first baseline),
 * live events are held back; when it ends they are released, minus anything the catch-up already
 * applied. Whatever the arrival order, each seq is applied once and in increasing order.
 */
export class EventSequencer {
  private last: number | null
  private holding = true
  private held: EventDTO[] = []

  constructor(lastSeq: number | null = null) {
    this.last = lastSeq
  }

  get lastSeq(): number | null {
    return this.last
  }

  get isHolding(): boolean {
    return this.holding
  }

  /** The seq a fresh snapshot corresponds to: nothing at or before it will be applied. */
  setBaseline(seq: number): void {
    this.last = seq
  }

  /** A new socket is opening: hold live events until its catch-up is done. */
  hold(): void {
    this.holding = true
  }

  receiveLive(event: EventDTO): EventDTO[] {
    if (this.holding || this.last === null) {
      this.held.push(event)
      return []
    }
    return this.accept([event])
  }

  receivePage(page: EventsPage): EventDTO[] {
    const applied = this.accept(page.events)
    // The server may vouch for a newer seq than its last event (events of other inboxes).
    if (this.last === null || page.seq > this.last) this.last = page.seq
    return applied
  }

  /** Catch-up finished: apply what arrived live meanwhile and pass later events straight through. */
  release(): EventDTO[] {
    this.holding = false
    const held = this.held
    this.held = []
    return this.accept(held)
  }

  private accept(events: readonly EventDTO[]): EventDTO[] {
    const sorted = [...events].sort((a, b) => a.seq - b.seq)
    const applied: EventDTO[] = []
    for (const event of sorted) {
      if (this.last !== null && event.seq <= this.last) continue
      applied.push(event)
      this.last = event.seq
    }
    return applied
  }
}

/** The part of a WebSocket the client uses; the browser's WebSocket satisfies it. */
export interface SocketLike {
  readonly readyState: number
  onopen: ((ev: Event) => void) | null
  onmessage: ((ev: MessageEvent) => void) | null
  onclose: ((ev: CloseEvent) => void) | null
  onerror: ((ev: Event) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export interface RealtimeOptions {
  url: string
  createSocket: (url: string) => SocketLike
  fetchEvents: (since: number) => Promise<EventsPage>
  /** Events to apply, already deduplicated and in seq order. */
  onEvents: (events: EventDTO[]) => void
  /** Non-event frames (typing, errors). */
  onFrame?: (frame: AgentServerFrame) => void
  onState?: (state: ConnectionState) => void
  /**
   * First connection only (no seq applied yet): the seq the stream must start from, i.e. the oldest
   * `seq` of the snapshots the caller has loaded or is loading. Events after it are fetched over HTTP
   * before live ones are let through. Without it (or when it is later) the stream starts at the
   * socket's ready seq.
   */
  startFrom?: (readySeq: number) => Promise<number> | number
  /** The server's sequence went backwards (its data was reset): whatever was loaded must be reloaded. */
  onReset?: (seq: number) => void
  /** Online again after a (re)connect and catch-up; say again what this agent is viewing. */
  onOnline?: () => void
  /** The socket closed; the caller may want to check the session is still valid. */
  onClose?: (attempt: number) => void
  random?: () => number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  /** How often to ping, and how long silence may last before the socket counts as dead. */
  pingEveryMs?: number
  silenceLimitMs?: number
}

const OPEN = 1

export class RealtimeClient {
  readonly sequencer: EventSequencer
  private socket: SocketLike | null = null
  private generation = 0
  private attempt = 0
  private stopped = true
  private retryTimer: unknown = null
  private pingTimer: unknown = null
  private lastHeard = 0
  private currentState: ConnectionState = 'offline'
  private readonly setTimer: (fn: () => void, ms: number) => unknown
  private readonly clearTimer: (handle: unknown) => void

  constructor(private readonly options: RealtimeOptions) {
    this.sequencer = new EventSequencer()
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.clearTimer =
      options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>))
  }

  get state(): ConnectionState {
    return this.currentState
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    this.cancelTimers()
    this.drop()
    this.setState('offline')
  }

  /** The network came back (window `online`): retry now instead of waiting out the backoff. */
  retryNow(): void {
    if (this.stopped || this.socket) return
    this.cancelTimers()
    this.attempt = 0
    this.connect()
  }

  send(frame: AgentClientFrame): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false
    this.socket.send(JSON.stringify(frame))
    return true
  }

  private connect(): void {
    this.setState('connecting')
    this.sequencer.hold()
    const generation = ++this.generation
    let socket: SocketLike
    try {
      socket = this.options.createSocket(this.options.url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    this.lastHeard = Date.now()
    socket.onmessage = (ev) => {
      if (generation !== this.generation) return
      this.lastHeard = Date.now()
      this.receive(ev.data, generation)
    }
    socket.onclose = () => {
      if (generation !== this.generation) return
      this.socket = null
      // A catch-up still running for this socket stops; the next one resumes from the last seq.
      this.generation += 1
      this.cancelTimers()
      this.options.onClose?.(this.attempt)
      this.scheduleReconnect()
    }
    socket.onerror = () => {
      // A close event always follows an error; reconnecting happens there.
    }
    socket.onopen = () => {
      if (generation !== this.generation) return
      this.schedulePing(generation)
    }
  }

  private receive(data: unknown, generation: number): void {
    let frame: AgentServerFrame
    try {
      frame = JSON.parse(String(data)) as AgentServerFrame
    } catch {
      return
    }
    if (frame.type === 'ready') {
      void this.catchUp(frame.seq, generation)
    } else if (frame.type === 'event') {
      const events = this.sequencer.receiveLive(frame.event)
      if (events.length > 0) this.options.onEvents(events)
    } else {
      this.options.onFrame?.(frame)
    }
  }

  private async catchUp(readySeq: number, generation: number): Promise<void> {
    const last = this.sequencer.lastSeq
    if (last !== null && readySeq < last) {
      // Nothing to catch up from: the caller reloads snapshots, which are at least as new as readySeq.
      this.sequencer.setBaseline(readySeq)
      this.options.onReset?.(readySeq)
    } else {
      try {
        if (last === null) {
          const from = (await this.options.startFrom?.(readySeq)) ?? readySeq
          if (generation !== this.generation) return
          this.sequencer.setBaseline(Math.min(from, readySeq))
        }
        let more = (this.sequencer.lastSeq ?? readySeq) < readySeq
        while (more) {
          const since = this.sequencer.lastSeq ?? readySeq
          const page = await this.options.fetchEvents(since)
          if (generation !== this.generation) return
          const events = this.sequencer.receivePage(page)
          if (events.length > 0) this.options.onEvents(events)
          // Stop if a page makes no progress, rather than asking for the same page forever.
          more = page.more && (this.sequencer.lastSeq ?? since) > since
        }
      } catch {
        if (generation !== this.generation) return
        // Without a complete catch-up live events cannot be trusted; start over.
        this.drop()
        this.scheduleReconnect()
        return
      }
    }
    if (generation !== this.generation) return
    const held = this.sequencer.release()
    if (held.length > 0) this.options.onEvents(held)
    this.attempt = 0
    this.setState('online')
    this.options.onOnline?.()
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    this.setState('offline')
    const delay = backoffDelay(this.attempt, this.options.random)
    this.attempt += 1
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null
      if (!this.stopped && !this.socket) this.connect()
    }, delay)
  }

  private schedulePing(generation: number): void {
    const every = this.options.pingEveryMs ?? 25_000
    const limit = this.options.silenceLimitMs ?? 65_000
    this.pingTimer = this.setTimer(() => {
      if (generation !== this.generation || !this.socket) return
      if (Date.now() - this.lastHeard > limit) {
        // A half-open connection (laptop sleep, NAT timeout) never fires close by itself.
        this.drop()
        this.scheduleReconnect()
        return
      }
      this.send({ type: 'ping' })
      this.schedulePing(generation)
    }, every)
  }

  private drop(): void {
    const socket = this.socket
    this.socket = null
    this.generation += 1
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null
      try {
        socket.close()
      } catch {
        // Closing a socket that never opened may throw in some browsers; it is gone either way.
      }
    }
  }

  private cancelTimers(): void {
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer)
    if (this.pingTimer !== null) this.clearTimer(this.pingTimer)
    this.retryTimer = null
    this.pingTimer = null
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return
    this.currentState = state
    this.options.onState?.(state)
  }
}
