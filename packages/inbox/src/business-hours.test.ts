import { describe, expect, test } from 'vitest'
import {
  addInterval,
  copyMondayToWeekdays,
  formFromHours,
  hasProblems,
  hoursFromForm,
  hoursProblems,
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
