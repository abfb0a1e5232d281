/**
 * Turns an email's HTML into plain text, and marks on the way what the HTML's own structure says
 * is quoted history, a signature, or the start of the previous message. Mail clients mark these
 * differently (Gmail with classes, Outlook with ids and border styles, Apple Mail and Thunderbird
 * with `blockquote type="cite"`, QQ Mail with inline styles); reading that structure is more
 * reliable than guessing from the rendered text, so the quote splitter gets both.
 */
import { type AnyNode, type Element, isTag, isText } from 'domhandler'
import { parseDocument } from 'htmlparser2'

/** A line inside quoted history (a blockquote of the previous message). */
export const QUOTE_MARK = '\uE000'
/** A line of its own where a signature starts. */
export const SIGNATURE_MARK = '\uE001'
/** A line of its own where the previous message starts: everything after it is history. */
export const CUT_MARK = '\uE002'
/** Private-use characters Kefu uses as marks; stripped from incoming text first. */
export const MARKS = /[\uE000-\uE002]/g

// Past these the HTML is not worth a DOM: htmlparser2 is quadratic in nesting depth and the
// walk below recurses. Real mail stays far below both; the caller falls back to plain text.
const MAX_HTML_LENGTH = 2 * 1024 * 1024
const MAX_NESTING = 400

type Role = 'quote' | 'signature' | 'cut' | 'skip' | null

const SKIPPED = new Set([
  'head',
  'title',
  'script',
  'style',
  'template',
  'noscript',
  'xml',
  'object',
  'iframe',
  'svg',
  'math',
])
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
])
// Elements the parser closes by itself when a sibling opens, so unclosed runs do not nest.
const IMPLIED_END = new Set(['p', 'li', 'dt', 'dd', 'option', 'tr', 'td', 'th', 'tbody', 'thead'])
/** Blocks a browser draws with a blank line around them. */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'blockquote', 'dl'])
const BLOCK = new Set([
  'div',
  'address',
  'article',
  'aside',
  'center',
  'dd',
  'dt',
  'fieldset',
  'figure',
  'figcaption',
  'footer',
  'form',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
  'caption',
])

function isTagNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x3a ||
    code === 0x5f ||
    code === 0x2d
  )
}

/**
 * True when the HTML nests deeper than `limit` elements. One linear pass over the tags, the same
 * rule the parser follows: a start tag opens, an end tag closes down to its open namesake.
 */
export function exceedsNesting(html: string, limit = MAX_NESTING): boolean {
  const stack: string[] = []
  const openCount = new Map<string, number>()
  let i = html.indexOf('<')
  while (i >= 0) {
    if (html.startsWith('!--', i + 1)) {
      const end = html.indexOf('-->', i + 4)
      if (end < 0) return false
      i = html.indexOf('<', end + 3)
      continue
    }
    let pos = i + 1
    const closing = html.charCodeAt(pos) === 0x2f
    if (closing) pos++
    const nameStart = pos
    while (pos < html.length && isTagNameChar(html.charCodeAt(pos))) pos++
    const name = html.slice(nameStart, pos).toLowerCase()
    if (name === '') {
      // a "<" that opens no tag is text
      i = html.indexOf('<', pos)
      continue
    }
    const end = html.indexOf('>', pos)
    if (end < 0) return false
    if (!VOID.has(name) && !IMPLIED_END.has(name)) {
      if (!closing) {
        stack.push(name)
        openCount.set(name, (openCount.get(name) ?? 0) + 1)
        if (stack.length > limit) return true
      } else if (openCount.get(name)) {
        let popped: string | undefined
        do {
          popped = stack.pop()
          if (popped) openCount.set(popped, (openCount.get(popped) ?? 1) - 1)
        } while (popped && popped !== name)
      }
    }
    i = html.indexOf('<', end + 1)
  }
  return false
}

function classesOf(el: Element): string[] {
  const value = el.attribs.class
  return value ? value.toLowerCase().split(/\s+/) : []
}

function compactStyle(el: Element): string {
  return (el.attribs.style ?? '').toLowerCase().replace(/\s+/g, '')
}

function textOf(node: AnyNode, budget = 2000): string {
  let out = ''
  const walk = (n: AnyNode) => {
    if (out.length > budget) return
    if (isText(n)) out += n.data
    else if (isTag(n)) for (const child of n.children) walk(child)
  }
  walk(node)
  return out
}

