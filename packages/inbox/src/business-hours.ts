// The business-hours editor as pure data: the form an admin edits, its checks (the server's
// rules), and the DTO it saves.
import type { InboxHoursDTO, Locale, ReplyTime, Weekday, WhenUnavailable } from '@kefu/protocol'
import { translate } from './i18n'

export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
export const MAX_INTERVALS_PER_DAY = 6
export const MAX_HOLIDAYS = 100
export const TEAM_NAME_MAX = 60

export interface IntervalRow {
  from: string
  to: string
}

export interface HolidayRow {
  date: string
  name: string
}

export interface HoursForm {
  teamName: string
  /** '' = the organisation's time zone. */
  timezone: string
  enabled: boolean
  weekly: Record<Weekday, IntervalRow[]>
  holidays: HolidayRow[]
  whenUnavailable: WhenUnavailable
  replyTime: ReplyTime
}

export function formFromHours(hours: InboxHoursDTO): HoursForm {
  const weekly = Object.fromEntries(
    WEEKDAYS.map((d) => [d, (hours.weekly[d] ?? []).map((i) => ({ ...i }))]),
  ) as Record<Weekday, IntervalRow[]>
  return {
    teamName: hours.teamName ?? '',
    timezone: hours.timezone ?? '',
    enabled: hours.enabled,
    weekly,
    holidays: hours.holidays.map((h) => ({ date: h.date, name: h.name ?? '' })),
    whenUnavailable: hours.whenUnavailable,
    replyTime: hours.replyTime,
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** An interval whose end is before its start runs past midnight (22:00–02:00); equal is invalid. */
export function isOvernight(row: IntervalRow): boolean {
  return TIME.test(row.from) && END.test(row.to) && row.to < row.from
}

export interface HoursProblems {
  /** `${day}-${index}` of intervals with a bad time. */
  intervals: Set<string>
  /** Days with too many intervals. */
  days: Set<Weekday>
  /** Indexes of holidays with a bad date (or a date given twice). */
  holidays: Set<number>
  teamName: boolean
}

export function hoursProblems(form: HoursForm): HoursProblems {
  const problems: HoursProblems = {
    intervals: new Set(),
    days: new Set(),
    holidays: new Set(),
    teamName: form.teamName.trim().length > TEAM_NAME_MAX,
  }
  for (const day of WEEKDAYS) {
    const rows = form.weekly[day]
    if (rows.length > MAX_INTERVALS_PER_DAY) problems.days.add(day)
    rows.forEach((row, i) => {
      if (!TIME.test(row.from) || !END.test(row.to) || row.from === row.to) {
        problems.intervals.add(`${day}-${i}`)
      }
    })
  }
  const seen = new Set<string>()
  form.holidays.forEach((h, i) => {
    const real = DATE.test(h.date) && !Number.isNaN(Date.parse(`${h.date}T00:00:00Z`))
    const roundTrips = real && new Date(`${h.date}T00:00:00Z`).toISOString().startsWith(h.date)
    if (!roundTrips || seen.has(h.date) || h.name.trim().length > 60) problems.holidays.add(i)
    seen.add(h.date)
  })
  return problems
}

export function hasProblems(p: HoursProblems): boolean {
  return p.teamName || p.intervals.size > 0 || p.days.size > 0 || p.holidays.size > 0
}

export function hoursFromForm(form: HoursForm): InboxHoursDTO {
  const weekly: InboxHoursDTO['weekly'] = {}
  for (const day of WEEKDAYS) {
    if (form.weekly[day].length) weekly[day] = form.weekly[day].map((r) => ({ ...r }))
  }
  return {
    teamName: form.teamName.trim() || null,
    timezone: form.timezone || null,
    enabled: form.enabled,
    weekly,
    holidays: form.holidays.map((h) => {
      const name = h.name.trim()
      return name ? { date: h.date, name } : { date: h.date }
    }),
    whenUnavailable: form.whenUnavailable,
    replyTime: form.replyTime,
  }
}

/** A new period: 09:00–17:00 on an empty day, else starting where the last one ended. */
export function addInterval(rows: IntervalRow[]): IntervalRow[] {
  if (rows.length >= MAX_INTERVALS_PER_DAY) return rows
  const last = rows.at(-1)
  if (!last) return [{ from: '09:00', to: '17:00' }]
  const start = TIME.test(last.to) ? last.to : '13:00'
  const [h = 0, m = 0] = start.split(':').map(Number)
  const end = `${String(Math.min(h + 1, 23)).padStart(2, '0')}:${String(m).padStart(2, '0')}`
  return [...rows, { from: start, to: end === start ? '23:59' : end }]
}

/** Monday's hours on every weekday (Tuesday–Friday), a common first step. */
export function copyMondayToWeekdays(form: HoursForm): HoursForm['weekly'] {
  const monday = form.weekly.mon
  const weekly = { ...form.weekly }
  for (const day of ['tue', 'wed', 'thu', 'fri'] as const)
    weekly[day] = monday.map((r) => ({ ...r }))
  return weekly
}

/** Every IANA zone the browser knows (empty where Intl cannot list them). */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] }
  try {
    return intl.supportedValuesOf?.('timeZone') ?? []
  } catch {
    return []
  }
}

/**
 * The accessible names of a period's controls, each different from every other period's: the day,
 * the period's number when the day has several, and the times on its remove button.
 */
export function intervalLabels(
  day: Weekday,
  rows: readonly IntervalRow[],
  index: number,
  locale: Locale,
): { from: string; to: string; remove: string } {
  const dayName = translate(locale, `hours.day.${day}`)
  const which =
    rows.length > 1 ? translate(locale, 'hours.dayPeriod', { day: dayName, n: index + 1 }) : dayName
  const row = rows[index]
  return {
    from: `${which} ${translate(locale, 'hours.from')}`,
    to: `${which} ${translate(locale, 'hours.to')}`,
    remove: translate(locale, 'hours.removeInterval', {
      day: dayName,
      from: row?.from || '--:--',
      to: row?.to || '--:--',
    }),
  }
}

/** The accessible names of a holiday's controls: its number, and its date on the remove button. */
export function holidayLabels(
  holidays: readonly HolidayRow[],
  index: number,
  locale: Locale,
): { date: string; name: string; remove: string } {
  const n = index + 1
  const own = holidays[index]?.date ?? ''
  // A date given twice (a mistake being corrected) does not tell the two apart: the number does.
  const twice = holidays.some((h, i) => i !== index && h.date === own)
  const date = twice ? null : holidayDateText(own, locale)
  return {
    date: translate(locale, 'hours.holidayDate', { n }),
    name: translate(locale, 'hours.holidayNameOf', { n }),
    remove: date
      ? translate(locale, 'hours.removeHoliday', { date })
      : translate(locale, 'hours.removeHolidayNumber', { n }),
  }
}

/** A holiday's date written out in the agent's language ("1 May 2026"), or null if not a date. */
export function holidayDateText(date: string, locale: Locale): string | null {
  if (!DATE.test(date)) return null
  const at = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(at.getTime()) || !at.toISOString().startsWith(date)) return null
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(at)
}
