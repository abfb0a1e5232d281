/**
 * Separates what the customer just wrote from the quoted history and signature below it.
 *
 * Why not `email-reply-parser` (npm, the JS port of GitHub's parser)? It was evaluated and does
 * not fit: (1) before splitting it joins every match of its header patterns onto one line, and its
 * `在…写道：` pattern spans lines, so a Chinese message that opens with "在吗？" ("are you there?",
 * a very common greeting) is glued to the real "在 … 写道：" header below and the customer's whole
 * message is hidden as a quote; (2) those cross-line patterns run over the whole body and are
 * quadratic without the optional native `re2` peer (16,000 lines starting with 在 took 8 s);
 * (3) it reads plain text only, and its latest release requires Node 22. So Kefu keeps its own
 * rules: the same idea of walking lines and classifying them, plus the Chinese clients' headers,
 * and the HTML structure when there is HTML (see email.html.ts).
 */
import {
  CUT_MARK,
  htmlToAnnotatedText,
  MARKS,
  QUOTE_MARK,
  SIGNATURE_MARK,
  tidy,
} from './email.html.js'

export interface QuoteSplit {
  /** what the sender wrote now */
  newText: string
  /** what was taken out: quoted history, attributions, signature and device footers */
  quotedText: string
}

/** Longest line the patterns below look at: real attribution and header lines are far shorter. */
const MAX_PATTERN_LINE = 600
/**
 * Lines read for quotes. New text sits at the top; past this a body is a pasted log or an
 * attack, and reading it line by line would only cost time (about 2 µs a line).
 */
const MAX_ANALYSED_LINES = 50_000

// Attribution lines that stand above a quote. The specific ones describe a whole header, so
// they may also end the new text when the quote below them is not marked with ">". They are
// tests on the line's ends rather than one regex each: ".{1,200}X.{1,120}Y" backtracks in
// quadratic time on a line built to almost match, and a body can hold thousands of them.
type LineTest = (text: string) => boolean

const ENDS_WROTE = /\swrote\s*:?$/i
const ENDS_XIEDAO = /(写道|寫道)\s*[:：]?$/
const FOREIGN_START = /^(le|el|il|em|am|op|den|w dniu)\s/i
const FOREIGN_VERB = /a écrit|escribió|scritto|escreveu|schrieb|schreef|skrev|napisał/i

const tail = (text: string) => text.slice(-24)

const SPECIFIC_ATTRIBUTIONS: LineTest[] = [
  // Gmail, Apple Mail, Thunderbird, Yahoo: "On Thu, Nov 20, 2025 at 10:31 AM Name <a@b> wrote:"
  (t) => /^on\s/i.test(t) && t.length > 12 && ENDS_WROTE.test(tail(t)),
  // 163/NetEase, iPhone (zh), Thunderbird (zh): "在 2025-11-20 10:31:05，"张三" <a@b> 写道："
  (t) => t.startsWith('在') && t.length > 4 && ENDS_XIEDAO.test(tail(t)),
  // Gmail (zh-CN, zh-TW): "张三 <a@b> 于2025年11月20日周四 10:31写道：" / "… 於 … 寫道："
  (t) => ENDS_XIEDAO.test(tail(t)) && /[\s>][于於]\s?\d/.test(t),
  // Apple Mail (zh): "2025年11月20日 10:31，客服中心 <a@b> 写道："
  (t) => /^(19|20)\d\d/.test(t) && ENDS_XIEDAO.test(tail(t)),
  // Gmail (ja) and others: "2025年11月20日(木) 10:31 Name <a@b>:"
  (t) => {
    const open = t.lastIndexOf('<')
    return (
      open > 0 && /^<[^<>\s]+@[^<>\s]+>\s*[:：]$/.test(t.slice(open)) && /\d/.test(t.slice(0, open))
    )
  },
  // French, Spanish, Italian, Portuguese, German, Dutch, Scandinavian, Polish clients
  (t) => FOREIGN_START.test(t) && /[:：]$/.test(t) && FOREIGN_VERB.test(t),
]
// Only trusted right above a quote: "Alice wrote:", "张三 写道：".
const GENERIC_ATTRIBUTIONS: LineTest[] = [
  (t) => t.length > 7 && /\swrote\s*:$/i.test(tail(t)),
  (t) => t.length > 3 && /(写道|寫道)\s*[:：]$/.test(tail(t)),
]
/** Lines an attribution wrapped over two or three lines starts with. */
const ATTRIBUTION_START = /^(on|le|el|il|em|am|op|den|w dniu)\s|^在/i
/** An attribution that may end the new text on its own names a time or an address. */
const STRONG_EVIDENCE = /\d{1,2}:\d{2}|@/

