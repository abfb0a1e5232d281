// The agent's optional chime for a new customer message in a conversation they are not looking
// at, synthesised with Web Audio (no sound file). Off unless the agent turns it on; the choice is
// kept in this browser. Browsers allow sound only after the agent interacted with the page: after
// a reload the audio is unlocked by the agent's first click or key press in the inbox.
import { signal } from '@preact/signals'

const KEY = 'kefu.inbox.sound'
const UNLOCK_EVENTS = ['pointerdown', 'keydown'] as const

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1'
  } catch {
    return false
  }
}

/** The part of AudioContext the chime uses. */
export interface ChimeAudio {
  readonly state: string
  readonly currentTime: number
  readonly destination: AudioNode
  resume(): Promise<void>
  createOscillator(): OscillatorNode
  createGain(): GainNode
}

export interface ChimeOptions {
  /** Whether the agent turned the sound on. */
  on: () => boolean
  createAudio: () => ChimeAudio
  /** Where the first click or key press is heard (the window). */
  target?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
}

export class Chime {
  private audio: ChimeAudio | undefined
  private lastAt = Number.NEGATIVE_INFINITY
  private listening = false
  private readonly onGesture = () => {
    if (!this.options.on()) return
    this.unlock()
    if (this.audio?.state === 'running') this.unlisten()
  }

  constructor(private readonly options: ChimeOptions) {}

  /** Waits for the agent's next click or key press to unlock the audio (browsers need one). */
  listen(): void {
    const { target } = this.options
    if (!target || this.listening || this.audio?.state === 'running') return
    this.listening = true
    for (const type of UNLOCK_EVENTS) target.addEventListener(type, this.onGesture, true)
  }

  private unlisten(): void {
    if (!this.listening) return
    this.listening = false
    for (const type of UNLOCK_EVENTS)
      this.options.target?.removeEventListener(type, this.onGesture, true)
  }

  /** Creates (or wakes) the audio; from a click or key press, where browsers allow it. */
  unlock(): void {
    try {
      this.audio ??= this.options.createAudio()
      if (this.audio.state === 'suspended') void this.audio.resume().catch(() => {})
    } catch {
      // No audio here.
    }
  }

  /** One short two-note chime, at most every two seconds (a catch-up can bring many messages). */
  play(force = false, now = Date.now()): void {
    if (!force && (!this.options.on() || now - this.lastAt < 2_000)) return
    const audio = this.audio
    // Without audio yet, or still locked: created or woken at the agent's next click or key press.
    if (!audio) {
      this.listen()
      return
    }
    if (audio.state === 'running') {
      this.lastAt = now
      notes(audio)
      return
    }
    if (audio.state !== 'suspended') return
    // Suspended (created before any gesture, or by the browser): a resume may be allowed now.
    this.lastAt = now
    this.listen()
    audio
      .resume()
      .then(() => {
        if (audio.state === 'running') notes(audio)
      })
      .catch(() => {})
  }
}

function notes(audio: ChimeAudio): void {
  const start = audio.currentTime
  ;[660, 990].forEach((frequency, i) => {
    const at = start + i * 0.12
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.12, at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25)
    osc.connect(gain).connect(audio.destination)
    osc.start(at)
    osc.stop(at + 0.3)
  })
}

export const soundOn = signal(typeof localStorage === 'undefined' ? false : stored())

const sound = new Chime({
  on: () => soundOn.peek(),
  createAudio: () => new AudioContext(),
  target: typeof window === 'undefined' ? undefined : window,
})
// Sound kept on from an earlier visit: the first click or key press unlocks it.
if (soundOn.peek()) sound.listen()

export function setSound(on: boolean): void {
  soundOn.value = on
  try {
    localStorage.setItem(KEY, on ? '1' : '')
  } catch {
    // Kept for this page only.
  }
  if (on) {
    sound.unlock()
    sound.play(true)
  }
}

/** The chime for a new customer message, if the agent turned it on. */
export function chime(force = false, now = Date.now()): void {
  sound.play(force, now)
}
