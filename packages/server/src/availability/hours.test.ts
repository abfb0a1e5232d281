import { describe, expect, test } from 'vitest'
import { hoursState, isTimeZone, localToInstant, type Schedule, wallClock } from './hours.js'

const weekdays9to5 = {
  mon: [{ from: '09:00', to: '17:00' }],
  tue: [{ from: '09:00', to: '17:00' }],
  wed: [{ from: '09:00', to: '17:00' }],
  thu: [{ from: '09:00', to: '17:00' }],
  fri: [{ from: '09:00', to: '17:00' }],
}

const at = (iso: string) => Date.parse(iso)

describe('business hours', () => {
  test('Asia/Shanghai 09:00–18:00 is 01:00–10:00 UTC', () => {
    const s: Schedule = {
      timezone: 'Asia/Shanghai',
      weekly: { mon: [{ from: '09:00', to: '18:00' }] },
      holidays: [],
    }
    // Monday 2026-11-23
    expect(hoursState(s, at('2026-11-23T00:59:00Z'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-23T01:00:00Z'),
    })
    expect(hoursState(s, at('2026-11-23T01:00:00Z')).open).toBe(true)
    expect(hoursState(s, at('2026-11-23T09:59:59Z')).open).toBe(true)
    // After closing on Monday the next opening is the Monday after.
    expect(hoursState(s, at('2026-11-23T10:00:00Z'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-30T01:00:00Z'),
    })
  })

  test('a holiday is closed all day and the next opening skips it', () => {
    const s: Schedule = {
      timezone: 'Asia/Shanghai',
      weekly: weekdays9to5,
      holidays: [{ date: '2026-10-01', name: '国庆节' }, { date: '2026-10-02' }],
    }
    // Thursday 1 October 2026, 10:00 in Shanghai
    const state = hoursState(s, at('2026-10-01T02:00:00Z'))
    expect(state.open).toBe(false)
    // Friday is a holiday too: back on Monday 5 October at 09:00 (01:00 UTC).
    expect(state.nextOpenAt).toBe(at('2026-10-05T01:00:00Z'))
    expect(hoursState({ ...s, holidays: [] }, at('2026-10-01T02:00:00Z')).open).toBe(true)
  })

  test('an interval past midnight keeps the night open and wraps the week', () => {
    const s: Schedule = {
      timezone: 'UTC',
      weekly: { sun: [{ from: '22:00', to: '02:00' }], mon: [{ from: '09:00', to: '24:00' }] },
      holidays: [],
    }
    // Sunday 2026-11-22 23:30 and Monday 01:59: the Sunday night shift
    expect(hoursState(s, at('2026-11-22T23:30:00Z')).open).toBe(true)
    expect(hoursState(s, at('2026-11-23T01:59:00Z')).open).toBe(true)
    expect(hoursState(s, at('2026-11-23T02:00:00Z'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-23T09:00:00Z'),
    })
    expect(hoursState(s, at('2026-11-23T23:59:59Z')).open).toBe(true)
    // Monday's hours end at midnight; the next opening is Sunday night.
    expect(hoursState(s, at('2026-11-24T00:00:00Z'))).toEqual({
      open: false,
      nextOpenAt: at('2026-11-29T22:00:00Z'),
    })
    // A holiday on Monday does not cut Sunday's shift short, but Monday stays shut.
    const holiday = { ...s, holidays: [{ date: '2026-11-23' }] }
    expect(hoursState(holiday, at('2026-11-23T01:00:00Z')).open).toBe(true)
    expect(hoursState(holiday, at('2026-11-23T10:00:00Z')).open).toBe(false)
  })

  test('on DST change days the hours follow the local clock', () => {
    const s: Schedule = {
      timezone: 'America/New_York',
      weekly: {
        sat: [{ from: '09:00', to: '17:00' }],
        sun: [{ from: '01:00', to: '04:00' }],
        mon: [{ from: '09:00', to: '17:00' }],
      },
      holidays: [],
    }
    // Clocks spring forward on Sunday 2026-03-08 at 02:00 (EST −5 → EDT −4).
    expect(hoursState(s, at('2026-03-07T13:59:00Z')).nextOpenAt).toBe(at('2026-03-07T14:00:00Z'))
    expect(hoursState(s, at('2026-03-09T12:59:00Z')).nextOpenAt).toBe(at('2026-03-09T13:00:00Z'))
    // Sunday 01:00 EST = 06:00Z; 04:00 EDT = 08:00Z: a three-hour shift lasts two hours.
    expect(hoursState(s, at('2026-03-08T05:59:00Z')).nextOpenAt).toBe(at('2026-03-08T06:00:00Z'))
    expect(hoursState(s, at('2026-03-08T07:59:00Z')).open).toBe(true)
    expect(hoursState(s, at('2026-03-08T08:00:00Z')).open).toBe(false)
    // Fall back on 2026-11-01: 09:00 EST is 14:00Z.
    expect(hoursState(s, at('2026-11-02T13:30:00Z')).nextOpenAt).toBe(at('2026-11-02T14:00:00Z'))
  })

  test('local times the clocks skip or repeat map to one instant', () => {
    // 02:30 does not exist in New York on 2026-03-08: it maps to 03:30 EDT, just after the gap.
    expect(localToInstant('America/New_York', at('2026-03-08T02:30:00Z'))).toBe(
      at('2026-03-08T07:30:00Z'),
    )
    // 01:30 happens twice on 2026-11-01: the first (EDT) is taken.
    expect(localToInstant('America/New_York', at('2026-11-01T01:30:00Z'))).toBe(
      at('2026-11-01T05:30:00Z'),
    )
    expect(wallClock('Asia/Shanghai', at('2026-01-01T16:00:00Z'))).toBe(at('2026-01-02T00:00:00Z'))
  })

  test('a schedule with no hours never opens, and unknown zones are refused', () => {
    expect(hoursState({ timezone: 'UTC', weekly: {}, holidays: [] }, Date.now())).toEqual({
      open: false,
      nextOpenAt: null,
    })
    expect(isTimeZone('Europe/Berlin')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
  })
})