// "-----Original Message-----", QQ Mail's "------------------ 原始邮件 ------------------",
// Gmail's "---------- Forwarded message ---------", Outlook (zh) "-----邮件原件-----", …
const SEPARATOR =
  /^[-_=—]{2,}\s*(original message|original|forwarded message|forwarded|message d'origine|ursprüngliche nachricht|原始邮件|原始郵件|邮件原件|郵件原件|原邮件|原郵件|转发邮件信息|转发的邮件|转发的消息|已转发邮件|轉寄的郵件|轉寄郵件|转发邮件|回复的原邮件|元のメッセージ|転送メッセージ)\s*[-_=—]{2,}$/i
const FORWARD_INTRO =
  /^(begin forwarded message|开始转发的邮件|開始轉寄的郵件|以下是转发的邮件)\s*[:：]?$/i
/** Outlook's plain-text rule above the original's header block. */
const UNDERSCORES = /^_{10,}$/
/** Any drawn rule: dashes, underscores, equals signs, box drawing. */
const RULE = /^[-_=—─*]{10,}$/

// Header blocks of the original message: Outlook (en/zh/ja), QQ Mail, Foxmail, Alimail, Apple
// forwards. Labels are compared without spaces: Alimail pads them ("主　题：").
const SENDER_LABELS = new Set([
  'from',
  '发件人',
  '寄件者',
  '寄件人',
  '发信人',
  'von',
  'de',
  'da',
  'van',
  '差出人',
])
const OTHER_LABELS = new Set([
  'sent',
  'date',
  'to',
  'cc',
  'subject',
  '发送时间',
  '发件时间',
  '发送日期',
  '时间',
  '日期',
  '收件人',
  '收件者',
  '抄送',
  '抄送人',
  '副本',
  '主题',
  '主旨',
  '寄件日期',
  '寄件時間',
  '傳送日期',
  '传送日期',
  'gesendet',
  'an',
  'betreff',
  'envoyé',
  'objet',
  'à',
  '送信日時',
  '宛先',
  '件名',
])

// Device and app footers, taken out only when nothing new follows them.
const FOOTERS = [
  /^(sent from|sent with|sent via|get outlook for|envoyé de|enviado desde|von meinem)\b.{0,80}$/i,
  /^(发自|發自|来自|來自|寄自)\s*(我的)?\s*(iphone|ipad|ipod|android|apple watch|华为|華為|荣耀|榮耀|小米|红米|oppo|vivo|三星|魅族|一加|手机|手機|平板|网易邮箱|網易郵箱|qq邮箱|qq郵箱|outlook|wps|企业微信|钉钉|邮箱大师|郵箱大師|mail|honor|huawei|xiaomi|samsung|oneplus|meizu)[^\n]{0,40}$/i,
  /^(从|從)我的\s*\S{1,24}\s*(发送|傳送|寄出)$/,
  /^签名由.{1,30}定制$/,
]

function normalize(line: string): string {
  let text = line
    .replace(MARKS, '')
    .replace(/[\u00a0\u3000]/g, ' ')
    .trim()
  if (text.includes('*')) {
    // Gmail's text part renders bold labels as *From:*
    text = text
      .replace(/^\*+\s*/, '')
      .replace(/^([^:：*]{1,20})\*+\s*(?=[:：])/, '$1')
      .replace(/^([^:：]{1,20}[:：])\s*\*+/, '$1')
  }
  return text
}

/** Every pattern of an attribution ends so; checking the tail first keeps long bodies cheap. */
function mayEndAttribution(text: string): boolean {
  return /(wrote|写道|寫道)\s*:?$|[:：]\s*$/i.test(text.slice(-16))
}

/** The lines of a body, with what the rules ask of each line computed once. */
class Lines {
  readonly raw: string[]
  private readonly normalized: (string | undefined)[]
  private readonly labels: (string | null | undefined)[]

  constructor(text: string) {
    this.raw = text.replace(/\r\n?/g, '\n').split('\n')
    this.normalized = new Array(this.raw.length)
    this.labels = new Array(this.raw.length)
  }

  get length(): number {
    return this.raw.length
  }

  norm(i: number): string {
    let value = this.normalized[i]
    if (value === undefined) {
      value = normalize(this.raw[i] ?? '')
      this.normalized[i] = value
    }
    return value
  }

  blank(i: number): boolean {
    return !/[^\s\uE000-\uE002]/.test(this.raw[i] ?? '')
  }

  quote(i: number): boolean {
    const line = this.raw[i] ?? ''
    return line.startsWith(QUOTE_MARK) || /^[ \t]*>/.test(line)
  }

  /** The label of a "Label: value" line, lower-cased and without spaces, or null. */
  label(i: number): string | null {
    let value = this.labels[i]
    if (value === undefined) {
      const text = this.norm(i)
      const match = text.length <= MAX_PATTERN_LINE ? /^([^:：]{1,24})[:：]/.exec(text) : null
      value = match ? match[1]!.replace(/\s+/g, '').toLowerCase() : null
      this.labels[i] = value
    }
    return value
  }

  headerField(i: number): boolean {
    const label = this.label(i)
    return label !== null && (SENDER_LABELS.has(label) || OTHER_LABELS.has(label))
  }

  senderField(i: number): boolean {
    const label = this.label(i)
    return label !== null && SENDER_LABELS.has(label)
  }

  joined(from: number, to: number): string {
    const parts: string[] = []
    for (let i = from; i <= to; i++) parts.push(this.norm(i))
    return parts.join(' ').replace(/\s+/g, ' ')
  }

  previousNonBlank(from: number): number {
    for (let i = from; i >= 0; i--) if (!this.blank(i)) return i
    return -1
  }

  nextNonBlank(from: number): number {
    for (let i = from; i < this.raw.length; i++) if (!this.blank(i)) return i
    return -1
  }
}

function matchesAny(patterns: (RegExp | LineTest)[], text: string): boolean {
  return (
    text.length <= MAX_PATTERN_LINE &&
    patterns.some((pattern) => (typeof pattern === 'function' ? pattern(text) : pattern.test(text)))
  )
}

/**
 * Start of the attribution ending at line `end`, or -1. A header wrapped over two or three lines
 * is recognised when its first line starts like one and the joined lines read as a whole header.
 */
function attributionEndingAt(lines: Lines, end: number): number {
  const single = lines.norm(end)
  if (single === '' || !mayEndAttribution(single)) return -1
  if (matchesAny(SPECIFIC_ATTRIBUTIONS, single)) return end
  for (let span = 1; span <= 2; span++) {
    const start = end - span
    if (start < 0 || lines.quote(start) || lines.blank(start)) break
    const joined = lines.joined(start, end)
    if (
      matchesAny(SPECIFIC_ATTRIBUTIONS, joined) &&
      (span === 1 || ATTRIBUTION_START.test(lines.norm(start)))
    ) {
      return start
    }
  }
  return matchesAny(GENERIC_ATTRIBUTIONS, single) ? end : -1
}

/** End of a specific attribution with a date, time or address starting at `start`, or -1. */
function strongAttributionStartingAt(lines: Lines, start: number): number {
  const first = lines.norm(start)
  if (first === '' || first.length > MAX_PATTERN_LINE) return -1
  const wraps = ATTRIBUTION_START.test(first)
  for (let span = 0; span <= (wraps ? 2 : 0); span++) {
    const end = start + span
    if (end >= lines.length) break
    if (span > 0 && (lines.quote(end) || lines.blank(end))) break
    if (!mayEndAttribution(lines.norm(end))) continue
    const joined = span === 0 ? first : lines.joined(start, end)
    if (matchesAny(SPECIFIC_ATTRIBUTIONS, joined) && STRONG_EVIDENCE.test(joined)) return end
  }
  return -1
}

/**
 * True when line `i` starts the header block of an original message: at least three header
 * fields in a row (blank lines allowed between them), one of them the sender.
 */
function startsHeaderBlock(lines: Lines, i: number): boolean {
  if (!lines.headerField(i)) return false
  let fields = 0
  let sender = false
  let seen = 0
  for (let j = i; j < lines.length && seen < 8; j++) {
    if (lines.blank(j)) continue
    seen++
    if (!lines.headerField(j)) break
    fields++
    if (lines.senderField(j)) sender = true
  }
  return fields >= 3 && sender
}

/** Index of the first line of the history that runs to the end of the message, or -1. */
function findCut(lines: Lines): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines.raw[i]!
    if (line === CUT_MARK || line === SIGNATURE_MARK) return i
    if (lines.quote(i) || lines.blank(i)) continue
    const text = lines.norm(i)
    // "-- " is the signature delimiter of RFC 3676 §4.3; some clients drop the space
    if (text === '--' && line.replace(MARKS, '').trimEnd() === '--') return i
    if (text.length <= MAX_PATTERN_LINE && (SEPARATOR.test(text) || FORWARD_INTRO.test(text))) {
      return i
    }
    if (UNDERSCORES.test(text)) {
      const next = lines.nextNonBlank(i + 1)
      if (next >= 0 && lines.headerField(next)) return i
    }
    if (startsHeaderBlock(lines, i)) {
      // a bare rule above the header block belongs to it (Alimail, Outlook for Mac)
      const above = lines.previousNonBlank(i - 1)
      return above >= 0 && RULE.test(lines.norm(above)) ? above : i
    }
    const end = strongAttributionStartingAt(lines, i)
    if (end >= 0) {
      const next = lines.nextNonBlank(end + 1)
      // a quote below it makes it the quote's attribution, handled with the quote
      if (next < 0 || !lines.quote(next)) return i
    }
  }
  return -1
}

