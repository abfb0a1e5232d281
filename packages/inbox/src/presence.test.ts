import type { Availability } from '@kefu/protocol'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { AutoAway } from './presence'

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
