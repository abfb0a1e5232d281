/**
 * Raw RFC 822 bytes → what Kefu needs of an email. mailparser does the MIME and charset work
 * (iconv-lite for GBK/GB18030/Big5, encoding-japanese for ISO-2022-JP, RFC 2047/2231 words);
 * the limits are checked before it runs, and the headers whose parsing matters for threading
 * (Date, Message-ID, In-Reply-To, References) are read from the raw lines, because mailparser
 * turns an unreadable Date into "now" and keeps whatever surrounds a Message-ID.
 */
import { createHash } from 'node:crypto'
import { type AddressObject, type Attachment, type ParsedMail, simpleParser } from 'mailparser'
import {
  type DeliveryReport,
  detectAutomatic,
  extractMessageId,
  type HeaderMap,
  parseContentType,
  readDeliveryReport,
} from './email.automatic.js'
import { htmlToText } from './email.html.js'
import {
  checkEmailLimits,
  type EmailLimits,
  EmailParseError,
  type EmailParseErrorReason,
  resolveLimits,
} from './email.limits.js'
import { splitQuoted } from './email.quotes.js'

export type { DeliveryReport } from './email.automatic.js'
export type { EmailLimits, EmailParseErrorReason } from './email.limits.js'
export { DEFAULT_EMAIL_LIMITS, EmailParseError } from './email.limits.js'

export interface EmailAddress {
  /** display name, '' when absent */
  name: string
  /** lower-cased */
  address: string
}

export interface ParsedAttachment {
  /** as sent, decoded; path separators and control characters removed */
  filename: string
  contentType: string
  /** decoded size in bytes, also when the content was dropped */
  size: number
  /** shown in the body (an inline image) rather than offered as a file */
  inline: boolean
  /** Content-ID without brackets, for resolving `cid:` links in the HTML */
  contentId: string | null
  /** empty when `truncated` */
  content: Buffer
  /** true when the attachment was over maxAttachmentBytes and its content was dropped */
  truncated: boolean
}

export interface ParsedEmail {
  subject: string | null
  from: EmailAddress | null
  to: EmailAddress[]
  cc: EmailAddress[]
  replyTo: EmailAddress[]
  /** ISO 8601; the arrival time when the Date header is missing or unreadable */
  date: string
  /** false when `date` fell back to the arrival time */
  dateFromHeader: boolean
  /** without angle brackets; null when missing or unusable */
  messageId: string | null
  inReplyTo: string | null
  /** without angle brackets, in header order, deduplicated */
  references: string[]
  /** the whole plain body (for HTML-only mail, converted from the HTML) */
  text: string
  /** the new part only: quoted history and signature removed */
  newText: string
  /** what was removed from `newText` */
  quotedText: string
  /** the HTML as sent, NOT sanitized: render it only through sanitizeEmailHtml */
  html: string | null
  attachments: ParsedAttachment[]
  isAutomatic: boolean
  automaticReason: string | null
  deliveryReport: DeliveryReport | null
  /** sha256 of the normalized message, for dedupe when there is no Message-ID */
  contentHash: string
}

export interface ParseEmailOptions {
  /** when the message arrived; used when its Date is missing or unreadable (default: now) */
  receivedAt?: Date
  limits?: Partial<EmailLimits>
}

/** Header names whose values identify a message across deliveries (trace fields excluded). */
const HASHED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'content-type',
])