interface LineSplit extends QuoteSplit {
  /** the history that runs to the end started in these lines */
  cut: boolean
}

/** Splits lines; `more` says the body goes on after them, so no footer can end them. */
function splitLines(text: string, more: boolean): LineSplit {
  const lines = new Lines(text)
  const quoted = new Array<boolean>(lines.length).fill(false)

  const cut = findCut(lines)
  const limit = cut >= 0 ? cut : lines.length
  for (let i = limit; i < lines.length; i++) quoted[i] = true

  // quote blocks, blank lines inside them included, with the attribution above them
  let i = 0
  while (i < limit) {
    if (!lines.quote(i)) {
      i++
      continue
    }
    let end = i
    for (let j = i; j < limit; j++) {
      if (lines.quote(j)) end = j
      else if (!lines.blank(j)) break
    }
    let start = i
    let above = i - 1
    while (above >= 0 && lines.blank(above) && !quoted[above]) above--
    if (above >= 0 && !quoted[above]) {
      const attribution = attributionEndingAt(lines, above)
      if (attribution >= 0) start = attribution
    }
    for (let j = start; j <= end; j++) quoted[j] = true
    i = end + 1
  }

  // "Sent from my iPhone" and the like, when only history follows
  for (let j = limit - 1; j >= 0 && (cut >= 0 || !more); j--) {
    if (quoted[j] || lines.blank(j)) continue
    if (matchesAny(FOOTERS, lines.norm(j))) {
      quoted[j] = true
      continue
    }
    break
  }

  const fresh: string[] = []
  const history: string[] = []
  let previousQuoted = false
  lines.raw.forEach((line, index) => {
    if (line === CUT_MARK || line === SIGNATURE_MARK) return
    const clean = line.replace(MARKS, '')
    if (quoted[index]) {
      if (!previousQuoted && history.length > 0) history.push('')
      history.push(clean)
    } else {
      fresh.push(clean)
    }
    previousQuoted = quoted[index]!
  })
  return { newText: tidy(fresh.join('\n')), quotedText: tidy(history.join('\n')), cut: cut >= 0 }
}

