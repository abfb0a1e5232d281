// The pre-chat form as pure data: which label a field shows, how it is checked before sending
// (the same rules the server applies), and how the server's refusal maps back onto fields.
import type { Locale, MaxPreChatValue, PreChatField } from '@kefu/protocol'
import type { Strings } from './i18n'

export const MAX_PRECHAT_VALUE: MaxPreChatValue = 200

export type PreChatProblem = 'required' | 'email' | 'tel' | 'long' | 'invalid'
export type PreChatErrors = Record<string, PreChatProblem>

/** The label in the visitor's locale, else English, else the key itself. */
export function preChatLabel(field: PreChatField, locale: Locale): string {
  return field.label?.[locale]?.trim() || field.label?.en?.trim() || field.key
}

/** What the browser may fill in for the field. */
export function autocompleteFor(field: PreChatField): string {
  if (field.key === 'name') return 'name'
  if (field.key === 'email' || field.type === 'email') return 'email'
  if (field.key === 'phone' || field.type === 'tel') return 'tel'
  return 'off'
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/
const PHONE = /^\+?[0-9\s().-]+$/

export function checkPreChatValue(field: PreChatField, raw: string): PreChatProblem | null {
  const value = raw.trim()
  if (!value) return field.required ? 'required' : null
  if (value.length > MAX_PRECHAT_VALUE) return 'long'
  if (field.type === 'email' && !EMAIL.test(value)) return 'email'
  if (field.type === 'tel') {
    const digits = value.replace(/\D/g, '').length
    if (!PHONE.test(value) || digits < 5 || digits > 20) return 'tel'
  }
  return null
}

/** Every field's problem, by key; empty when the form may be sent. */
export function validatePreChat(
  fields: readonly PreChatField[],
  values: Readonly<Record<string, string>>,
): PreChatErrors {
  const errors: PreChatErrors = {}
  for (const field of fields) {
    const problem = checkPreChatValue(field, values[field.key] ?? '')
    if (problem) errors[field.key] = problem
  }
  return errors
}

/** The trimmed answers to send; fields left empty are left out. */
export function preChatAnswers(
  fields: readonly PreChatField[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const answers: Record<string, string> = {}
  for (const field of fields) {
    const value = values[field.key]?.trim()
    if (value) answers[field.key] = value
  }
  return answers
}

/** The server's 400 details (`issues[].path` = `fields.<key>`) as field problems. */
export function serverPreChatErrors(details: unknown): PreChatErrors {
  const errors: PreChatErrors = {}
  const issues = (details as { issues?: unknown } | null)?.issues
  if (!Array.isArray(issues)) return errors
  for (const issue of issues) {
    const path = (issue as { path?: unknown })?.path
    if (typeof path === 'string' && path.startsWith('fields.')) errors[path.slice(7)] = 'invalid'
  }
  return errors
}

/** How a field's problem reads, in the visitor's language (the offline form's too). */
export function problemText(problem: PreChatProblem, t: Strings): string {
  return problem === 'required'
    ? t.required
    : problem === 'email'
      ? t.invalidEmail
      : problem === 'tel'
        ? t.invalidPhone
        : problem === 'long'
          ? t.tooLong
          : t.invalidField
}
