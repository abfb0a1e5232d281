// The website inbox's settings form: what the admin edits, the body PUT /api/inboxes/:id/settings
// takes (it replaces the settings, so the whole object is always sent), and the live preview.
import type { Locale, PreChatField, ReplyTime, WidgetSettings } from '@kefu/protocol'
import {
  type FileForm,
  fileFormFromSettings,
  fileSettingsFromForm,
  sameAsDefaultFiles,
} from './files'

/** The widget's colour when an inbox has none (the server uses the same). */
export const DEFAULT_COLOR = '#1f6feb'
export const LAUNCHER_TEXT_MAX = 60
export const GREETING_MAX = 500
export const ORIGINS_MAX = 50
/** The server's limits on a pre-chat form. */
export const PRECHAT_FIELDS_MAX = 10
export const PRECHAT_LABEL_MAX = 100
export const PRECHAT_KEY = /^[a-z][a-z0-9_]{0,31}$/
export const PRECHAT_BUILT_INS = ['name', 'email', 'phone'] as const
export const PRECHAT_LOCALES: readonly Locale[] = ['en', 'zh-CN', 'zh-TW']

export type PreChatType = PreChatField['type']

/** One row of the pre-chat editor; labels are '' when not set. */
export interface PreChatRow {
  key: string
  type: PreChatType
  required: boolean
  label: Record<Locale, string>
}

export type PreChatProblem = 'key' | 'duplicate' | 'label'

export interface WidgetForm {
  color: string
  position: 'left' | 'right'
  launcherText: string
  greeting: string
  /** '' lets the visitor's browser decide. */
  locale: Locale | ''
  allowedOrigins: string[]
  preChat: PreChatRow[]
  /** What may be attached in chat. */
  files: FileForm
  /** The email inbox that emails replies to visitors who left; '' is off. */
  emailInboxId: string
  /** A tone for replies while the widget is closed or hidden (visitors can mute it). */
  sound: boolean
}

export type WidgetField =
  | 'color'
  | 'launcherText'
  | 'greeting'
  | 'allowedOrigins'
  | 'preChat'
  | 'files'

export function formFromSettings(settings: WidgetSettings): WidgetForm {
  return {
    color: isHexColor(settings.color) ? settings.color.toLowerCase() : DEFAULT_COLOR,
    position: settings.position === 'left' ? 'left' : 'right',
    launcherText: settings.launcherText ?? '',
    greeting: settings.greeting ?? '',
    locale: settings.locale ?? '',
    allowedOrigins: [...(settings.allowedOrigins ?? [])],
    files: fileFormFromSettings(settings.files),
    emailInboxId: settings.emailContinuity?.emailInboxId ?? '',
    sound: settings.notify?.sound !== false,
    preChat: (settings.preChat?.fields ?? []).map((f) => ({
      key: f.key,
      type: f.type,
      required: f.required,
      label: {
        en: f.label?.en ?? '',
        'zh-CN': f.label?.['zh-CN'] ?? '',
        'zh-TW': f.label?.['zh-TW'] ?? '',
      },
    })),
  }
}

/** The input type that suits a key: email for email, tel for phone, text otherwise. */
export function typeForKey(key: string): PreChatType {
  return key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text'
}

export function isBuiltInKey(key: string): key is (typeof PRECHAT_BUILT_INS)[number] {
  return (PRECHAT_BUILT_INS as readonly string[]).includes(key)
}

/** A new row: the first built-in field not yet asked, else a blank custom one; null when full. */
export function addPreChatField(rows: readonly PreChatRow[]): PreChatRow[] | null {
  if (rows.length >= PRECHAT_FIELDS_MAX) return null
  const key = PRECHAT_BUILT_INS.find((k) => !rows.some((r) => r.key === k)) ?? ''
  const row: PreChatRow = {
    key,
    type: typeForKey(key),
    required: key === 'name' || key === 'email',
    label: { en: '', 'zh-CN': '', 'zh-TW': '' },
  }
  return [...rows, row]
}

export function removePreChatField(rows: readonly PreChatRow[], index: number): PreChatRow[] {
  return rows.filter((_, i) => i !== index)
}

/** Moves a row up (-1) or down (+1); out of range leaves the list as it is. */
export function movePreChatField(
  rows: readonly PreChatRow[],
  index: number,
  by: -1 | 1,
): PreChatRow[] {
  const to = index + by
  if (index < 0 || index >= rows.length || to < 0 || to >= rows.length) return [...rows]
  const next = [...rows]
  const [row] = next.splice(index, 1)
  next.splice(to, 0, row as PreChatRow)
  return next
}

/** What is wrong with each row, as the server would judge it; an empty list when all is well. */
export function preChatProblems(rows: readonly PreChatRow[]): PreChatProblem[][] {
  return rows.map((row, i) => {
    const problems: PreChatProblem[] = []
    const key = row.key.trim()
    if (!PRECHAT_KEY.test(key)) problems.push('key')
    else if (rows.some((other, j) => j < i && other.key.trim() === key)) problems.push('duplicate')
    if (PRECHAT_LOCALES.some((l) => row.label[l].trim().length > PRECHAT_LABEL_MAX)) {
      problems.push('label')
    }
    return problems
  })
}

/** The rows as the server stores them: keys trimmed, blank labels left out. */
export function preChatFromRows(rows: readonly PreChatRow[]): PreChatField[] {
  return rows.map((row) => {
    const field: PreChatField = { key: row.key.trim(), type: row.type, required: row.required }
    const label: Partial<Record<Locale, string>> = {}
    for (const l of PRECHAT_LOCALES) {
      const text = row.label[l].trim()
      if (text) label[l] = text
    }
    if (Object.keys(label).length > 0) field.label = label
    return field
  })
}

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value)
}