export async function parseEmail(
  raw: Buffer,
  options: ParseEmailOptions = {},
): Promise<ParsedEmail> {
  const limits = resolveLimits(options.limits)
  if (raw.length === 0) throw new EmailParseError('unparseable', 'the message is empty')
  checkEmailLimits(raw, limits)

  let mail: ParsedMail
  try {
    mail = await simpleParser(raw, {
      // the HTML is converted and rendered by Kefu itself; these would be wasted work
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepCidLinks: true,
      // delivery-status stays a part of its own so that the bounce can be read
      keepDeliveryStatus: true,
      checksumAlgo: false,
      // mailsplit's own guards, behind the scan above
      maxHeadSize: limits.maxHeaderBytes,
      maxChildNodes: limits.maxParts,
    })
  } catch (err) {
    throw toParseError(err)
  }

  const headers = collectHeaders(mail)
  if (headers.size === 0) {
    throw new EmailParseError('unparseable', 'the message has no readable header')
  }

  const receivedAt = options.receivedAt ?? new Date()
  const headerDate = parseDateHeader(headers.get('date')?.[0])
  const html = typeof mail.html === 'string' && mail.html !== '' ? mail.html : null
  const text = mail.text?.trim() ? mail.text : html ? htmlToText(html) : (mail.text ?? '')
  const { newText, quotedText } = splitQuoted({ text, html })

  const from = addresses(mail.from)[0] ?? null
  const subject = mail.subject ?? null
  const contentType = parseContentType(headers.get('content-type')?.[0] ?? null)
  const automatic = detectAutomatic({ headers, from: from?.address ?? null, subject })
  const attachments = mail.attachments.map((attachment, index) =>
    toAttachment(attachment, index, limits),
  )
  const deliveryReport =
    contentType.type === 'multipart/report' &&
    (contentType.params.get('report-type') ?? 'delivery-status') === 'delivery-status'
      ? readDeliveryReport(
          mail.attachments.map((a) => ({ contentType: a.contentType, content: a.content })),
        )
      : null

  return withoutNul({
    subject,
    from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    date: (headerDate ?? receivedAt).toISOString(),
    dateFromHeader: headerDate !== null,
    messageId: extractMessageId(headers.get('message-id')?.[0]),
    inReplyTo: extractMessageId(headers.get('in-reply-to')?.[0]),
    references: parseReferences(headers.get('references') ?? []),
    text,
    newText,
    quotedText,
    html,
    attachments,
    isAutomatic: automatic.isAutomatic,
    automaticReason: automatic.reason,
    deliveryReport,
    contentHash: hashMessage(raw),
  })
}

/**
 * NUL characters decode legally from quoted-printable and base64, but PostgreSQL text refuses
 * them: one such mail would block its mailbox. They carry no meaning in text, so they go.
 */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string')
    return (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value) as T
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(withoutNul) as T
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) out[key] = withoutNul(v)
  return out as T
}

function toParseError(err: unknown): EmailParseError {
  if (err instanceof EmailParseError) return err
  const code = (err as { code?: unknown } | null)?.code
  const message = err instanceof Error ? err.message : String(err)
  // mailsplit's size guards (EMAXLEN) fire on the same bombs the scan looks for
  const reason: EmailParseErrorReason =
    code === 'EMAXLEN'
      ? /child nodes/i.test(message)
        ? 'too_many_parts'
        : 'header_bomb'
      : 'unparseable'
  return new EmailParseError(reason, message, { cause: err })
}

/** Raw (undecoded) header values by lower-case name, folding removed, in order. */
function collectHeaders(mail: ParsedMail): Map<string, string[]> {
  const headers = new Map<string, string[]>()
  for (const { key, line } of mail.headerLines ?? []) {
    if (!key) continue
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim()
    const values = headers.get(key) ?? []
    values.push(value)
    headers.set(key, values)
  }
  return headers
}

function addresses(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const out: EmailAddress[] = []
  const add = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) add(entry.group)
      else if (entry.address?.includes('@')) {
        out.push({ name: (entry.name ?? '').trim(), address: entry.address.trim().toLowerCase() })
      }
    }
  }
  for (const object of field ? ([] as AddressObject[]).concat(field) : []) add(object.value)
  return out
}

/**
 * References, any mix of bracketed and bare ids, whitespace or commas between them, comments
 * dropped. A bare token counts only when it looks like an id (has an @).
 */
export function parseReferences(values: readonly string[]): string[] {
  const seen = new Set<string>()
  for (const value of values) {
    const tokens = value.replace(/\([^()]*\)/g, ' ').match(/<[^<>]*>|[^\s,<>]+/g) ?? []
    for (const token of tokens) {
      if (!token.startsWith('<') && !token.includes('@')) continue
      const id = extractMessageId(token)
      if (id) seen.add(id)
    }
  }
  return [...seen]
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
}

// RFC 5322 §4.3 obsolete zone names; other letters are unknown and read as UTC
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
}

/**
 * Date header → Date, or null when missing or unreadable. RFC 5322 form first (comments such as
 * "(CST)" dropped: Chinese servers mean China Standard Time by it, not US Central), then ISO 8601,
 * which some scripts write. A date before 1970 or more than a year ahead is treated as unreadable.
 */
