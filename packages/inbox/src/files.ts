// Chat files in the inbox: the website inbox's file limits as the admin edits them, and what an
// upload's refusal says to the agent.
import type { FileKind, FileSettings } from '@kefu/protocol'

export const FILE_KINDS: readonly FileKind[] = ['image', 'pdf', 'office', 'text', 'zip']
/** The server's ceiling and default for one file, in MB. */
export const MAX_FILE_MB = 25
export const DEFAULT_FILE_MB = 10

const MB = 1024 * 1024

export interface FileForm {
  /** As typed; a number of MB from 1 to 25. */
  maxMb: string
  kinds: FileKind[]
}

export function fileFormFromSettings(settings: FileSettings | undefined): FileForm {
  const bytes = settings?.maxBytes ?? DEFAULT_FILE_MB * MB
  return {
    maxMb: String(Math.round((bytes / MB) * 10) / 10),
    kinds: FILE_KINDS.filter((k) => (settings?.allowedTypes ?? FILE_KINDS).includes(k)),
  }
}

/** The settings to store, or null when the size is not a number from 1 to 25 or no kind is left. */
export function fileSettingsFromForm(form: FileForm): FileSettings | null {
  const mb = Number(form.maxMb.trim().replace(',', '.'))
  if (!form.maxMb.trim() || !Number.isFinite(mb) || mb < 1 || mb > MAX_FILE_MB) return null
  if (form.kinds.length === 0) return null
  return {
    maxBytes: Math.round(mb * MB),
    allowedTypes: FILE_KINDS.filter((k) => form.kinds.includes(k)),
  }
}

export function toggleKind(kinds: readonly FileKind[], kind: FileKind, on: boolean): FileKind[] {
  return FILE_KINDS.filter((k) => (k === kind ? on : kinds.includes(k)))
}

/** The i18n key for an upload refusal the agent can act on; null: show the server's message. */
export function uploadErrorKey(code: string): 'files.tooLarge' | 'files.typeNotAllowed' | null {
  if (code === 'file.too_large') return 'files.tooLarge'
  if (code === 'file.type_not_allowed') return 'files.typeNotAllowed'
  return null
}

/** Limits equal to the defaults are left out of the stored settings. */
export function sameAsDefaultFiles(settings: FileSettings): boolean {
  return (
    settings.maxBytes === DEFAULT_FILE_MB * MB &&
    settings.allowedTypes?.length === FILE_KINDS.length
  )
}

/** A list row's preview of a message: its text, or its files' names when it has none. */
export function previewText(message: {
  text: string
  attachments?: readonly { filename: string }[]
}): string {
  if (message.text.trim() || !message.attachments?.length) return message.text
  return message.attachments.map((a) => `📎 ${a.filename}`).join(' ')
}
