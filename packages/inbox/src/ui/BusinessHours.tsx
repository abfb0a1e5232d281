import type { Id, InboxDTO, ReplyTime, Weekday, WhenUnavailable } from '@kefu/protocol'
import { signal } from '@preact/signals'
import { useEffect, useId, useMemo, useState } from 'preact/hooks'
import { api } from '../api'
import {
  addInterval,
  copyMondayToWeekdays,
  formFromHours,
  type HoursForm,
  type HoursProblems,
  hasProblems,
  holidayLabels,
  hoursFromForm,
  hoursProblems,
  intervalLabels,
  isOvernight,
  MAX_HOLIDAYS,
  MAX_INTERVALS_PER_DAY,
  TEAM_NAME_MAX,
  timeZones,
  WEEKDAYS,
} from '../business-hours'
import { locale, type Said, said, t } from '../i18n'
import { errorText } from '../store'
import { PlusIcon } from './icons'

const REPLY_TIMES: ReplyTime[] = ['minutes', 'hours', 'day']
const MODES: WhenUnavailable[] = ['keep-open', 'offline-form']

/** The team name and reply time being edited, for the widget preview's header. */
export const hoursForPreview = signal<{
  inboxId: Id
  teamName: string
  replyTime: ReplyTime
} | null>(null)

