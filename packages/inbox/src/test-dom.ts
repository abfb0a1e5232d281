// A very small HTML parser and DOM for tests that run without a browser; not a test file itself.
// It knows tags, quoted and bare attributes, comments, void and raw-text elements, and character
// references enough for the inputs the tests write. Attribute lists are live, as in a browser.
import type { HtmlDocumentLike, HtmlElementLike } from './email-html'

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
  'source',
  'track',
  'wbr',
])
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'noscript'])

type Node = FakeElement | { text: string; raw: boolean }

export class FakeElement implements HtmlElementLike {
  readonly children: Node[] = []
  parent: FakeElement | null = null
  private readonly attrs: { name: string; value: string }[] = []

  constructor(readonly tagName: string) {}

  get attributes(): ArrayLike<{ name: string; value: string }> {
    return this.attrs
  }

  getAttribute(name: string): string | null {
    return this.attrs.find((a) => a.name === name.toLowerCase())?.value ?? null
  }

  setAttribute(name: string, value: string): void {
    const key = name.toLowerCase()
    const existing = this.attrs.find((a) => a.name === key)
    if (existing) existing.value = value
    else this.attrs.push({ name: key, value })
  }

  removeAttribute(name: string): void {
    const index = this.attrs.findIndex((a) => a.name === name.toLowerCase())
    if (index >= 0) this.attrs.splice(index, 1)
  }

  remove(): void {
    if (!this.parent) return
    const siblings = this.parent.children
    siblings.splice(siblings.indexOf(this), 1)
    this.parent = null
  }

  /** Every element below this one, in document order. */
  descendants(): FakeElement[] {
    const out: FakeElement[] = []
    for (const child of this.children) {
      if (child instanceof FakeElement) out.push(child, ...child.descendants())
    }
    return out
  }

  get innerHTML(): string {
    return this.children.map((child) => serialize(child)).join('')
  }
}

const escapeText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;')

function serialize(node: Node): string {
  if (!(node instanceof FakeElement)) return node.raw ? node.text : escapeText(node.text)
  const tag = node.tagName.toLowerCase()
  const attrs = Array.from(node.attributes)
    .map((a) => ` ${a.name}="${escapeAttr(a.value)}"`)
    .join('')
  if (VOID.has(tag)) return `<${tag}${attrs}>`
  return `<${tag}${attrs}>${node.innerHTML}</${tag}>`
}

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, ref: string) => {
    const r = ref.toLowerCase()
    if (r.startsWith('#x')) return String.fromCodePoint(Number.parseInt(r.slice(2), 16))
    if (r.startsWith('#')) return String.fromCodePoint(Number.parseInt(r.slice(1), 10))
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }[r] ?? ''
  })
}

const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g
const TOKEN =
  /<!--[\s\S]*?-->|<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)\/?>|[^<]+|</g

/** Parses a fragment into a detached document whose body holds it, as DOMParser would. */
export function parseFake(html: string): HtmlDocumentLike & { body: FakeElement } {
  const body = new FakeElement('BODY')
  let current = body
  let index = 0
  TOKEN.lastIndex = 0
  while (index < html.length) {
    TOKEN.lastIndex = index
    const match = TOKEN.exec(html)
    if (!match) break
    index = TOKEN.lastIndex
    const [whole, closing, opening, attrText] = match
    if (whole.startsWith('<!--')) continue
    if (closing) {
      // Close up to the nearest open element with that name; a stray end tag is ignored.
      let node: FakeElement | null = current
      while (node && node !== body && node.tagName.toLowerCase() !== closing.toLowerCase()) {
        node = node.parent
      }
      if (node && node !== body) current = node.parent ?? body
      continue
    }
    if (opening) {
      const element = new FakeElement(opening.toUpperCase())
      for (const a of (attrText ?? '').matchAll(ATTR)) {
        const name = a[1] ?? ''
        if (element.getAttribute(name) === null) {
          element.setAttribute(name, decode(a[2] ?? a[3] ?? a[4] ?? ''))
        }
      }
      element.parent = current
      current.children.push(element)
      const tag = opening.toLowerCase()
      if (RAW_TEXT.has(tag)) {
        const end = html.toLowerCase().indexOf(`</${tag}`, index)
        const stop = end < 0 ? html.length : end
        element.children.push({ text: html.slice(index, stop), raw: true })
        const close = html.indexOf('>', stop)
        index = end < 0 ? html.length : close < 0 ? html.length : close + 1
      } else if (!VOID.has(tag) && !whole.endsWith('/>')) {
        current = element
      }
      continue
    }
    current.children.push({ text: decode(whole), raw: false })
  }
  return {
    body,
    querySelectorAll(selectors: string) {
      if (selectors !== '*') throw new Error(`the test DOM only supports '*', not ${selectors}`)
      return body.descendants()
    },
  }
}
