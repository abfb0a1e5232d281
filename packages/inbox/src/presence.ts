// Automatic "away": an agent who has not touched the inbox for a while is set away, and set
// online again at their next input — but only when Kefu set them away, never over a choice
// they made themselves. Inactivity is measured here in the inbox, not guessed by the server.
//
// An agent often has the inbox open in several tabs. The tabs of one browser share the time of
// the last input and whether Kefu set the agent away (BroadcastChannel), so an idle tab never
// sets away an agent who is working in another one, and input in any tab brings them back.
import type { Availability } from '@kefu/protocol'
import { signal } from '@preact/signals'

export const IDLE_MS = 10 * 60_000
/** Input is told to the other tabs at most this often (the last one always follows). */
export const SHARE_MS = 5_000

/** What the inbox tabs of one browser tell each other. */
export type TabMessage =
  /** The agent's last input in the sending tab. */
  | { type: 'input'; at: number }
  /** Kefu set the agent away (`on`), or that is over: input brought them back or they chose. */
  | { type: 'auto'; on: boolean; at: number }
  /** A tab that just opened asks the others for their state… */
  | { type: 'hello' }
  /** …and they answer. */
  | { type: 'state'; at: number; auto: boolean }
  /** The agent's availability changed in the sending tab (so every header shows it). */
  | { type: 'availability'; availability: Availability }

/** The other tabs: `post` never reaches this tab itself, `listen` hears only the others. */
export interface TabLink {
  post(message: TabMessage): void
  listen(handler: (message: TabMessage) => void): () => void
}

export interface AutoAwayOptions {
  current: () => Availability | null
  set: (availability: Availability) => void
  /** Whether the agent is away because of the inbox changed (here or in another tab). */
  onAutomatic?: (automatic: boolean) => void
  link?: TabLink
  now?: () => number
  idleMs?: number
}

export class AutoAway {
  private readonly now: () => number
  private readonly idleMs: number
  /** The latest input in any tab. */
  private lastInput: number
  private timer: ReturnType<typeof setTimeout> | undefined
  private shareTimer: ReturnType<typeof setTimeout> | undefined
  private lastShared = Number.NEGATIVE_INFINITY
  private unlisten: (() => void) | undefined
  /** True while the agent is away because of us (this tab or another). */
  private setByUs = false

  constructor(private readonly options: AutoAwayOptions) {
    this.now = options.now ?? Date.now
    this.idleMs = options.idleMs ?? IDLE_MS
    this.lastInput = this.now()
  }

  start(): void {
    this.lastInput = this.now()
    const { link } = this.options
    if (link && !this.unlisten) {
      this.unlisten = link.listen((message) => this.receive(message))
      link.post({ type: 'hello' })
    }
    this.schedule(this.idleMs)
  }

  stop(): void {
    clearTimeout(this.timer)
    clearTimeout(this.shareTimer)
    this.timer = undefined
    this.shareTimer = undefined
    this.unlisten?.()
    this.unlisten = undefined
    this.mark(false)
  }

  get automatic(): boolean {
    return this.setByUs
  }

  /** Any keyboard, pointer or wheel input in this tab: cheap, it only notes the time. */
  input(): void {
    this.lastInput = this.now()
    if (!this.setByUs) {
      this.share()
      return
    }
    this.mark(false)
    this.options.link?.post({ type: 'auto', on: false, at: this.lastInput })
    if (this.options.current() === 'away') this.options.set('online')
    this.schedule(this.idleMs)
  }

  /** The agent picked an availability themselves: it stands until they change it. */
  chosen(): void {
    this.mark(false)
    this.lastInput = this.now()
    this.options.link?.post({ type: 'auto', on: false, at: this.lastInput })
    this.schedule(this.idleMs)
  }

  private receive(message: TabMessage): void {
    switch (message.type) {
      case 'input':
        this.lastInput = Math.max(this.lastInput, message.at)
        break
      case 'auto':
        // The other tab has already asked the server; this one only remembers why.
        this.lastInput = Math.max(this.lastInput, message.at)
        this.mark(message.on)
        break
      case 'hello':
        this.options.link?.post({ type: 'state', at: this.lastInput, auto: this.setByUs })
        break
      case 'state':
        this.lastInput = Math.max(this.lastInput, message.at)
        if (message.auto) this.mark(true)
        break
      case 'availability':
        break
    }
  }

