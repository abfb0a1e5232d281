import type { FileKind } from '@kefu/protocol'
import { fileTypeFromBuffer } from 'file-type'

// What a file is, decided from its bytes (magic numbers, via file-type), never from its name or
// the browser's claim: an HTML page renamed .png or a program renamed .jpg must not pass as an
// image. Plain text has no magic number; it is recognised by having no binary bytes and no
// markup at its start.

export const FILE_KINDS: readonly FileKind[] = ['image', 'pdf', 'office', 'text', 'zip']

/** Raster images a browser may show inline; never SVG (it can carry script). */
export const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

const kindOfMime: Record<string, FileKind> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'office',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'office',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'office',
  'application/vnd.oasis.opendocument.text': 'office',
  'application/vnd.oasis.opendocument.spreadsheet': 'office',
  'application/vnd.oasis.opendocument.presentation': 'office',
  // Word 97, Excel 97 and PowerPoint 97 files are OLE compound files.
  'application/x-cfb': 'office',
  'text/plain': 'text',
  'text/csv': 'text',
  'application/zip': 'zip',
}

const kindOfExtension: Record<string, FileKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  pdf: 'pdf',
  doc: 'office',
  docx: 'office',
  xls: 'office',
  xlsx: 'office',
  ppt: 'office',
  pptx: 'office',
  odt: 'office',
  ods: 'office',
  odp: 'office',
  txt: 'text',
  csv: 'text',
  log: 'text',
  md: 'text',
  zip: 'zip',
}

export interface Sniffed {
  /** The type the bytes show; `application/octet-stream` when nothing is recognised. */
  mime: string
  /** The allowed kind it belongs to, if any. */
  kind: FileKind | null
}

const MARKUP = /^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta)\b/i

/** Control bytes other than tab, line breaks, form feed and escape: not text. */
function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 64 * 1024)
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) return true
  }
  return false
}

export async function sniffFile(bytes: Uint8Array, filename: string): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(bytes)
  if (found) return { mime: found.mime, kind: kindOfMime[found.mime] ?? null }
  if (bytes.length === 0 || looksBinary(bytes)) {
    return { mime: 'application/octet-stream', kind: null }
  }
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '')
  if (MARKUP.test(head)) return { mime: 'text/html', kind: null }
  const csv = extensionOf(filename) === 'csv'
  return { mime: csv ? 'text/csv' : 'text/plain', kind: 'text' }
}

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.')
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : ''
}

export type Verdict =
  | { ok: true; mime: string; kind: FileKind }
  | { ok: false; reason: 'forbidden' | 'mismatch'; mime: string }

/**
 * Whether a file may be accepted: its bytes must be of an allowed kind, and a name that promises
 * a kind (photo.png) must get that kind. A zip named .docx is accepted as the office file it
 * claims to be, since OOXML files are zips and it is only ever offered as a download.
 */
export function judgeFile(input: {
  sniffed: Sniffed
  filename: string
  allowed: readonly FileKind[]
}): Verdict {
  const { sniffed } = input
  const promised = kindOfExtension[extensionOf(input.filename)] ?? null
  let kind = sniffed.kind
  if (kind === 'zip' && promised === 'office') kind = 'office'
  if (promised && kind !== promised) return { ok: false, reason: 'mismatch', mime: sniffed.mime }
  if (!kind || !input.allowed.includes(kind)) {
    return { ok: false, reason: 'forbidden', mime: sniffed.mime }
  }
  return { ok: true, mime: sniffed.mime, kind }
}

/** Keeps the last path segment, drops control characters, and bounds the length. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  if (!clean || clean === '.' || clean === '..') return 'file'
  if (clean.length <= 200) return clean
  const ext = extensionOf(clean)
  return ext && ext.length < 10 ? `${clean.slice(0, 190)}.${ext}` : clean.slice(0, 200)
}

/** Content-Disposition per RFC 6266 with an RFC 5987 UTF-8 name (Chinese names survive). */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
