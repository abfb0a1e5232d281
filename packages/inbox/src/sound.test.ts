import { describe, expect, test } from 'vitest'
import { Chime, type ChimeAudio } from './sound'

/** An AudioContext stand-in: suspended until resumed after a gesture, counting the notes. */
class FakeAudio implements ChimeAudio {
  state = 'suspended'
  currentTime = 0
  destination = {} as AudioNode
  notes = 0
  resumes = 0
  constructor(private readonly allowed: () => boolean) {}
  resume(): Promise<void> {
    this.resumes += 1
    if (this.allowed()) this.state = 'running'
    return Promise.resolve()
  }
  createOscillator(): OscillatorNode {
    this.notes += 1
    const node = { frequency: { value: 0 }, connect: (n: unknown) => n, start() {}, stop() {} }
    return node as unknown as OscillatorNode
  }
  createGain(): GainNode {
    const param = { setValueAtTime() {}, exponentialRampToValueAtTime() {} }
    return { gain: param, connect: (n: unknown) => n } as unknown as GainNode
  }
}

function setup(on = true) {
  let gesture = false
  const created: FakeAudio[] = []
  const target = new EventTarget()
  const chime = new Chime({
    on: () => on,
    createAudio: () => {
      const audio = new FakeAudio(() => gesture)
      created.push(audio)
      return audio
    },
    target,
  })
  const press = (type = 'pointerdown') => {
    gesture = true
    target.dispatchEvent(new Event(type))
  }
  return { chime, created, press }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('chime after a reload with the sound on', () => {
  test('no audio is created without a gesture; the first click unlocks it', async () => {
    const { chime, created, press } = setup()
    chime.listen()
    chime.play(false, 10_000)
    expect(created).toHaveLength(0)
    press()
    await flush()
    expect(created).toHaveLength(1)
    expect(created[0]?.state).toBe('running')
    chime.play(false, 20_000)
    expect(created[0]?.notes).toBe(2)
  })

  test('a key press unlocks it too', async () => {
    const { chime, created, press } = setup()
    chime.listen()
    press('keydown')
    await flush()
    expect(created[0]?.state).toBe('running')
  })

  test('a suspended audio is resumed by the chime, and plays once running', async () => {
    const { chime, created, press } = setup()
    chime.unlock() // created before any gesture: stays suspended
    const audio = created[0]
    expect(audio?.state).toBe('suspended')
    chime.play(false, 10_000)
    await flush()
    expect(audio?.resumes).toBe(2)
    expect(audio?.notes).toBe(0)
    // The gesture wakes the same audio; the next message chimes.
    press()
    await flush()
    expect(audio?.state).toBe('running')
    chime.play(false, 20_000)
    expect(audio?.notes).toBe(2)
    expect(created).toHaveLength(1)
  })

  test('a resume the browser allows plays the chime at once', async () => {
    const { chime, created, press } = setup()
    chime.listen()
    press()
    await flush()
    const audio = created[0]
    if (!audio) throw new Error('no audio')
    audio.state = 'suspended' // suspended by the browser later
    chime.play(false, 10_000)
    await flush()
    expect(audio.notes).toBe(2)
  })

  test('with the sound off, gestures create nothing and nothing plays', async () => {
    const { chime, created, press } = setup(false)
    chime.listen()
    press()
    chime.play(false, 10_000)
    await flush()
    expect(created).toHaveLength(0)
  })

  test('at most one chime every two seconds', async () => {
    const { chime, created, press } = setup()
    chime.listen()
    press()
    await flush()
    chime.play(false, 10_000)
    chime.play(false, 11_000)
    chime.play(false, 12_500)
    expect(created[0]?.notes).toBe(4)
  })
})
