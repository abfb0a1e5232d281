// A short two-note chime for a reply that arrives while the visitor is not looking, synthesised
// with Web Audio (no sound file to download). Browsers let a frame make sound only after the
// visitor interacted with it; until then, or where audio is missing, nothing plays.

type AudioContextClass = new () => AudioContext

let context: AudioContext | undefined
let lastAt = Number.NEGATIVE_INFINITY

/** Call from a user gesture inside the frame (pointerdown, keydown): makes later tones possible. */
export function unlockAudio(): void {
  try {
    const Ctor = (globalThis as { AudioContext?: AudioContextClass }).AudioContext
    if (!Ctor) return
    context ??= new Ctor()
    if (context.state === 'suspended') void context.resume().catch(() => {})
  } catch {
    // No audio here.
  }
}

/** Whether a reply should ring: the visitor cannot see it, the inbox wants sound, not muted. */
export function shouldRing(input: { visible: boolean; sound: boolean; muted: boolean }): boolean {
  return !input.visible && input.sound && !input.muted
}

/** Plays the chime at most once a second and a half (catch-up can bring several replies). */
export function playTone(now = Date.now()): boolean {
  if (context?.state !== 'running' || now - lastAt < 1_500) return false
  lastAt = now
  const start = context.currentTime
  ;[880, 1320].forEach((frequency, i) => {
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
  return true
}
