import type { FileKind, FileSettings } from '@kefu/protocol'
import { z } from 'zod'
import { FILE_KINDS } from './files.sniff.js'

/** Above this no inbox may go: uploads are held in memory and stored in the database. */
export const HARD_MAX_BYTES = 25 * 1024 * 1024
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024

/** `files` in an inbox's settings (WidgetSettings.files). */
export const fileSettingsSchema = z.strictObject({
  maxBytes: z.number().int().min(1024).max(HARD_MAX_BYTES).optional(),
  allowedTypes: z
    .array(z.enum(FILE_KINDS as [FileKind, ...FileKind[]]))
    .max(FILE_KINDS.length)
    .optional(),
})

export interface FileLimits {
  maxBytes: number
  allowedTypes: FileKind[]
}

/** An inbox's limits with the defaults filled in: 10 MB, every kind. */
export function fileLimits(settings: FileSettings | undefined): FileLimits {
  return {
    maxBytes: settings?.maxBytes ?? DEFAULT_MAX_BYTES,
    allowedTypes: settings?.allowedTypes ? [...new Set(settings.allowedTypes)] : [...FILE_KINDS],
  }
}