  /** Tells the other tabs about input, at most every SHARE_MS; the latest input always follows. */
  private share(): void {
    const { link } = this.options
    if (!link || this.shareTimer !== undefined) return
    const wait = this.lastShared + SHARE_MS - this.now()
    const send = () => {
      this.shareTimer = undefined
      this.lastShared = this.now()
      link.post({ type: 'input', at: this.lastInput })
    }
    if (wait <= 0) send()
    else this.shareTimer = setTimeout(send, wait)
  }

  private mark(automatic: boolean): void {
    if (this.setByUs === automatic) return
    this.setByUs = automatic
    this.options.onAutomatic?.(automatic)
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.check(), ms)
  }

  private check(): void {
    const idle = this.now() - this.lastInput
    if (idle < this.idleMs) {
      this.schedule(this.idleMs - idle)
      return
    }
    // Every tab has been idle this long. Another tab may have set the agent away already.
    if (!this.setByUs && this.options.current() === 'online') {
      this.mark(true)
      this.options.link?.post({ type: 'auto', on: true, at: this.lastInput })
      this.options.set('away')
    }
    // Checked again later: an agent who goes online by hand and then idles is set away again.
    this.schedule(this.idleMs)
  }
}

function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false
  const type = (data as { type?: unknown }).type
  return (
    type === 'input' ||
    type === 'auto' ||
    type === 'hello' ||
    type === 'state' ||
    type === 'availability'
  )
}

/** The inbox tabs of this browser for one agent; none where BroadcastChannel is missing. */
function broadcastLink(agentId: string): (TabLink & { close(): void }) | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined
  let channel: BroadcastChannel
  try {
    channel = new BroadcastChannel(`kefu.inbox.presence.${agentId}`)
  } catch {
    return undefined
  }
  const handlers = new Set<(message: TabMessage) => void>()
  channel.onmessage = (event: MessageEvent) => {
    if (!isTabMessage(event.data)) return
    for (const handler of handlers) handler(event.data)
  }
  return {
    post: (message) => {
      try {
        channel.postMessage(message)
      } catch {
        // Closed: nothing to tell.
      }
    },
    listen: (handler) => {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    close: () => channel.close(),
  }
}

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const

let running: {
  auto: AutoAway
  onInput: () => void
  link: (TabLink & { close(): void }) | undefined
  unlisten: (() => void) | undefined
} | null = null

/** True while the agent is away because the inbox set them away (the header says so). */
export const autoAway = signal(false)

export interface StartOptions {
  agentId: string
  current: () => Availability | null
  set: (availability: Availability) => void
  /** The agent's availability changed in another tab. */
  changedElsewhere?: (availability: Availability) => void
}

/** Starts watching this window's input (once per signed-in session). */
export function startAutoAway(options: StartOptions): void {
  if (running) return
  const link = broadcastLink(options.agentId)
  const auto = new AutoAway({
    current: options.current,
    set: options.set,
    onAutomatic: (automatic) => {
      autoAway.value = automatic
    },
    link,
  })
  const unlisten = link?.listen((message) => {
    if (message.type === 'availability') options.changedElsewhere?.(message.availability)
  })
  const onInput = () => auto.input()
  for (const type of INPUT_EVENTS) window.addEventListener(type, onInput, { passive: true })
  auto.start()
  running = { auto, onInput, link, unlisten }
}

export function stopAutoAway(): void {
  if (!running) return
  for (const type of INPUT_EVENTS) window.removeEventListener(type, running.onInput)
  running.auto.stop()
  running.unlisten?.()
  running.link?.close()
  running = null
  autoAway.value = false
}

/** The agent chose an availability in the header. */
export function availabilityChosen(): void {
  autoAway.value = false
  running?.auto.chosen()
}

/** The server accepted a new availability: the other tabs show it too. */
export function shareAvailability(availability: Availability): void {
  running?.link?.post({ type: 'availability', availability })
}
