// Splits message text into plain runs and web links. Only http(s) URLs become links, so a
// visitor or agent can never plant a javascript: or data: link; everything else stays text.

export interface TextPart {
  text: string
  /** Present only for a verified http(s) URL. */
  href?: string
}

// ASCII URL characters only, so a link followed directly by Chinese text ends where it should.
const URL_PATTERN = /\bhttps?:\/\/[\w\-.~:/?#[\]@!$&'()*+,;=%]+/gi
const TRAILING = /[.,;:!?'"]+$/

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index
    const url = trimUrl(match[0])
    const href = safeHref(url)
    if (!href) continue
    if (start > last) parts.push({ text: text.slice(last, start) })
    parts.push({ text: url, href })
    last = start + url.length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

/** Drops sentence punctuation and unbalanced closing brackets that follow a URL in prose. */
function trimUrl(candidate: string): string {
  let url = candidate
  for (;;) {
    const trimmed = url.replace(TRAILING, '')
    if (trimmed.endsWith(')') && count(trimmed, '(') < count(trimmed, ')')) {
      url = trimmed.slice(0, -1)
    } else if (trimmed.endsWith(']') && count(trimmed, '[') < count(trimmed, ']')) {
      url = trimmed.slice(0, -1)
    } else {
      return trimmed
    }
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1
}

function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) {
      return parsed.href
    }
  } catch {
    // not a URL after all: shown as text
  }
  return undefined
}
