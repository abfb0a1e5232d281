import { describe, expect, test } from 'vitest'
import { showsTyping, TypingNotifier, TypingTracker } from './typing'

function clock() {
  let now = 0
  let timers: { at: number; fn: () => void; id: number }[] = []
  let next = 1
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = next++
      timers.push({ at: now + ms, fn, id })
      return id
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id)
    },
    advance(ms: number) {
      now += ms
      const due = timers.filter((t) => t.at <= now)
      timers = timers.filter((t) => t.at > now)
      for (const t of due) t.fn()
    },
  }
}

describe('typing notifier', () => {
  test('sends typing once per throttle window and stops after 3 s of quiet', () => {
    const c = clock()
    const sent: string[] = []
    const notifier = new TypingNotifier({
      send: (id, typing) => sent.push(`${id}:${typing}`),
      ...c,
    })
    notifier.input('c1')
    c.advance(500)
    notifier.input('c1')
    c.advance(500)
    notifier.input('c1')
    expect(sent).toEqual(['c1:true'])
    c.advance(1500)
    notifier.input('c1')
    expect(sent).toEqual(['c1:true', 'c1:true'])
    c.advance(3000)
    expect(sent).toEqual(['c1:true', 'c1:true', 'c1:false'])
  })

  test('sending or switching conversation stops typing right away', () => {
    const c = clock()
    const sent: string[] = []
    const notifier = new TypingNotifier({
      send: (id, typing) => sent.push(`${id}:${typing}`),
      ...c,
    })
    notifier.input('c1')
    notifier.input('c2')
    notifier.stop()
    notifier.stop()
    expect(sent).toEqual(['c1:true', 'c1:false', 'c2:true', 'c2:false'])
  })
})

describe('typing from the composer', () => {
  test('only a reply with text shows the customer typing', () => {
    expect(showsTyping({ mode: 'reply', text: 'Hello' })).toBe(true)
    expect(showsTyping({ mode: 'reply', text: '  \n' })).toBe(false)
    expect(showsTyping({ mode: 'note', text: 'They were rude, careful' })).toBe(false)
  })

  test('an internal note never tells the customer the agent is typing', () => {
    const c = clock()
    const sent: string[] = []
    const notifier = new TypingNotifier({
      send: (id, typing) => sent.push(`${id}:${typing}`),
      ...c,
    })
    notifier.update('c1', { mode: 'note', text: 'I' })
    c.advance(2500)
    notifier.update('c1', { mode: 'note', text: 'Internal only' })
    c.advance(5000)
    expect(sent).toEqual([])
  })

  test('a reply that turns into a note stops the typing at the next keystroke', () => {
    const c = clock()
    const sent: string[] = []
    const notifier = new TypingNotifier({
      send: (id, typing) => sent.push(`${id}:${typing}`),
      ...c,
    })
    notifier.update('c1', { mode: 'reply', text: 'Dear' })
    c.advance(500)
    notifier.update('c1', { mode: 'note', text: 'Dear colleague' })
    c.advance(2500)
    notifier.update('c1', { mode: 'note', text: 'Dear colleague, please check' })
    c.advance(5000)
    expect(sent).toEqual(['c1:true', 'c1:false'])
  })

  test('emptying a reply stops the typing at once', () => {
    const c = clock()
    const sent: string[] = []
    const notifier = new TypingNotifier({
      send: (id, typing) => sent.push(`${id}:${typing}`),
      ...c,
    })
    notifier.update('c1', { mode: 'reply', text: 'x' })
    c.advance(100)
    notifier.update('c1', { mode: 'reply', text: '' })
    expect(sent).toEqual(['c1:true', 'c1:false'])
  })
})

describe('typing tracker', () => {
  test('shows who types until they stop or the hint expires', () => {
    const c = clock()
    let changes = 0
    const tracker = new TypingTracker({ onChange: () => changes++, ...c })
    tracker.set('c1', 'contact', true)
    tracker.set('c1', 'agent-2', true)
    expect(tracker.typing('c1').sort()).toEqual(['agent-2', 'contact'])
    expect(tracker.typing('c2')).toEqual([])
    tracker.set('c1', 'contact', false)
    expect(tracker.typing('c1')).toEqual(['agent-2'])
    c.advance(6000)
    expect(tracker.typing('c1')).toEqual([])
    expect(changes).toBe(4)
  })
})