/** Offset just past the n-th line break, or -1 when the text has fewer lines. */
function offsetAfterLines(text: string, n: number): number {
  let offset = -1
  for (let i = 0; i < n; i++) {
    offset = text.indexOf('\n', offset + 1)
    if (offset < 0) return -1
  }
  return offset + 1
}

/** Splits plain text, or text annotated by htmlToAnnotatedText. */
export function splitQuotedText(text: string): QuoteSplit {
  const normalized = text.replace(/\r\n?/g, '\n')
  const headEnd = offsetAfterLines(normalized, MAX_ANALYSED_LINES)
  if (headEnd < 0) {
    const { newText, quotedText } = splitLines(normalized, false)
    return { newText, quotedText }
  }
  // only the head is read line by line; the rest follows whatever the head ended in
  const head = splitLines(normalized.slice(0, headEnd), true)
  const tail = normalized.slice(headEnd).replace(MARKS, '').trimEnd()
  const join = (a: string, b: string) => (a && b ? `${a}\n${b}` : a || b)
  return head.cut
    ? { newText: head.newText, quotedText: join(head.quotedText, tail) }
    : { newText: join(head.newText, tail), quotedText: head.quotedText }
}

/**
 * Splits an email body into the new text and what it quotes. With HTML, the HTML's structure
 * decides (Gmail, Outlook, Apple Mail, Thunderbird, QQ Mail, Foxmail, 163 each mark quotes their
 * own way); without it, or when the HTML is too large or deep to read, the plain text does.
 */
export function splitQuoted(input: { text: string; html?: string | null }): QuoteSplit {
  if (input.html && input.html.trim() !== '') {
    const annotated = htmlToAnnotatedText(input.html)
    if (annotated !== null) return splitQuotedText(annotated)
  }
  return splitQuotedText(input.text.replace(MARKS, ''))
}
