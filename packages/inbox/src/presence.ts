// Automatic "away": an agent who has not touched the inbox for a while is set away, and set
// online again at their next input — but only when Kefu set them away, never over a choice
// they made themselves. Inactivity is measured here in the inbox, not guessed by the server.
import type { Availability } from '@kefu/protocol'
import { signal } from '@preact/signals'

export const IDLE_MS = 10 * 60_000

export interface AutoAwayOptions {
  current: () => Availability | null
  set: (availability: Availability) => void
  now?: () => number
  idleMs?: number
}

export class AutoAway {
  private readonly now: () => number
  private readonly idleMs: number
  private lastInput: number
  private timer: ReturnType<typeof setTimeout> | undefined
  /** True while the agent is away because of us. */
  private setByUs = false

  constructor(private readonly options: AutoAwayOptions) {
    this.now = options.now ?? Date.now
    this.idleMs = options.idleMs ?? IDLE_MS
    this.lastInput = this.now()
  }

  start(): void {
    this.lastInput = this.now()
    this.schedule(this.idleMs)
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.setByUs = false
  }

  get automatic(): boolean {
    return this.setByUs
  }

  /** Any keyboard, pointer or wheel input in the inbox: cheap, it only notes the time. */
  input(): void {
    this.lastInput = this.now()
    if (!this.setByUs) return
    this.setByUs = false
    if (this.options.current() === 'away') this.options.set('online')
    this.schedule(this.idleMs)
  }

  /** The agent picked an availability themselves: it stands until they change it. */
  chosen(): void {
    this.setByUs = false
    this.lastInput = this.now()
    this.schedule(this.idleMs)
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
    if (this.options.current() === 'online') {
      this.setByUs = true
      this.options.set('away')
    }
    // Checked again later: an agent who goes online by hand and then idles is set away again.
    this.schedule(this.idleMs)
  }
}

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const

let running: { auto: AutoAway; onInput: () => void } | null = null

/** True while the agent is away because the inbox set them away (the header says so). */
export const autoAway = signal(false)

/** Starts watching this window's input (once per signed-in session). */
export function startAutoAway(options: AutoAwayOptions): void {
  if (running) return
  const auto = new AutoAway({
    ...options,
    set: (availability) => {
      autoAway.value = availability === 'away'
      options.set(availability)
    },
  })
  const onInput = () => auto.input()
  for (const type of INPUT_EVENTS) window.addEventListener(type, onInput, { passive: true })
  auto.start()
  running = { auto, onInput }
}

export function stopAutoAway(): void {
  if (!running) return
  for (const type of INPUT_EVENTS) window.removeEventListener(type, running.onInput)
  running.auto.stop()
  running = null
  autoAway.value = false
}

/** The agent chose an availability in the header. */
export function availabilityChosen(): void {
  autoAway.value = false
  running?.auto.chosen()
}
