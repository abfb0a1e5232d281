// The agent's optional chime for a new customer message in a conversation they are not looking
// at, synthesised with Web Audio (no sound file). Off unless the agent turns it on; the choice is
// kept in this browser. Browsers allow sound only after the agent interacted with the page.
import { signal } from '@preact/signals'

const KEY = 'kefu.inbox.sound'

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1'
  } catch {
    return false
  }
}

export const soundOn = signal(typeof localStorage === 'undefined' ? false : stored())

let context: AudioContext | undefined
let lastAt = Number.NEGATIVE_INFINITY

/** Creates (or wakes) the audio context; call from a click, where browsers allow it. */
function unlock(): void {
  try {
    context ??= new AudioContext()
    if (context.state === 'suspended') void context.resume().catch(() => {})
  } catch {
    // No audio here.
  }
}

export function setSound(on: boolean): void {
  soundOn.value = on
  try {
    localStorage.setItem(KEY, on ? '1' : '')
  } catch {
    // Kept for this page only.
  }
  if (on) {
    unlock()
    chime(true)
  }
}

/** One short two-note chime, at most every two seconds (a catch-up can bring many messages). */
export function chime(force = false, now = Date.now()): void {
  if (!force && (!soundOn.peek() || now - lastAt < 2_000)) return
  if (typeof document !== 'undefined' && soundOn.peek() && !context) unlock()
  if (context?.state !== 'running') return
  lastAt = now
  const start = context.currentTime
  ;[660, 990].forEach((frequency, i) => {
    const at = start + i * 0.12
    const osc = context!.createOscillator()
    const gain = context!.createGain()
    osc.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.12, at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25)
    osc.connect(gain).connect(context!.destination)
    osc.start(at)
    osc.stop(at + 0.3)
  })
}