/** A website inbox's team name, time zone, weekly hours, holidays and away behaviour (admins). */
export function BusinessHoursPanel(props: { inbox: InboxDTO }) {
  const { inbox } = props
  const [form, setForm] = useState<HoursForm | null>(null)
  const [accountZone, setAccountZone] = useState('UTC')
  const [loadError, setLoadError] = useState<string | null>(null)
  const [problems, setProblems] = useState<HoursProblems | null>(null)
  const [error, setError] = useState<Said | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)
  const zones = useMemo(timeZones, [])
  const idPrefix = useId()

  const teamName = form?.teamName
  const replyTime = form?.replyTime
  useEffect(() => {
    if (teamName === undefined || replyTime === undefined) return
    hoursForPreview.value = { inboxId: inbox.id, teamName, replyTime }
  }, [inbox.id, teamName, replyTime])
  useEffect(
    () => () => {
      if (hoursForPreview.peek()?.inboxId === inbox.id) hoursForPreview.value = null
    },
    [inbox.id],
  )

  useEffect(() => {
    let alive = true
    api
      .hours(inbox.id)
      .then((r) => {
        if (!alive) return
        setForm(formFromHours(r.hours))
        setAccountZone(r.accountTimezone)
      })
      .catch((err: unknown) => {
        if (alive) setLoadError(errorText(err))
      })
    return () => {
      alive = false
    }
  }, [inbox.id])

  if (!form) {
    return (
      <section class="card hours" data-testid="hours">
        <div class="card-head">
          <h3>{t('hours.title')}</h3>
        </div>
        {loadError ? (
          <p class="form-error" role="alert">
            {t('hours.loadFailed')} {loadError}
          </p>
        ) : (
          <p class="muted">{t('hours.loading')}</p>
        )}
      </section>
    )
  }

  const change = (patch: Partial<HoursForm>) => {
    const next = { ...form, ...patch }
    setForm(next)
    setSaved(false)
    // Once the admin has been told what is wrong, the marks follow their corrections.
    if (problems) setProblems(hoursProblems(next))
  }
  const setDay = (day: Weekday, rows: HoursForm['weekly'][Weekday]) =>
    change({ weekly: { ...form.weekly, [day]: rows } })

  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const found = hoursProblems(form)
    if (hasProblems(found)) {
      setProblems(found)
      setError({ key: 'hours.invalid' })
      return
    }
    setProblems(null)
    setError(null)
    setBusy(true)
    try {
      const r = await api.saveHours(inbox.id, hoursFromForm(form))
      setForm(formFromHours(r.hours))
      setSaved(true)
    } catch (err) {
      setError({ key: 'hours.saveFailed', detail: errorText(err) })
    } finally {
      setBusy(false)
    }
  }

  const zoneList =
    form.timezone && !zones.includes(form.timezone) ? [form.timezone, ...zones] : zones

  return (
    <form class="card hours" data-testid="hours" onSubmit={submit} noValidate>
      <div class="card-head">
        <h3>{t('hours.title')}</h3>
      </div>
      <p class="muted">{t('hours.hint')}</p>
      <div class="field-pair">
        <label class={`field ${problems?.teamName ? 'invalid' : ''}`}>
          <span>{t('hours.teamName')}</span>
          <input
            type="text"
            data-testid="hours-team-name"
            maxLength={TEAM_NAME_MAX}
            placeholder={inbox.name}
            value={form.teamName}
            onInput={(e) => change({ teamName: e.currentTarget.value })}
          />
          <small class="muted">{t('hours.teamNameHint')}</small>
        </label>
        <label class="field">
          <span>{t('hours.timezone')}</span>
          <select
            data-testid="hours-timezone"
            value={form.timezone}
            onChange={(e) => change({ timezone: e.currentTarget.value })}
          >
            <option value="">{t('hours.timezoneDefault', { zone: accountZone })}</option>
            {zoneList.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="field-pair">
        <label class="field">
          <span>{t('hours.replyTime')}</span>
          <select
            data-testid="hours-reply-time"
            value={form.replyTime}
            onChange={(e) =>
              change({
                replyTime: REPLY_TIMES.find((r) => r === e.currentTarget.value) ?? 'minutes',
              })
            }
          >
            {REPLY_TIMES.map((r) => (
              <option key={r} value={r}>
                {t(`hours.reply.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('hours.whenUnavailable')}</span>
          <select
            data-testid="hours-when-unavailable"
            value={form.whenUnavailable}
            onChange={(e) =>
              change({
                whenUnavailable: MODES.find((m) => m === e.currentTarget.value) ?? 'keep-open',
              })
            }
          >
            {MODES.map((m) => (
              <option key={m} value={m}>
                {t(`hours.mode.${m}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label class="switch-field">
        <input
          type="checkbox"
          class="switch-input"
          role="switch"
          aria-checked={form.enabled}
          data-testid="hours-enabled"
          checked={form.enabled}
          onChange={(e) => change({ enabled: e.currentTarget.checked })}
        />
        <span class="switch-text">
          <strong>{t('hours.enabled')}</strong>
          <small class="muted switch-hint">{t('hours.enabledHint')}</small>
        </span>
      </label>
      <fieldset class="hours-week" disabled={!form.enabled} data-testid="hours-week">
        <legend>{t('hours.weekly')}</legend>
        {WEEKDAYS.map((day) => {
          const rows = form.weekly[day]
          return (
            <div
              key={day}
              class={`hours-day ${problems?.days.has(day) ? 'invalid' : ''}`}
              data-testid="hours-day"
              data-day={day}
            >
              <span class="hours-day-name">{t(`hours.day.${day}`)}</span>
              <div class="hours-intervals">
                {rows.length === 0 && <span class="muted hours-closed">{t('hours.closed')}</span>}
                {rows.map((row, i) => {
                  const bad = problems?.intervals.has(`${day}-${i}`)
                  const labels = intervalLabels(day, rows, i, locale.value)
                  const problemId = `${idPrefix}-${day}-${i}-problem`
                  const update = (patch: Partial<typeof row>) =>
                    setDay(
                      day,
                      rows.map((r, j) => (j === i ? { ...r, ...patch } : r)),
                    )
                  return (
                    <div key={i} class={`hours-interval ${bad ? 'invalid' : ''}`}>
                      <input
                        type="time"
                        data-testid="hours-from"
                        aria-label={labels.from}
                        aria-invalid={bad || undefined}
                        aria-describedby={bad ? problemId : undefined}
                        value={row.from}
                        onInput={(e) => update({ from: e.currentTarget.value })}
                      />
                      <span aria-hidden="true">–</span>
                      <input
                        type="time"
                        data-testid="hours-to"
                        aria-label={labels.to}
                        aria-invalid={bad || undefined}
                        aria-describedby={bad ? problemId : undefined}
                        value={row.to === '24:00' ? '00:00' : row.to}
                        onInput={(e) => update({ to: e.currentTarget.value })}
                      />
                      {(isOvernight(row) || row.to === '24:00') && (
                        <small class="muted">{t('hours.overnight')}</small>
                      )}
                      <button
                        type="button"
                        class="button ghost hours-remove"
                        aria-label={labels.remove}
                        title={labels.remove}
                        onClick={() =>
                          setDay(
                            day,
                            rows.filter((_, j) => j !== i),
                          )
                        }
                      >
                        ×
                      </button>
                      {bad && (
                        <small class="hours-problem" id={problemId} data-testid="hours-problem">
                          {t('hours.intervalInvalid')}
                        </small>
                      )}
                    </div>
                  )
                })}
              </div>
              <button
                type="button"
                class="button ghost icon-text hours-add"
                data-testid="hours-add"
                disabled={rows.length >= MAX_INTERVALS_PER_DAY}
                onClick={() => setDay(day, addInterval(rows))}
              >
                <PlusIcon />
                <span class="hide-narrow">{t('hours.addInterval')}</span>
              </button>
            </div>
          )
        })}
        <div class="card-actions">
          <button
            type="button"
            class="button"
            data-testid="hours-copy-monday"
            onClick={() => change({ weekly: copyMondayToWeekdays(form) })}
          >
            {t('hours.copyMonday')}
          </button>
        </div>
      </fieldset>
      <fieldset class="hours-holidays" disabled={!form.enabled} data-testid="hours-holidays">
        <legend>{t('hours.holidays')}</legend>
        <p class="muted">{t('hours.holidaysHint')}</p>
        {form.holidays.length === 0 ? (
          <p class="origins-empty">{t('hours.noHolidays')}</p>
        ) : (
          <ul class="hours-holiday-list">
            {form.holidays.map((h, i) => {
              const bad = problems?.holidays.has(i)
              const labels = holidayLabels(form.holidays, i, locale.value)
              const problemId = `${idPrefix}-holiday-${i}-problem`
              const update = (patch: Partial<typeof h>) =>
                change({
                  holidays: form.holidays.map((x, j) => (j === i ? { ...x, ...patch } : x)),
                })
              return (
                <li key={i} class={bad ? 'invalid' : ''} data-testid="hours-holiday">
                  <input
                    type="date"
                    aria-label={labels.date}
                    aria-invalid={bad || undefined}
                    aria-describedby={bad ? problemId : undefined}
                    value={h.date}
                    onInput={(e) => update({ date: e.currentTarget.value })}
                  />
                  <input
                    type="text"
                    class="hours-holiday-name"
                    maxLength={60}
                    aria-label={labels.name}
                    placeholder={t('hours.holidayName')}
                    value={h.name}
                    onInput={(e) => update({ name: e.currentTarget.value })}
                  />
                  <button
                    type="button"
                    class="button ghost hours-remove"
                    aria-label={labels.remove}
                    title={labels.remove}
                    onClick={() => change({ holidays: form.holidays.filter((_, j) => j !== i) })}
                  >
                    ×
                  </button>
                  {bad && (
                    <small class="hours-problem" id={problemId} data-testid="hours-problem">
                      {t('hours.holidayInvalid')}
                    </small>
                  )}
                </li>
              )
            })}
          </ul>
        )}
        <div class="card-actions">
          <button
            type="button"
            class="button icon-text"
            data-testid="hours-add-holiday"
            disabled={form.holidays.length >= MAX_HOLIDAYS}
            onClick={() => change({ holidays: [...form.holidays, { date: '', name: '' }] })}
          >
            <PlusIcon />
            {t('hours.addHoliday')}
          </button>
        </div>
      </fieldset>
      <div class="widget-save-bar">
        {error ? (
          <p class="form-error" role="alert" data-testid="hours-error">
            {said(error)}
          </p>
        ) : (
          <p class="muted" role="status" data-testid="hours-saved">
            {saved ? t('hours.saved') : ''}
          </p>
        )}
        <button type="submit" class="button primary" data-testid="hours-save" disabled={busy}>
          {busy ? t('hours.saving') : t('hours.save')}
        </button>
      </div>
    </form>
  )
}
