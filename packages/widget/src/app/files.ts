// Files in the chat: the quick size check before uploading (the server decides the rest, from
// the bytes), how refusals read in the visitor's language, and sizes for people.
import { ApiError } from './api'

/** 0: too large, 1: kind not accepted, 2: not what its name says, 3: anything else. */
export type FileProblem = 0 | 1 | 2 | 3

/** What a refused upload means for the visitor. */
export function uploadProblem(error: unknown): FileProblem {
  const code = error instanceof ApiError ? error.code : ''
  if (code === 'file.too_large') return 0
  if (code !== 'file.type_not_allowed') return 3
  return (error as ApiError & { details?: { reason?: unknown } }).details?.reason === 'mismatch'
    ? 2
    : 1
}

export function attachmentIds(message: { attachments?: { id: string }[] }): {
  attachmentIds?: string[]
} {
  return message.attachments?.length ? { attachmentIds: message.attachments.map((a) => a.id) } : {}
}

export function formatSize(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${Math.round(bytes / 1024)} KB`
      : `${Math.round(bytes / 104857.6) / 10} MB`
}

/** Every locale has each of them: a missing one fails the typecheck. */
export type FileStrings = readonly [
  attach: string,
  uploading: string,
  /** Goes right before the limit ("… Limit: 10 MB"), so it brings its own spacing. */
  tooLarge: string,
  kindRefused: string,
  disguised: string,
  failed: string,
]

/** The sentence for a problem, in the visitor's language. */
export function problemText(strings: FileStrings, problem: FileProblem, maxBytes: number): string {
  return problem ? strings[problem + 2]! : strings[2] + formatSize(maxBytes)
}