export function parseDateHeader(value: string | undefined, now = new Date()): Date | null {
  if (!value) return null
  const text = value
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  let date: Date | null = null
  const rfc =
    /^(?:[a-z]{3,9},?\s*)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{2}:?\d{2}|[a-z]{1,5}))?$/i.exec(
      text,
    )
  if (rfc) {
    const [, day, monthName, yearText, hour, minute, second, zone] = rfc
    const month = MONTHS[monthName!.toLowerCase()]
    let year = Number(yearText)
    // two- and three-digit years (RFC 5322 §4.3)
    if (yearText!.length === 2) year += year < 50 ? 2000 : 1900
    else if (yearText!.length === 3) year += 1900
    let offset = 0
    if (zone && /^[+-]/.test(zone)) {
      const digits = zone.replace(':', '')
      const sign = digits.startsWith('-') ? -1 : 1
      offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)))
    } else if (zone) {
      offset = ZONES[zone.toLowerCase()] ?? 0
    }
    if (month !== undefined) {
      const utc = Date.UTC(
        year,
        month,
        Number(day),
        Number(hour),
        Number(minute),
        Number(second ?? 0),
      )
      date = new Date(utc - offset * 60_000)
      if (
        Number(day) > 31 ||
        Number(hour) > 23 ||
        Number(minute) > 59 ||
        Number(second ?? 0) > 60
      ) {
        date = null
      }
    }
  } else if (
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i.test(text)
  ) {
    const parsed = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
    date = Number.isNaN(parsed.getTime()) ? null : parsed
  }
  if (!date || Number.isNaN(date.getTime())) return null
  const time = date.getTime()
  if (time < 0 || time > now.getTime() + 366 * 24 * 3600_000) return null
  return date
}

const CONTENT_TYPE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'message/rfc822': 'eml',
  'message/delivery-status': 'txt',
  'text/rfc822-headers': 'txt',
}

/** A file name safe to show and store: no directories, no control characters, bounded. */
function cleanFilename(name: string | undefined, contentType: string, index: number): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
  if (base !== '' && base !== '.' && base !== '..') return base.slice(0, 255)
  const extension = CONTENT_TYPE_EXTENSIONS[contentType] ?? 'bin'
  return `attachment-${index + 1}.${extension}`
}

function toAttachment(
  attachment: Attachment,
  index: number,
  limits: EmailLimits,
): ParsedAttachment {
  const content = attachment.content
  const contentId = attachment.cid ?? extractMessageId(attachment.contentId) ?? null
  const truncated = content.length > limits.maxAttachmentBytes
  return {
    filename: cleanFilename(attachment.filename, attachment.contentType, index),
    contentType: attachment.contentType,
    size: content.length,
    // mailparser calls an image inside multipart/related without a disposition an attachment,
    // but a related part with a Content-ID is what the HTML shows through cid:
    inline:
      attachment.contentDisposition === 'inline' ||
      (attachment.related === true && contentId !== null),
    contentId,
    content: truncated ? Buffer.alloc(0) : content,
    truncated,
  }
}

/**
 * Hash of what identifies a message whatever the route it took: the sender's header fields
 * (trace fields such as Received and Return-Path differ per delivery) and the body bytes, with
 * CRLF read as LF and trailing line ends ignored. The body is fed in slices, not split into
 * lines: a 25 MiB body of short lines would otherwise cost seconds of garbage.
 */
function hashMessage(raw: Buffer): string {
  let split = raw.indexOf('\r\n\r\n')
  let bodyStart = split + 4
  const lf = raw.indexOf('\n\n')
  if (lf >= 0 && (split < 0 || lf < split)) {
    split = lf
    bodyStart = lf + 2
  }
  const head = raw.toString('latin1', 0, split < 0 ? raw.length : split)
  const fields = head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => HASHED_HEADERS.has(line.slice(0, line.indexOf(':')).trim().toLowerCase()))
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
  const hash = createHash('sha256').update(fields.join('\n'), 'latin1').update('\n\n')
  if (split >= 0) {
    let end = raw.length
    while (end > bodyStart && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d)) end--
    let from = bodyStart
    while (from < end) {
      const cr = raw.indexOf(0x0d, from)
      if (cr < 0 || cr >= end) {
        hash.update(raw.subarray(from, end))
        break
      }
      hash.update(raw.subarray(from, cr))
      // a CR of a CRLF pair is dropped, a lone CR kept
      if (raw[cr + 1] !== 0x0a) hash.update(raw.subarray(cr, cr + 1))
      from = cr + 1
    }
  }
  return hash.digest('hex')
}

export type { HeaderMap }