/** What the element means for quote splitting, from the markers real clients write. */
function roleOf(el: Element): Role {
  const name = el.name
  if (SKIPPED.has(name)) return 'skip'
  const style = compactStyle(el)
  if (/display:none|mso-hide:all/.test(style)) return 'skip'
  const id = (el.attribs.id ?? '').toLowerCase()
  const classes = classesOf(el)

  // Outlook on the web / new Outlook: the reply header sits in #divRplyFwdMsg, after an
  // #appendonsend anchor; Outlook for Mac and the new desktop app wrap the original instead.
  if (id === 'divrplyfwdmsg' || id === 'appendonsend') return 'cut'
  if (id === 'mail-editor-reference-message-container') return 'cut'
  // Outlook desktop (Word) separates the reply from the original with a top-bordered block,
  // #E1E1E1 since 2013 and #B5C4DF before (Foxmail copies the latter).
  if (style.includes('border-top:solid#e1e1e1') || style.includes('border-top:solid#b5c4df')) {
    return 'cut'
  }
  if (name === 'hr' && id === 'stopspelling') return 'cut'
  // Thunderbird's forward wraps the forwarded message.
  if (classes.includes('moz-forward-container')) return 'cut'
  // QQ Mail and Foxmail: the original message block, or its "原始邮件" separator line.
  if (name === 'includetail' && textOf(el).trim() !== '') return 'cut'
  if (
    style.includes('font-family:arialnarrow') &&
    /原始邮件|原始郵件|original|回复的邮件/i.test(textOf(el, 200))
  ) {
    return 'cut'
  }

  // Gmail: div.gmail_quote holds the attribution and the blockquote, and also the answers of an
  // inline reply, so only its parts are history; a forward has no blockquote but a separator
  // line in its attribution, and the forwarded message runs to the end.
  if (classes.includes('gmail_attr')) {
    return /-{4,}.{0,40}-{4,}/.test(textOf(el, 300)) ? 'cut' : 'quote'
  }
  if (name === 'blockquote' && classes.includes('gmail_quote')) return 'quote'
  if (classes.some((c) => c === 'yahoo_quoted' || c.endsWith('yahoo_quoted'))) return 'quote'
  if (classes.includes('moz-cite-prefix')) return 'quote'
  if (classes.includes('protonmail_quote')) return 'quote'
  if (name === 'blockquote') {
    const type = (el.attribs.type ?? '').toLowerCase()
    // a blockquote is history only when marked so: Gmail also uses bare blockquotes to indent
    if (type === 'cite' || id === 'isreplycontent' || style.includes('border-left')) return 'quote'
  }

  if (classes.includes('gmail_signature') || el.attribs['data-smartmail'] === 'gmail_signature') {
    return 'signature'
  }
  if (classes.includes('gmail_signature_prefix')) return 'skip'
  if (classes.includes('moz-signature')) return 'signature'
  if (id === 'signature' || id === 'applemailsignature' || id === 'ms-outlook-mobile-signature') {
    return 'signature'
  }
  // Foxmail draws a short #b5c4df rule above its signature
  if (name === 'hr' && (el.attribs.color ?? '').toLowerCase() === '#b5c4df') return 'signature'
  return null
}

/** Collects lines the way a browser lays out blocks, line breaks and whitespace. */
class TextWriter {
  readonly lines: string[] = []
  private current = ''
  private pending = 0
  private quoteDepth = 0
  private preDepth = 0
  private readonly annotate: boolean
  cut = false

  constructor(annotate: boolean) {
    this.annotate = annotate
  }

  get inQuote(): boolean {
    return this.quoteDepth > 0
  }

  /** Asks for a line break (1) or a blank line (2) before the next content. */
  block(kind: 1 | 2): void {
    if (kind > this.pending) this.pending = kind
  }

  private push(line: string): void {
    const clean = line.replace(/\u00a0/g, ' ').trimEnd()
    this.lines.push(this.annotate && this.quoteDepth > 0 ? QUOTE_MARK + clean : clean)
  }

  private flush(): void {
    if (this.pending === 0) return
    if (this.current !== '') this.push(this.current)
    this.current = ''
    if (this.pending === 2 && this.lines.length > 0) {
      const last = this.lines[this.lines.length - 1]!.replace(MARKS, '')
      if (last !== '') this.push('')
    }
    this.pending = 0
  }

