/**
 * Email HTML made safe to show an agent (inside a sandboxed iframe as well, see DESIGN.md).
 * sanitize-html does the parsing and the allow-listing; the rules here are the email-specific
 * ones: remote images wait for the agent's click (they tell the sender the mail was read and
 * from where), inline `cid:` images are pointed at Kefu's own URL, and CSS may not fetch.
 */
import sanitizeHtml from 'sanitize-html'

export interface SanitizeEmailOptions {
  /** URL that serves the inline attachment with this Content-ID, or null when there is none */
  cidUrl: (contentId: string) => string | null
}

export interface SanitizedEmail {
  html: string
  /** remote images blocked until the agent chooses to load them */
  remoteImages: number
}

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags,
  'img',
  'font',
  'center',
  'span',
  'div',
  'u',
  's',
  'strike',
  'sub',
  'sup',
  'big',
  'small',
  'tt',
  'del',
  'ins',
  'colgroup',
  'col',
  'hr',
]

// Presentation attributes old mail clients (and Outlook) still rely on. No `background`: it is a
// remote fetch that would dodge the image blocking.
const LAYOUT = ['align', 'valign', 'width', 'height', 'bgcolor', 'border', 'dir', 'lang']

const ALLOWED_ATTRIBUTES: sanitizeHtml.IOptions['allowedAttributes'] = {
  '*': ['style', 'class', 'title', 'dir', 'lang', 'align'],
  a: ['href', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height', 'data-kefu-src', 'border', 'align', 'style'],
  font: ['color', 'face', 'size'],
  table: [...LAYOUT, 'cellpadding', 'cellspacing', 'summary'],
  td: [...LAYOUT, 'colspan', 'rowspan', 'nowrap'],
  th: [...LAYOUT, 'colspan', 'rowspan', 'nowrap', 'scope'],
  tr: LAYOUT,
  tbody: LAYOUT,
  thead: LAYOUT,
  tfoot: LAYOUT,
  col: [...LAYOUT, 'span'],
  colgroup: [...LAYOUT, 'span'],
  div: LAYOUT,
  p: LAYOUT,
  hr: [...LAYOUT, 'color', 'size', 'noshade'],
  ol: ['start', 'type'],
  ul: ['type'],
  li: ['value'],
  blockquote: ['type', 'cite'],
}

/** Inline image types a data: URL may carry; svg is left out because it can script. */
const INLINE_IMAGE = /^data:image\/(png|jpe?g|gif|webp|bmp);base64,[a-z0-9+/=\s]+$/i

// CSS that fetches, scripts or escapes its box: url(), image-set(), IE's expression() and
// behavior, Mozilla's binding, @import, and backslash escapes that could spell any of them.
const DANGEROUS_CSS =
  /url\s*\(|image-set\s*\(|expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import|\\/i

/** Declarations of a style attribute with every dangerous one dropped. */
export function cleanStyle(style: string): string {
  const withoutComments = style.replace(/\/\*[\s\S]*?\*\//g, '')
  return withoutComments
    .split(';')
    .map((declaration) => declaration.trim())
    .filter((declaration) => declaration.includes(':') && !DANGEROUS_CSS.test(declaration))
    .filter((declaration) => !/^position\s*:\s*(fixed|sticky)/i.test(declaration))
    .join('; ')
}

export function sanitizeEmailHtml(html: string, options: SanitizeEmailOptions): SanitizedEmail {
  let remoteImages = 0
  const clean = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    // links: web, mail and phone only; image sources are decided in transformTags below
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    // style attributes are filtered by cleanStyle; parsing them again would reject Outlook's CSS
    parseStyleAttributes: false,
    disallowedTagsMode: 'discard',
    nestingLimit: 200,
    transformTags: {
      '*': (tagName, attribs) => {
        if (attribs.style !== undefined) {
          const style = cleanStyle(attribs.style)
          if (style === '') delete attribs.style
          else attribs.style = style
        }
        return { tagName, attribs }
      },
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' },
      }),
      img: (tagName, attribs) => {
        // whatever the sender put in data-kefu-src is dropped: only Kefu writes it
        const { src: rawSrc, srcset: _srcset, 'data-kefu-src': _forged, ...rest } = attribs
        const src = (rawSrc ?? '').trim()
        if (/^cid:/i.test(src)) {
          const url = options.cidUrl(decodeURIComponentSafe(src.slice(4)).replace(/^<|>$/g, ''))
          return { tagName, attribs: url ? { ...rest, src: url } : rest }
        }
        if (/^(https?:)?\/\//i.test(src)) {
          remoteImages++
          const absolute = src.startsWith('//') ? `https:${src}` : src
          return { tagName, attribs: { ...rest, 'data-kefu-src': absolute } }
        }
        if (INLINE_IMAGE.test(src)) return { tagName, attribs: { ...rest, src } }
        return { tagName, attribs: rest }
      },
    },
  })
  return { html: clean, remoteImages }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
