import type { Holiday, HoursInterval, Weekday } from '@kefu/protocol'

// Business hours are local wall-clock times in the inbox's IANA time zone. Intl tells the
// offset of any instant; turning a local time back into an instant tries the offsets a day
// before and after, so a day on which the clocks change (DST) still opens at the right hour.

export interface Schedule {
  timezone: string
  weekly: Partial<Record<Weekday, HoursInterval[]>>
  holidays: Holiday[]
}

export interface HoursState {
  open: boolean
  /** When closed: the start of the next opening, or null when none comes within a year. */
  nextOpenAt: number | null
}

const DAY = 86_400_000
const MINUTE = 60_000
/** Indexed like Date#getUTCDay(). */
const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
/** Looking further than a year ahead means the schedule has no openings at all. */
const HORIZON_DAYS = 366

export const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
export const END_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timezone, f)
  }
  return f
}

/** Whether Intl knows the IANA zone. */
export function isTimeZone(timezone: string): boolean {
  try {
    formatter(timezone)
    return true
  } catch {
    return false
  }
}

/** The local wall-clock time of an instant, written as if it were UTC (seconds precision). */
export function wallClock(timezone: string, at: number): number {
  const parts: Record<string, number> = {}
  for (const p of formatter(timezone).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  const hour = parts.hour === 24 ? 0 : (parts.hour ?? 0)
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    hour,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
}

function offsetAt(timezone: string, at: number): number {
  return wallClock(timezone, at) - Math.floor(at / 1000) * 1000
}

/**
 * The instant a local wall-clock time happens. A time the clocks skip (02:30 on a spring-forward
 * day) maps to just after the gap; a time that happens twice (fall back) to its first occurrence.
 */
export function localToInstant(timezone: string, wall: number): number {
  const before = wall - offsetAt(timezone, wall - DAY)
  const after = wall - offsetAt(timezone, wall + DAY)
  const valid = [before, after].filter((t) => wallClock(timezone, t) === wall)
  if (valid.length) return Math.min(...valid)
  return Math.max(before, after)
}

export function minutesOf(time: string): number {
  const [h, m] = time.split(':')
  return Number(h) * 60 + Number(m)
}

/** Whether the schedule is open at `now`, and if not when it opens next. */
export function hoursState(schedule: Schedule, now: number): HoursState {
  const { timezone } = schedule
  const holidays = new Set(schedule.holidays.map((h) => h.date))
  const today = Math.floor(wallClock(timezone, now) / DAY)
  let next: number | null = null
  // Yesterday first: its intervals may run past midnight into today.
  for (let day = today - 1; day <= today + HORIZON_DAYS; day++) {
    const midnight = day * DAY
    const date = new Date(midnight)
    const intervals = schedule.weekly[WEEKDAYS[date.getUTCDay()] as Weekday] ?? []
    if (intervals.length && !holidays.has(date.toISOString().slice(0, 10))) {
      for (const interval of intervals) {
        const from = minutesOf(interval.from)
        const to = minutesOf(interval.to)
        const start = localToInstant(timezone, midnight + from * MINUTE)
        const end = localToInstant(timezone, midnight + (to > from ? 0 : DAY) + to * MINUTE)
        if (start <= now && now < end) return { open: true, nextOpenAt: null }
        if (start > now && (next === null || start < next)) next = start
      }
    }
    // Openings only start later on later days; once today is checked the first one found wins.
    if (day >= today && next !== null) break
  }
  return { open: false, nextOpenAt: next }
}
