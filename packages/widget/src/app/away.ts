// What the widget says about the team's availability (header line, "back at" time in the
// visitor's own clock and language) and the offline form's rules. Pure, so it is tested alone.
import type { Locale, WidgetAvailability } from '@kefu/protocol'
import { dictionary } from './i18n'
import { checkPreChatValue, type PreChatProblem } from './prechat'

/** An older server sends no availability: then nothing is promised beyond "a few minutes". */
export const ALWAYS_AVAILABLE: WidgetAvailability = {
  teamName: null,
  agents: [],
  canAnswer: true,
  reason: null,
  backAt: null,
  replyTime: 'minutes',
  whenUnavailable: 'keep-open',
}

/** The header's line under the team name. */
export function statusLine(input: {
  availability: WidgetAvailability
  /** An agent typed or replied live: someone is here whatever the config said. */
  agentSeen: boolean
  now: number
  locale: Locale
  /** The visitor's zone; the browser's when left out. */
  timeZone?: string
}): string {
  const { availability: a, locale } = input
  const s = dictionary[locale]
  if (a.canAnswer || input.agentSeen) return s.typically(s.replies[a.replyTime])
  if (a.reason === 'out-of-hours' && a.backAt !== null) {
    return s.awayUntil(backTime(a.backAt, input.now, locale, input.timeZone))
  }
  return s.away(s.replies[a.replyTime])
}

/** "09:00" today, "09:00 (Mon)" within the week, "09:00 (Mon, Nov 30)" later. */
export function backTime(at: number, now: number, locale: Locale, timeZone?: string): string {
  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(at)
  const time = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const dayOf = (t: number) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(t)
  if (dayOf(at) === dayOf(now)) return time
  // Beyond a week the weekday alone would mislead: the date comes with it.
  const far = at - now > 6 * 86_400_000
  return dictionary[locale].at(
    time,
    format({ weekday: 'short', ...(far ? { month: 'short', day: 'numeric' } : {}) }),
  )
}

export type OfflineField = 'email' | 'name' | 'text'
export type OfflineErrors = Partial<Record<OfflineField, PreChatProblem>>
export interface OfflineValues {
  email: string
  name: string
  text: string
}

/** The same rules as the server: email required and valid, name optional, a message. */
export function validateOffline(values: OfflineValues): OfflineErrors {
  const errors: OfflineErrors = {}
  const email = checkPreChatValue({ key: 'email', type: 'email', required: true }, values.email)
  if (email) errors.email = email
  const name = checkPreChatValue({ key: 'name', type: 'text', required: false }, values.name)
  if (name) errors.name = name
  // The textarea's maxLength keeps the text within the server's limit.
  if (!values.text.trim()) errors.text = 'required'
  return errors
}

/** The server's 400 details (`issues[].path` = email | name | text) as field problems. */
export function serverOfflineErrors(details: unknown): OfflineErrors {
  const errors: OfflineErrors = {}
  const issues = (details as { issues?: unknown } | null)?.issues
  if (!Array.isArray(issues)) return errors
  for (const issue of issues) {
    const { path, message } = (issue ?? {}) as { path?: unknown; message?: unknown }
    if (path === 'email') errors.email = message === 'required' ? 'required' : 'email'
    else if (path === 'name') errors.name = 'long'
    else if (path === 'text') errors.text = 'required'
  }
  return errors
}

/** What replaces or joins the composer: the form, the thanks line, or nothing. */
export function offlineMode(input: {
  availability: WidgetAvailability
  agentSeen: boolean
  /** The email this visitor left with the form, if they did. */
  sentTo: string | null
}): { form: boolean; thanksTo: string | null } {
  const { availability: a } = input
  const unavailable = !a.canAnswer && !input.agentSeen
  if (input.sentTo) return { form: false, thanksTo: unavailable ? input.sentTo : null }
  return { form: unavailable && a.whenUnavailable === 'offline-form', thanksTo: null }
}