/** '#ABC', 'abc123', ' #1F6FEB ' → '#aabbcc', '#abc123', '#1f6feb'; anything else → null. */
export function normalizeColor(input: string): string | null {
  let value = input.trim().toLowerCase()
  if (!value.startsWith('#')) value = `#${value}`
  if (/^#[0-9a-f]{3}$/.test(value)) {
    value = `#${value[1]}${value[1]}${value[2]}${value[2]}${value[3]}${value[3]}`
  }
  return isHexColor(value) ? value : null
}

/**
 * An origin as a browser sends it: `https://host[:port]` (http too, for local testing), no path,
 * query, fragment or credentials. A trailing slash is forgiven. Returns the canonical form
 * (lower-case host, default port dropped) or null.
 */
export function normalizeOrigin(input: string): string | null {
  const value = input.trim()
  if (!/^https?:\/\/[^/?#\s]+\/?$/i.test(value)) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if (url.username || url.password || !url.hostname) return null
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  return url.origin
}

export type OriginAdd =
  | { ok: true; origins: string[] }
  | { ok: false; reason: 'invalid' | 'duplicate' | 'full' }

/** Adds a typed origin to the list, canonicalised; refuses bad, repeated or one-too-many. */
export function addOrigin(origins: readonly string[], input: string): OriginAdd {
  const origin = normalizeOrigin(input)
  if (!origin) return { ok: false, reason: 'invalid' }
  if (origins.includes(origin)) return { ok: false, reason: 'duplicate' }
  if (origins.length >= ORIGINS_MAX) return { ok: false, reason: 'full' }
  return { ok: true, origins: [...origins, origin] }
}

export type SettingsResult =
  | { ok: true; settings: WidgetSettings }
  | { ok: false; fields: WidgetField[] }

/** The whole settings object the server stores; blank texts and "browser decides" are left out. */
export function settingsFromForm(form: WidgetForm): SettingsResult {
  const fields: WidgetField[] = []
  const color = normalizeColor(form.color)
  if (!color) fields.push('color')
  const launcherText = form.launcherText.trim()
  if (launcherText.length > LAUNCHER_TEXT_MAX) fields.push('launcherText')
  const greeting = form.greeting.trim()
  if (greeting.length > GREETING_MAX) fields.push('greeting')
  const origins: string[] = []
  for (const raw of form.allowedOrigins) {
    const origin = normalizeOrigin(raw)
    if (!origin) {
      fields.push('allowedOrigins')
      break
    }
    if (!origins.includes(origin)) origins.push(origin)
  }
  if (origins.length > ORIGINS_MAX && !fields.includes('allowedOrigins')) {
    fields.push('allowedOrigins')
  }
  if (
    form.preChat.length > PRECHAT_FIELDS_MAX ||
    preChatProblems(form.preChat).some((p) => p.length > 0)
  ) {
    fields.push('preChat')
  }
  const files = fileSettingsFromForm(form.files)
  if (!files) fields.push('files')
  if (fields.length > 0 || !color || !files) return { ok: false, fields }

  const settings: WidgetSettings = { color, position: form.position }
  if (launcherText) settings.launcherText = launcherText
  if (greeting) settings.greeting = greeting
  if (form.locale) settings.locale = form.locale
  settings.allowedOrigins = origins
  if (!sameAsDefaultFiles(files)) settings.files = files
  if (form.preChat.length > 0) settings.preChat = { fields: preChatFromRows(form.preChat) }
  if (form.emailInboxId) settings.emailContinuity = { emailInboxId: form.emailInboxId }
  // On unless turned off, so only "off" is written.
  if (!form.sound) settings.notify = { sound: false }
  return { ok: true, settings }
}

export interface PreviewModel {
  /** The header and bubble colour; the last good one while the admin is mid-typing. */
  color: string
  /** Text drawn on that colour: white, or near-black on light colours. */
  onColor: string
  position: 'left' | 'right'
  /** The team name from the business hours, else the inbox name (as the widget's header). */
  title: string
  /** The header's "Typically replies in …" line, once the business hours are known. */
  replyTime: ReplyTime | null
  greeting: string | null
  launcherText: string | null
  /** The language the sample bubbles are written in. */
  locale: Locale
}

/** What the static mock of the widget shows for the form as it is right now. */
export function previewModel(
  form: WidgetForm,
  inboxName: string,
  fallbackLocale: Locale,
  lastGoodColor: string = DEFAULT_COLOR,
  hours: { teamName: string; replyTime: ReplyTime } | null = null,
): PreviewModel {
  const color = normalizeColor(form.color) ?? lastGoodColor
  const launcherText = form.launcherText.trim().slice(0, LAUNCHER_TEXT_MAX)
  const greeting = form.greeting.trim()
  return {
    color,
    onColor: readableOn(color),
    position: form.position,
    title: hours?.teamName.trim() || inboxName,
    replyTime: hours?.replyTime ?? null,
    greeting: greeting || null,
    launcherText: launcherText || null,
    locale: form.locale || fallbackLocale,
  }
}

/** White on dark colours, near-black on light ones (WCAG relative luminance). */
export function readableOn(hex: string): string {
  const color = normalizeColor(hex) ?? DEFAULT_COLOR
  const channel = (i: number) => {
    const c = Number.parseInt(color.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
  // Contrast with white is (1.05)/(L+0.05); with #111827 about (L+0.05)/0.0615.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0615 ? '#ffffff' : '#111827'
}

/** The masked secret: dots only, never a hint of its characters. */
export function maskSecret(secret: string): string {
  return '•'.repeat(Math.min(secret.length, 32))
}
