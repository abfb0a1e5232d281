// The original HTML of an email, made into the `srcdoc` of a sandboxed iframe. The server has
// already sanitized it (no scripts, remote images moved to data-kefu-src); this is the second
// line: the HTML is parsed into a detached document (DOMParser: no browsing context, so nothing in
// it runs or loads), anything active is dropped again, and the result is serialized back to a
// string. It never touches the app's own DOM. The iframe itself must be `sandbox=""` (no scripts,
// no same-origin, no forms, no navigation of the app) and the srcdoc opens with a CSP meta.

export const EMAIL_FRAME_CSP =
  "default-src 'none'; img-src data: cid: https: http:; style-src 'unsafe-inline'"

/** The parts of a DOM element this module uses; the browser's Element has them all. */
export interface HtmlElementLike {
  readonly tagName: string
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>
  getAttribute(name: string): string | null
  setAttribute(name: string, value: string): void
  removeAttribute(name: string): void
  remove(): void
}

export interface HtmlDocumentLike {
  readonly body: { readonly innerHTML: string } | null
  querySelectorAll(selectors: string): ArrayLike<HtmlElementLike>
}

export type ParseHtml = (html: string) => HtmlDocumentLike

/** A detached document: parsing it runs no script and fetches nothing. */
export const parseDetached: ParseHtml = (html) => new DOMParser().parseFromString(html, 'text/html')

// Elements that run, load, embed, submit or redirect: dropped with their content.
const DROPPED = new Set([
  'script',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'portal',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'meta',
  'base',
  'link',
  'style',
  'svg',
  'math',
  'audio',
  'video',
  'source',
  'track',
])

// Attributes that fetch something (or used to): never kept.
const FETCHING = new Set(['srcset', 'background', 'poster', 'lowsrc', 'dynsrc', 'ping', 'action'])

// CSS that fetches or scripts, as the server's sanitizer refuses it.
const DANGEROUS_CSS =
  /url\s*\(|image-set\s*\(|expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import|\\/i

const INLINE_IMAGE = /^data:image\/(png|jpe?g|gif|webp|bmp);base64,[a-z0-9+/=\s]+$/i

function isRemoteUrl(value: string): boolean {
  try {
    const url = new URL(value.trim())
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
  } catch {
    return false
  }
}

function isSafeLink(value: string): boolean {
  const href = value.trim()
  if (href.startsWith('#')) return true
  try {
    const { protocol } = new URL(href)
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(protocol)
  } catch {
    return false
  }
}

export interface EmailFrame {
  srcdoc: string
  /** Images that wait for the agent's "Load images" (0 once loaded). */
  remoteImages: number
}

/**
 * Builds the iframe document. With `loadImages`, `<img data-kefu-src>` gets its `src` back (only
 * img elements, only http(s) URLs); without it, remote image sources stay parked.
 */
export function buildEmailFrame(
  html: string,
  options: { loadImages: boolean },
  parse: ParseHtml = parseDetached,
): EmailFrame {
  const doc = parse(html)
  let remoteImages = 0
  // Copied first: removing an element while walking a live list would skip its neighbour.
  for (const element of Array.from(doc.querySelectorAll('*'))) {
    const tag = element.tagName.toLowerCase()
    if (DROPPED.has(tag)) {
      element.remove()
      continue
    }
    for (const { name, value } of Array.from(element.attributes)) {
      const attr = name.toLowerCase()
      if (
        attr.startsWith('on') ||
        FETCHING.has(attr) ||
        attr === 'formaction' ||
        attr.endsWith(':href') ||
        (attr === 'style' && DANGEROUS_CSS.test(value)) ||
        (attr === 'href' && !isSafeLink(value)) ||
        (attr === 'src' && tag !== 'img')
      ) {
        element.removeAttribute(name)
      }
    }
    if (tag !== 'img') continue
    const src = element.getAttribute('src')
    const parked = element.getAttribute('data-kefu-src')
    if (src !== null && !/^cid:/i.test(src) && !INLINE_IMAGE.test(src.trim())) {
      // A remote source the server let through is parked like the others; anything else goes.
      element.removeAttribute('src')
      if (isRemoteUrl(src) && parked === null) element.setAttribute('data-kefu-src', src.trim())
    }
    const remote = element.getAttribute('data-kefu-src')
    if (remote === null) continue
    if (!isRemoteUrl(remote)) {
      element.removeAttribute('data-kefu-src')
      continue
    }
    if (options.loadImages) {
      element.setAttribute('src', remote.trim())
      element.removeAttribute('data-kefu-src')
    } else {
      remoteImages += 1
    }
  }
  const body = doc.body?.innerHTML ?? ''
  return { srcdoc: frameDocument(body), remoteImages }
}

const FRAME_CSS = [
  'html{background:#fff}',
  'body{margin:12px 16px;color:#1f2328;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;overflow-wrap:anywhere}',
  'img{max-width:100%;height:auto}',
  'table{max-width:100%}',
  'blockquote{margin:8px 0 8px 4px;padding-left:10px;border-left:3px solid #d0d5dd;color:#667085}',
  'pre{white-space:pre-wrap}',
].join('')

/** The CSP meta comes first, before anything from the email, so it governs the whole document. */
function frameDocument(body: string): string {
  return (
    `<meta http-equiv="Content-Security-Policy" content="${EMAIL_FRAME_CSP}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<style>${FRAME_CSS}</style>` +
    `<body>${body}</body>`
  )
}
