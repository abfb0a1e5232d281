/**
 * Size and shape limits for incoming mail, checked by a cheap scan of the raw bytes before the
 * MIME parser sees them: mail is untrusted input, and a header bomb or a thousand nested
 * multiparts should cost us one linear pass, not the parser's memory and CPU.
 */

export interface EmailLimits {
  /** the whole raw message */
  maxBytes: number
  /** MIME parts, the top-level message and every embedded message included */
  maxParts: number
  /** multipart / message/rfc822 nesting */
  maxDepth: number
  /** header bytes of any one header section (the message's or a part's) */
  maxHeaderBytes: number
  /** header lines, folded continuation lines included, of any one header section */
  maxHeaderLines: number
  /** an attachment larger than this keeps its metadata but not its content */
  maxAttachmentBytes: number
}

export const DEFAULT_EMAIL_LIMITS: EmailLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxParts: 200,
  maxDepth: 20,
  maxHeaderBytes: 256 * 1024,
  maxHeaderLines: 2_000,
  maxAttachmentBytes: 20 * 1024 * 1024,
}

export type EmailParseErrorReason =
  | 'too_large'
  | 'too_many_parts'
  | 'too_deep'
  | 'header_bomb'
  | 'unparseable'

/** A message Kefu refuses to parse; the caller quarantines it and keeps the raw bytes. */
export class EmailParseError extends Error {
  readonly reason: EmailParseErrorReason

  constructor(reason: EmailParseErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EmailParseError'
    this.reason = reason
  }
}

export function resolveLimits(limits?: Partial<EmailLimits>): EmailLimits {
  const resolved = { ...DEFAULT_EMAIL_LIMITS }
  for (const key of Object.keys(resolved) as (keyof EmailLimits)[]) {
    const value = limits?.[key]
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) resolved[key] = value
  }
  return resolved
}

interface OpenMultipart {
  /** `--boundary`, as bytes */
  delimiter: Buffer
  /** nesting depth of the parts it contains */
  depth: number
}

interface HeaderSection {
  depth: number
  bytes: number
  lines: number
  /** unfolded Content-Type and Content-Transfer-Encoding values, the only ones the scan needs */
  contentType: string
  encoding: string
  current: 'content-type' | 'content-transfer-encoding' | null
}

const LF = 0x0a
const CR = 0x0d
const DASH = 0x2d
const SPACE = 0x20
const TAB = 0x09

function newSection(depth: number): HeaderSection {
  return { depth, bytes: 0, lines: 0, contentType: '', encoding: '', current: null }
}

/** `boundary` parameter of a Content-Type value; quoted or token form (RFC 2046 §5.1.1). */
function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType)
  const value = match?.[1] ?? match?.[2]
  return value ? value : null
}

/**
 * Checks the structure of a raw message against the limits in one pass, without decoding
 * anything. It follows boundaries the way mailsplit does (a delimiter of any open ancestor
 * multipart also closes the parts inside it) and counts an embedded message/rfc822 as one more
 * level, whatever its disposition: over-counting only makes the guard stricter.
 * Throws EmailParseError; returns nothing when the message is within limits.
 */
export function checkEmailLimits(raw: Buffer, limits: EmailLimits): void {
  if (raw.length > limits.maxBytes) {
    throw new EmailParseError(
      'too_large',
      `message is ${raw.length} bytes, more than the ${limits.maxBytes} allowed`,
    )
  }
  const open: OpenMultipart[] = []
  let section: HeaderSection | null = newSection(0)
  let parts = 1
  let pos = 0
  const length = raw.length

  const enter = (depth: number) => {
    if (depth > limits.maxDepth) {
      throw new EmailParseError('too_deep', `MIME parts nest deeper than ${limits.maxDepth}`)
    }
    parts++
    if (parts > limits.maxParts) {
      throw new EmailParseError('too_many_parts', `more than ${limits.maxParts} MIME parts`)
    }
    section = newSection(depth)
  }

  while (pos < length) {
    let end = raw.indexOf(LF, pos)
    if (end < 0) end = length
    let lineEnd = end
    if (lineEnd > pos && raw[lineEnd - 1] === CR) lineEnd--
    const lineLength = lineEnd - pos

    if (section) {
      const s: HeaderSection = section
      if (lineLength === 0) {
        // end of this header section: decide what the body is
        const type = s.contentType.trim().toLowerCase()
        const boundary = type.startsWith('multipart/') ? boundaryOf(s.contentType) : null
        if (boundary) {
          if (s.depth + 1 > limits.maxDepth) {
            throw new EmailParseError('too_deep', `MIME parts nest deeper than ${limits.maxDepth}`)
          }
          open.push({ delimiter: Buffer.from(`--${boundary}`, 'latin1'), depth: s.depth + 1 })
          section = null
        } else if (
          type.startsWith('message/rfc822') &&
          !/^(base64|quoted-printable)$/i.test(s.encoding.trim())
        ) {
          enter(s.depth + 1)
        } else {
          section = null
        }
      } else {
        s.bytes += end - pos + 1
        s.lines++
        if (s.bytes > limits.maxHeaderBytes || s.lines > limits.maxHeaderLines) {
          throw new EmailParseError(
            'header_bomb',
            `a header section is over ${limits.maxHeaderLines} lines or ${limits.maxHeaderBytes} bytes`,
          )
        }
        const first = raw[pos]
        if (first === SPACE || first === TAB) {
          // folded continuation of the previous field (RFC 5322 §2.2.3)
          if (s.current === 'content-type') s.contentType += raw.toString('latin1', pos, lineEnd)
          else if (s.current === 'content-transfer-encoding') {
            s.encoding += raw.toString('latin1', pos, lineEnd)
          }
        } else {
          s.current = null
          // only these two fields matter here; peek at the name without decoding the line
          if (lineLength > 13 && (first === 0x43 || first === 0x63)) {
            const head = raw.toString('latin1', pos, Math.min(lineEnd, pos + 26)).toLowerCase()
            if (head.startsWith('content-type:')) {
              s.current = 'content-type'
              s.contentType = raw.toString('latin1', pos + 13, lineEnd)
            } else if (head.startsWith('content-transfer-encoding:')) {
              s.current = 'content-transfer-encoding'
              s.encoding = raw.toString('latin1', pos + 26, lineEnd)
            }
          }
        }
      }
    } else if (open.length > 0 && lineLength >= 3 && raw[pos] === DASH && raw[pos + 1] === DASH) {
      // a delimiter line of the innermost or of any open ancestor multipart
      for (let i = open.length - 1; i >= 0; i--) {
        const multipart = open[i]!
        const kind = delimiterKind(raw, pos, lineEnd, multipart.delimiter)
        if (kind === 'none') continue
        open.length = kind === 'close' ? i : i + 1
        if (kind === 'next') enter(multipart.depth)
        break
      }
    }
    pos = end + 1
  }
}

function delimiterKind(
  raw: Buffer,
  start: number,
  end: number,
  delimiter: Buffer,
): 'next' | 'close' | 'none' {
  if (end - start < delimiter.length) return 'none'
  if (raw.compare(delimiter, 0, delimiter.length, start, start + delimiter.length) !== 0) {
    return 'none'
  }
  let i = start + delimiter.length
  let kind: 'next' | 'close' = 'next'
  if (i + 1 < end && raw[i] === DASH && raw[i + 1] === DASH) {
    kind = 'close'
    i += 2
  }
  // transport padding may follow the delimiter (RFC 2046 §5.1.1)
  while (i < end && (raw[i] === SPACE || raw[i] === TAB)) i++
  return i === end ? kind : 'none'
}
