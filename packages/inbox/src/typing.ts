// Typing signals in both directions, with timers injected so the rules are testable.
import type { Id } from '@kefu/protocol'

type SetTimer = (fn: () => void, ms: number) => unknown
type ClearTimer = (handle: unknown) => void

const defaultSet: SetTimer = (fn, ms) => setTimeout(fn, ms)
const defaultClear: ClearTimer = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)

/** What the agent has in the composer. */
export interface ComposerDraft {
  mode: 'reply' | 'note'
  text: string
}

/**
 * Whether the draft shows the customer "typing": only words they will receive, a reply with
 * text. An internal note, or a reply emptied again, must not.
 */
export function showsTyping(draft: ComposerDraft): boolean {
  return draft.mode === 'reply' && draft.text.trim().length > 0
}

export interface TypingNotifierOptions {
  send: (conversationId: Id, typing: boolean) => void
  now?: () => number
  setTimer?: SetTimer
  clearTimer?: ClearTimer
  /** Resend `typing: true` at most this often while keys keep coming. */
  throttleMs?: number
  /** Say `typing: false` after this much quiet. */
  idleMs?: number
}

/** Turns keystrokes into few frames: one `true` per throttle window, one `false` when idle. */
export class TypingNotifier {
  private conversationId: Id | null = null
  private lastSentAt = Number.NEGATIVE_INFINITY
  private idleTimer: unknown = null
  private readonly now: () => number
  private readonly setTimer: SetTimer
  private readonly clearTimer: ClearTimer

  constructor(private readonly options: TypingNotifierOptions) {
    this.now = options.now ?? Date.now
    this.setTimer = options.setTimer ?? defaultSet
    this.clearTimer = options.clearTimer ?? defaultClear
  }

  input(conversationId: Id): void {
    if (this.conversationId !== null && this.conversationId !== conversationId) this.stop()
    const now = this.now()
    if (
      this.conversationId === null ||
      now - this.lastSentAt >= (this.options.throttleMs ?? 2000)
    ) {
      this.options.send(conversationId, true)
      this.lastSentAt = now
    }
    this.conversationId = conversationId
    if (this.idleTimer !== null) this.clearTimer(this.idleTimer)
    this.idleTimer = this.setTimer(() => this.stop(), this.options.idleMs ?? 3000)
  }

  /** The composer changed: signal typing for a reply with text, and stop for anything else. */
  update(conversationId: Id, draft: ComposerDraft): void {
    if (showsTyping(draft)) this.input(conversationId)
    else this.stop()
  }

  /** On send, on idle, on switching conversation or mode: the customer should stop seeing it. */
  stop(): void {
    if (this.idleTimer !== null) this.clearTimer(this.idleTimer)
    this.idleTimer = null
    if (this.conversationId === null) return
    this.options.send(this.conversationId, false)
    this.conversationId = null
    this.lastSentAt = Number.NEGATIVE_INFINITY
  }
}

export interface TypingTrackerOptions {
  onChange: () => void
  setTimer?: SetTimer
  clearTimer?: ClearTimer
  /** A `typing: true` without a follow-up expires after this long (lost frame, closed tab). */
  expireMs?: number
}

/** Who is typing where, as told by the server; entries expire on their own. */
export class TypingTracker {
  private readonly timers = new Map<string, unknown>()
  private readonly setTimer: SetTimer
  private readonly clearTimer: ClearTimer

  constructor(private readonly options: TypingTrackerOptions) {
    this.setTimer = options.setTimer ?? defaultSet
    this.clearTimer = options.clearTimer ?? defaultClear
  }

  /** `who` is 'contact' or an agent id. */
  set(conversationId: Id, who: string, typing: boolean): void {
    const key = `${conversationId}\n${who}`
    const existing = this.timers.get(key)
    if (existing !== undefined) this.clearTimer(existing)
    if (typing) {
      this.timers.set(
        key,
        this.setTimer(() => {
          this.timers.delete(key)
          this.options.onChange()
        }, this.options.expireMs ?? 6000),
      )
    } else {
      this.timers.delete(key)
    }
    if (typing || existing !== undefined) this.options.onChange()
  }

  typing(conversationId: Id): string[] {
    const prefix = `${conversationId}\n`
    const who: string[] = []
    for (const key of this.timers.keys()) {
      if (key.startsWith(prefix)) who.push(key.slice(prefix.length))
    }
    return who
  }

  clear(): void {
    for (const handle of this.timers.values()) this.clearTimer(handle)
    this.timers.clear()
    this.options.onChange()
  }
}
