import { describe, expect, test } from 'vitest'
import {
  addInterval,
  copyMondayToWeekdays,
  formFromHours,
  hasProblems,
  holidayDateText,
  holidayLabels,
  hoursFromForm,
  hoursProblems,
  intervalLabels,
  isOvernight,
} from './business-hours'

const dto = {
  teamName: 'Acme Care',
  timezone: null,
  enabled: true,
  weekly: { mon: [{ from: '09:00', to: '18:00' }], sat: [{ from: '22:00', to: '02:00' }] },
  holidays: [{ date: '2026-10-01', name: '国庆节' }, { date: '2026-10-02' }],
  whenUnavailable: 'offline-form' as const,
  replyTime: 'hours' as const,
}

describe('business hours form', () => {
  test('a DTO round-trips through the form', () => {
    const form = formFromHours(dto)
    expect(form.timezone).toBe('')
    expect(form.weekly.tue).toEqual([])
    expect(form.holidays[1]).toEqual({ date: '2026-10-02', name: '' })
    expect(hoursFromForm(form)).toEqual(dto)
    expect(hasProblems(hoursProblems(form))).toBe(false)
  })

  test('bad times, too many periods, bad or repeated dates are flagged', () => {
    const form = formFromHours(dto)
    form.weekly.mon = [{ from: '9:00', to: '18:00' }]
    form.weekly.tue = [{ from: '10:00', to: '10:00' }]
    form.weekly.wed = Array.from({ length: 7 }, () => ({ from: '01:00', to: '02:00' }))
    form.holidays = [
      { date: '2026-02-30', name: '' },
      { date: '2026-05-01', name: '' },
      { date: '2026-05-01', name: '' },
    ]
    const p = hoursProblems(form)
    expect([...p.intervals]).toEqual(['mon-0', 'tue-0'])
    expect([...p.days]).toEqual(['wed'])
    expect([...p.holidays]).toEqual([0, 2])
    expect(hasProblems(p)).toBe(true)
  })

  test('an end before the start runs overnight; new periods follow the last one', () => {
    expect(isOvernight({ from: '22:00', to: '02:00' })).toBe(true)
    expect(isOvernight({ from: '09:00', to: '17:00' })).toBe(false)
    // The same time twice is a mistake the form points out, not "until the next day".
    expect(isOvernight({ from: '09:00', to: '09:00' })).toBe(false)
    expect(addInterval([])).toEqual([{ from: '09:00', to: '17:00' }])
    expect(addInterval([{ from: '09:00', to: '12:00' }])).toEqual([
      { from: '09:00', to: '12:00' },
      { from: '12:00', to: '13:00' },
    ])
  })

  test("Monday's hours can be copied to the other weekdays", () => {
    const weekly = copyMondayToWeekdays(formFromHours(dto))
    expect(weekly.fri).toEqual([{ from: '09:00', to: '18:00' }])
    expect(weekly.sat).toEqual([{ from: '22:00', to: '02:00' }])
    expect(weekly.sun).toEqual([])
  })
})

describe('accessible names', () => {
  test('every period of the week has its own remove button name, with the day and times', () => {
    const rows = [
      { from: '09:00', to: '12:00' },
      { from: '13:00', to: '18:00' },
    ]
    const names = (['mon', 'tue'] as const).flatMap((day) =>
      rows.map((_, i) => intervalLabels(day, rows, i, 'en')),
    )
    const removes = names.map((n) => n.remove)
    expect(new Set(removes).size).toBe(4)
    expect(removes[0]).toBe('Remove Monday 09:00–12:00')
    expect(removes[3]).toBe('Remove Tuesday 13:00–18:00')
    // Time fields say which period they belong to when the day has several.
    expect(names[1]?.from).toBe('Monday, period 2 From')
    expect(intervalLabels('mon', [rows[0] ?? { from: '', to: '' }], 0, 'en').from).toBe(
      'Monday From',
    )
    expect(intervalLabels('wed', [{ from: '', to: '' }], 0, 'en').remove).toBe(
      'Remove Wednesday --:--–--:--',
    )
    expect(intervalLabels('mon', rows, 1, 'zh-CN').remove).toBe('删除星期一 13:00–18:00')
  })

  test('holidays are told apart by their date, or their number before one is picked', () => {
    const list = [
      { date: '2026-10-01', name: '' },
      { date: '2026-10-02', name: '' },
      { date: '', name: '' },
    ]
    const [a, b, c] = list.map((_, i) => holidayLabels(list, i, 'en'))
    if (!a || !b || !c) throw new Error('labels')
    expect(a.remove).toBe('Remove the holiday on October 1, 2026')
    expect(b.remove).toBe('Remove the holiday on October 2, 2026')
    expect(c.remove).toBe('Remove holiday 3')
    expect(new Set([a.date, b.date, c.date]).size).toBe(3)
    expect(new Set([a.name, b.name, c.name]).size).toBe(3)
    expect(holidayLabels(list, 0, 'zh-CN').remove).toBe('删除 2026年10月1日 的节假日')
    // The same date twice: told apart by number.
    const same = [
      { date: '2026-10-01', name: '' },
      { date: '2026-10-01', name: '' },
    ]
    expect([0, 1].map((i) => holidayLabels(same, i, 'en').remove)).toEqual([
      'Remove holiday 1',
      'Remove holiday 2',
    ])
  })

  test('a date that is not real is not written out', () => {
    expect(holidayDateText('2026-02-30', 'en')).toBeNull()
    expect(holidayDateText('soon', 'en')).toBeNull()
    expect(holidayDateText('2026-05-01', 'zh-TW')).toBe('2026年5月1日')
  })
})
