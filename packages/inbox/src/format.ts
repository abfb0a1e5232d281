// Presentation helpers with no UI framework in them.
import type { ContactDTO, Locale, MessageDTO } from '@kefu/protocol'
import { translate } from './i18n'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export interface RelativeWords {
  now: string
  yesterday: string
}

/** Compact times for the list: "now", "5 min. ago", "3 hr. ago", "Yesterday", "Mar 3", "2024/3/3". */
export function relativeTime(at: number, now: number, locale: string, words: RelativeWords) {
  const diff = now - at
  if (diff < MINUTE) return words.now
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'short' })
  if (diff < HOUR) return rtf.format(-Math.floor(diff / MINUTE), 'minute')
  const then = new Date(at)
  const today = new Date(now)
  if (diff < 12 * HOUR || sameDay(then, today)) return rtf.format(-Math.floor(diff / HOUR), 'hour')
  if (sameDay(then, new Date(now - DAY))) return words.yesterday
  const options: Intl.DateTimeFormatOptions =
    then.getFullYear() === today.getFullYear()
      ? { month: 'short', day: 'numeric' }
      : { year: 'numeric', month: 'short', day: 'numeric' }
  return new Intl.DateTimeFormat(locale, options).format(then)
}

export function clockTime(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at)
}

export function fullDateTime(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at)
}

export function dayLabel(
  at: number,
  now: number,
  locale: string,
  words: RelativeWords & { today: string },
) {
  const then = new Date(at)
  if (sameDay(then, new Date(now))) return words.today
  if (sameDay(then, new Date(now - DAY))) return words.yesterday
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(then)
}

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  )
}

/** A short, stable tag for an anonymous visitor: the tail of the id, where uuidv7 is random. */
export function shortId(id: string): string {
  return id
    .replace(/[^0-9a-zA-Z]/g, '')
    .slice(-6)
    .toUpperCase()
}

export function contactName(contact: ContactDTO, visitorWord: string): string {
  const name = contact.name?.trim()
  if (name) return name
  const email = contact.email?.trim()
  if (email) return email
  return `${visitorWord} ${shortId(contact.id)}`
}

/**
 * What an activity line says, in the agent's language: built from `activity` when the server sent
 * it, otherwise (older messages, or a kind this build does not know) the server's English `text`.
 */
export function activityText(message: Pick<MessageDTO, 'text' | 'activity'>, lang: Locale): string {
  const activity = message.activity
  if (!activity) return message.text
  const actor = activity.actorName?.trim() || null
  switch (activity.kind) {
    case 'assigned':
      return actor
        ? translate(lang, 'activity.assigned', { actor, assignee: activity.assigneeName })
        : translate(lang, 'activity.assigned.noActor', { assignee: activity.assigneeName })
    case 'unassigned':
    case 'resolved':
    case 'reopened':
      return actor
        ? translate(lang, `activity.${activity.kind}`, { actor })
        : translate(lang, `activity.${activity.kind}.noActor`)
    case 'emailed':
      return activity.count === 1
        ? translate(lang, 'activity.emailed.one', { to: activity.to })
        : translate(lang, 'activity.emailed', { to: activity.to, count: activity.count })
    default:
      return message.text
  }
}

/** First visible character (a whole code point, so 张 or an emoji, never half a surrogate pair). */
export function initial(name: string): string {
  const first = [...name.trim()][0] ?? '?'
  return first.toUpperCase()
}

const AVATAR_HUES = [210, 160, 280, 20, 340, 190, 40, 250]

/** The same person always gets the same calm colour. */
export function avatarHue(key: string): number {
  let hash = 0
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0
  return AVATAR_HUES[Math.abs(hash) % AVATAR_HUES.length] ?? 210
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Chinese text often has no space before or after a URL, so stop at full-width punctuation too.
const URL_PATTERN = /https?:\/\/[^\s<>"'`，。！？；：、（）【】《》「」]+/gi
const TRAILING = /[.,;:!?)\]}'"]+$/

/**
 * Splits untrusted text into plain text and http(s) links. The UI renders both as text nodes, so
 * nothing in a message can become markup; only http and https ever become an href.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0
    let url = match[0]
    const trailing = TRAILING.exec(url)
    if (trailing) url = url.slice(0, url.length - trailing[0].length)
    if (!isHttpUrl(url)) continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: url, href: url })
    last = start + url.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}

function isHttpUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0
  } catch {
    return false
  }
}

/** crypto.randomUUID exists only in secure contexts; agents on a plain-http LAN address still need ids. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const SECOND = 1000

/** "12 seconds ago", "3 min. ago": finer than `relativeTime`, for things measured in seconds. */
export function agoText(at: number, now: number, locale: string): string {
  const diff = Math.max(0, now - at)
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })
  if (diff < MINUTE) return rtf.format(-Math.floor(diff / SECOND), 'second')
  if (diff < HOUR) return rtf.format(-Math.floor(diff / MINUTE), 'minute')
  if (diff < DAY) return rtf.format(-Math.floor(diff / HOUR), 'hour')
  return rtf.format(-Math.floor(diff / DAY), 'day')
}

/** A length of time in its largest whole unit: "45 sec", "3 min", "2 hr", "4 days". */
export function durationText(ms: number, locale: string): string {
  const abs = Math.max(0, ms)
  const [value, unit] =
    abs < MINUTE
      ? [Math.floor(abs / SECOND), 'second']
      : abs < HOUR
        ? [Math.floor(abs / MINUTE), 'minute']
        : abs < DAY
          ? [Math.floor(abs / HOUR), 'hour']
          : [Math.floor(abs / DAY), 'day']
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value)
}

/** "820 B", "12.5 kB", "3.2 MB": a file's size, for attachment lists. */
export function fileSize(bytes: number, locale: string): string {
  const size = Math.max(0, Math.round(bytes))
  // "B" reads the same everywhere; Intl spells it out as "byte" in English.
  if (size < 1000) return `${new Intl.NumberFormat(locale).format(size)} B`
  const [value, unit] =
    size < 1000 * 1000
      ? [size / 1000, 'kilobyte']
      : size < 1000 * 1000 * 1000
        ? [size / 1000 / 1000, 'megabyte']
        : [size / 1000 / 1000 / 1000, 'gigabyte']
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value)
}
