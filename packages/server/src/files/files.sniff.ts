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

/** The extension a file of this type gets when its name has none of its kind (null: none fits). */
const extensionOfMime: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/zip': 'zip',
}

/**
 * Names a browser or an operating system would render or run: never accepted, whatever the bytes
 * (text bytes pass the sniffer, and `run.bat` or `page.html` is still a program or a page).
 */
const DANGEROUS_EXTENSIONS = new Set(
  (
    'htm html xhtml xht shtml mht mhtml svg svgz xml xsl xslt js mjs cjs jse vbs vbe wsf wsh ' +
    'ws wsc sct hta bat cmd ps1 psm1 psd1 ps1xml sh bash zsh command exe com scr pif cpl msi ' +
    'msp mst dll sys drv ocx lnk url inf reg jar class app appref-ms application gadget ' +
    'msc vb website settingcontent-ms scf iqy slk php phtml asp aspx jsp swf pl py rb ' +
    'apk dmg pkg deb rpm iso img vhd vhdx'
  ).split(' '),
)

export type Verdict =
  | { ok: true; mime: string; kind: FileKind; filename: string }
  | { ok: false; reason: 'forbidden' | 'mismatch'; mime: string }

/**
 * Whether a file may be accepted, and under which name: its bytes must be of an allowed kind,
 * and its extension must belong to that kind (a zip named .docx is accepted as the office file
 * it claims to be, since OOXML files are zips and it is only ever offered as a download). A name
 * that runs or renders (.html .svg .js .bat .exe …) is refused; a name with no extension, or
 * one no kind knows, gets the kind's own (`notes` → `notes.txt`, `backup.dat` → `backup.dat.zip`).
 */
export function judgeFile(input: {
  sniffed: Sniffed
  filename: string
  allowed: readonly FileKind[]
}): Verdict {
  const { sniffed } = input
  const ext = extensionOf(input.filename)
  const refuse = (reason: 'forbidden' | 'mismatch'): Verdict => ({
    ok: false,
    reason,
    mime: sniffed.mime,
  })
  const promised = kindOfExtension[ext] ?? null
  let kind = sniffed.kind
  if (kind === 'zip' && promised === 'office') kind = 'office'
  if (promised && kind !== promised) return refuse('mismatch')
  if (!kind || !input.allowed.includes(kind)) return refuse('forbidden')
  // Acceptable bytes under a name that would run or render them: not what the name says.
  if (DANGEROUS_EXTENSIONS.has(ext)) return refuse('mismatch')
  if (promised) return { ok: true, mime: sniffed.mime, kind, filename: input.filename }
  // No extension of its kind: the name gets one, so nothing opens it as something else.
  const own = extensionOfMime[sniffed.mime]
  if (!own) return refuse('mismatch')
  return { ok: true, mime: sniffed.mime, kind, filename: withExtension(input.filename, own) }
}

function withExtension(filename: string, ext: string): string {
  const room = MAX_FILENAME - ext.length - 1
  return `${filename.length > room ? filename.slice(0, room) : filename}.${ext}`
}

const MAX_FILENAME = 200

/**
 * Keeps the last path segment; drops control and format characters (a right-to-left override
 * makes `invoice\u202Efdp.exe` read as `invoiceexe.pdf`), quotes, and the trailing dots and spaces
 * Windows drops anyway (`page.html.` is `page.html`); bounds the length.
 */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? ''
  const clean = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"]/gu, '')
    .trim()
    .replace(/[. ]+$/, '')
  if (!clean) return 'file'
  if (clean.length <= MAX_FILENAME) return clean
  const ext = extensionOf(clean)
  return ext && ext.length < 10
    ? `${clean.slice(0, MAX_FILENAME - 10)}.${ext}`
    : clean.slice(0, MAX_FILENAME)
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