  text(data: string): void {
    if (this.preDepth > 0) {
      const parts = data.replace(/\r\n?/g, '\n').split('\n')
      parts.forEach((part, i) => {
        if (i > 0) this.lineBreak()
        if (part !== '') {
          this.flush()
          this.current += part
        }
      })
      return
    }
    let value = data.replace(/[ \t\n\r\f]+/g, ' ')
    if (value === ' ' || value === '') {
      if (this.current !== '' && !this.current.endsWith(' ') && this.pending === 0) {
        this.current += ' '
      }
      return
    }
    this.flush()
    if (this.current === '' || this.current.endsWith(' ')) value = value.replace(/^ /, '')
    this.current += value
  }

  lineBreak(): void {
    this.flush()
    this.push(this.current)
    this.current = ''
  }

  /** Ends the current line without asking for more space, before a region changes. */
  private endLine(): void {
    if (this.current !== '') {
      this.push(this.current)
      this.current = ''
    }
  }

  enterQuote(): void {
    this.flush()
    this.endLine()
    this.quoteDepth++
  }

  leaveQuote(): void {
    this.endLine()
    this.quoteDepth--
  }

  mark(marker: string): void {
    this.flush()
    this.endLine()
    this.lines.push(marker)
  }

  enterPre(): void {
    this.preDepth++
  }

  leavePre(): void {
    this.preDepth--
  }

  finish(): string[] {
    this.endLine()
    return this.lines
  }
}

function render(nodes: AnyNode[], out: TextWriter, lists: number[]): void {
  for (const node of nodes) {
    if (isText(node)) {
      out.text(node.data)
      continue
    }
    if (!isTag(node)) continue
    const name = node.name
    const role = roleOf(node)
    if (role === 'skip') continue
    if (name === 'br') {
      out.lineBreak()
      continue
    }
    const marking = !out.inQuote && !out.cut
    if (marking && role === 'cut') {
      out.mark(CUT_MARK)
      out.cut = true
    } else if (marking && role === 'signature') {
      out.mark(SIGNATURE_MARK)
    }
    const quote = role === 'quote' && !out.cut
    if (quote) out.enterQuote()

    const paragraph =
      PARAGRAPH.has(name) && !(name === 'p' && classesOf(node).includes('msonormal'))
    const block = paragraph || BLOCK.has(name) || name === 'p'
    if (block) out.block(paragraph ? 2 : 1)
    if (name === 'pre') out.enterPre()
    if (name === 'ol' || name === 'ul') lists.push(name === 'ol' ? 1 : 0)
    if (name === 'li') {
      const depth = lists.length
      const counter = lists[depth - 1]
      out.text(counter ? `${counter}. ` : '- ')
      if (counter) lists[depth - 1] = counter + 1
    }
    if ((name === 'td' || name === 'th') && node.prev) out.text(' ')

    render(node.children, out, lists)

    if (name === 'ol' || name === 'ul') lists.pop()
    if (name === 'pre') out.leavePre()
    if (block) out.block(paragraph ? 2 : 1)
    if (quote) out.leaveQuote()
  }
}

function parseHtml(html: string): AnyNode[] | null {
  if (html.length > MAX_HTML_LENGTH || exceedsNesting(html)) return null
  return parseDocument(html, { decodeEntities: true }).children
}

/**
 * Plain text of an HTML body as a reader sees it. Falls back to stripping tags when the HTML is
 * too large or too deep for a DOM.
 */
export function htmlToText(html: string): string {
  const nodes = parseHtml(html)
  if (!nodes) return stripTags(html)
  const out = new TextWriter(false)
  render(nodes, out, [])
  return tidy(out.finish().join('\n'))
}

/**
 * Plain text of an HTML body with the marks above: lines of quoted regions start with
 * QUOTE_MARK, SIGNATURE_MARK and CUT_MARK stand on lines of their own. Null when the HTML is
 * too large or too deep to read its structure.
 */
export function htmlToAnnotatedText(html: string): string | null {
  const nodes = parseHtml(html.replace(MARKS, ''))
  if (!nodes) return null
  const out = new TextWriter(true)
  render(nodes, out, [])
  return out.finish().join('\n')
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ' }

function stripTags(html: string): string {
  const text = html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
  return tidy(text)
}

/** Trims every line's end and the whole text, and keeps at most one blank line in a row. */
export function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
