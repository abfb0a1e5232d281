import type { Availability } from '@kefu/protocol'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { AutoAway, SHARE_MS, type TabLink, type TabMessage } from './presence'

describe('automatic away', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup(initial: Availability = 'online') {
    let availability: Availability = initial
    const changes: Availability[] = []
    const auto = new AutoAway({
      current: () => availability,
      set: (a) => {
        availability = a
        changes.push(a)
      },
      now: () => Date.now(),
      idleMs: 10 * 60_000,
    })
    auto.start()
    return {
      auto,
      changes,
      choose: (a: Availability) => {
        availability = a
        auto.chosen()
      },
    }
  }

  test('ten minutes without input sets an online agent away; input brings them back', async () => {
    const { auto, changes } = setup()
    await vi.advanceTimersByTimeAsync(9 * 60_000)
    auto.input()
    await vi.advanceTimersByTimeAsync(9 * 60_000)
    expect(changes).toEqual([])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(changes).toEqual(['away'])
    expect(auto.automatic).toBe(true)
    auto.input()
    expect(changes).toEqual(['away', 'online'])
    // And again after the next idle stretch.
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(changes).toEqual(['away', 'online', 'away'])
  })

  test('an availability the agent chose is never undone by input', async () => {
    const { auto, changes, choose } = setup()
    choose('away')
    await vi.advanceTimersByTimeAsync(30 * 60_000)
    auto.input()
    expect(changes).toEqual([])
    choose('offline')
    await vi.advanceTimersByTimeAsync(30 * 60_000)
    auto.input()
    expect(changes).toEqual([])
  })

  test('set away automatically, then changed by hand: input leaves it alone', async () => {
    const { auto, changes, choose } = setup()
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(changes).toEqual(['away'])
    choose('offline')
    auto.input()
    expect(changes).toEqual(['away'])
  })
})

describe('automatic away across tabs', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  /** A BroadcastChannel stand-in: each tab hears the others, never itself. */
  function bus() {
    const tabs: ((message: TabMessage) => void)[][] = []
    return (): TabLink => {
      const mine: ((message: TabMessage) => void)[] = []
      tabs.push(mine)
      return {
        post: (message) => {
          for (const other of tabs) if (other !== mine) for (const h of other) h(message)
        },
        listen: (handler) => {
          mine.push(handler)
          return () => mine.splice(mine.indexOf(handler), 1)
        },
      }
    }
  }

  /** Several tabs of one agent; the server's availability is shared, as it is in the inbox. */
  function setup(count: number) {
    let availability: Availability = 'online'
    const changes: { tab: number; to: Availability }[] = []
    const automatic: boolean[] = []
    const connect = bus()
    const tabs = Array.from({ length: count }, (_, tab) => {
      automatic.push(false)
      const auto = new AutoAway({
        current: () => availability,
        set: (a) => {
          availability = a
          changes.push({ tab, to: a })
        },
        onAutomatic: (on) => {
          automatic[tab] = on
        },
        link: connect(),
        now: () => Date.now(),
        idleMs: 10 * 60_000,
      })
      auto.start()
      return auto
    })
    return {
      tabs,
      changes,
      automatic,
      choose: (tab: number, a: Availability) => {
        availability = a
        tabs[tab]?.chosen()
      },
    }
  }

  test('input in one tab keeps an idle other tab from setting the agent away', async () => {
    const { tabs, changes } = setup(2)
    for (let minute = 0; minute < 30; minute++) {
      await vi.advanceTimersByTimeAsync(60_000)
      tabs[1]?.input()
    }
    expect(changes).toEqual([])
  })

  test('the last input is shared even when it falls inside the throttle window', async () => {
    const { tabs, changes } = setup(2)
    tabs[1]?.input() // shared at once
    await vi.advanceTimersByTimeAsync(SHARE_MS - 1_000)
    tabs[1]?.input() // shared when the window ends
    await vi.advanceTimersByTimeAsync(10 * 60_000 - (SHARE_MS - 1_000) + 500)
    expect(changes).toEqual([])
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(changes).toEqual([{ tab: 0, to: 'away' }])
  })

  test('away only once every tab is idle, and input in another tab brings the agent back', async () => {
    const { tabs, changes, automatic } = setup(2)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    // One tab sets away; the other does not ask again.
    expect(changes).toEqual([{ tab: 0, to: 'away' }])
    expect(automatic).toEqual([true, true])
    tabs[1]?.input()
    expect(changes).toEqual([
      { tab: 0, to: 'away' },
      { tab: 1, to: 'online' },
    ])
    expect(automatic).toEqual([false, false])
    // Input in the first tab afterwards changes nothing.
    tabs[0]?.input()
    expect(changes).toHaveLength(2)
  })

  test('a choice made in one tab is not undone by input in another', async () => {
    const { tabs, changes, choose } = setup(2)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(changes).toEqual([{ tab: 0, to: 'away' }])
    choose(0, 'away')
    tabs[1]?.input()
    expect(changes).toEqual([{ tab: 0, to: 'away' }])
  })

  test('a tab opened while the agent is away automatically learns it from the others', async () => {
    let availability: Availability = 'online'
    const changes: Availability[] = []
    const connect = bus()
    const make = () =>
      new AutoAway({
        current: () => availability,
        set: (a) => {
          availability = a
          changes.push(a)
        },
        link: connect(),
        now: () => Date.now(),
        idleMs: 10 * 60_000,
      })
    const first = make()
    first.start()
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(changes).toEqual(['away'])
    const second = make()
    second.start()
    expect(second.automatic).toBe(true)
    second.input()
    expect(changes).toEqual(['away', 'online'])
    expect(first.automatic).toBe(false)
    first.stop()
    second.stop()
  })
})
