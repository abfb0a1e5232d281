// Files in the chat: the quick size check before uploading (the server decides the rest, from
// the bytes), how refusals read in the visitor's language, and sizes for people.
import type { Locale } from '@kefu/protocol'
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

/** [attach, uploading, too large (before the limit), kind refused, disguised, failed] */
export const fileStrings: Record<Locale, string[]> = {
  en: [
    'Attach a file',
    'Uploading',
    'File too large. Limit:',
    'This file type is not accepted.',
    'This file is not what its name says.',
    'Could not send the file.',
  ],
  'zh-CN': [
    '添加文件',
    '正在上传',
    '文件太大。上限：',
    '不支持发送此类型的文件。',
    '文件内容与文件名不符，未发送。',
    '文件发送失败，请重试。',
  ],
  'zh-TW': [
    '附加檔案',
    '正在上傳',
    '檔案太大。上限：',
    '不支援傳送此類型的檔案。',
    '檔案內容與檔名不符，未傳送。',
    '檔案傳送失敗，請重試。',
  ],
}

/** The sentence for a problem, in the visitor's language. */
export function problemText(strings: string[], problem: FileProblem, maxBytes: number): string {
  return problem ? (strings[problem + 2] as string) : `${strings[2]} ${formatSize(maxBytes)}`
}
