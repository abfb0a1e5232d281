// Browser capabilities the chat needs, each with the fallback real pages require.
import type { KeyValueStore, OpenSocket } from './chat'

export const openBrowserSocket: OpenSocket = (url, handlers) => {
  const socket = new WebSocket(url)
  socket.onopen = () => handlers.open()
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') handlers.message(event.data)
  }
  socket.onclose = (event) => handlers.close(event.code)
  return {
    send(data) {
      if (socket.readyState === WebSocket.OPEN) socket.send(data)
    },
    close() {
      socket.onopen = null
      socket.onmessage = null
      socket.onclose = null
      socket.close()
    },
  }
}

/**
 * localStorage. Where the browser blocks storage in third-party frames (private windows, blocked
 * third-party cookies), the loader keeps the frame's values in the host page's own storage: they
 * arrive in the frame URL's fragment, and `save` hands every change back to the host page. The
 * host page thus holds its visitor's token, as a first-party chat would. Outside a host page,
 * nothing is kept.
 */
export function browserStorage(save: (values: string) => void): KeyValueStore | null {
  try {
    return window.localStorage
  } catch {
    if (window.parent === window) return null
    let values: Record<string, unknown> = {}
    try {
      values = Object(JSON.parse(decodeURIComponent(location.hash.slice(1))))
    } catch {
      // nothing kept yet
    }
    return {
      getItem: (key) => {
        const value = Object.hasOwn(values, key) ? values[key] : null
        return typeof value === 'string' ? value : null
      },
      setItem(key, value) {
        values[key] = value
        save(JSON.stringify(values))
      },
    }
  }
}

export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  // randomUUID exists only in secure contexts; a server on plain http still gets a v4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Touch screens would pop the keyboard over the conversation: there the visitor taps instead. */
export function finePointer(): boolean {
  return !matchMedia('(pointer: coarse)').matches
}

/**
 * Moves the focus to the first match in `root` (the whole document when null). `onOpen`: only
 * when the frame has the focus and not on touch screens, as when the chat opens or a view shows.
 */
export function focusIn(root: ParentNode | null, selector: string, onOpen?: boolean): void {
  if (!onOpen || (document.hasFocus() && finePointer())) {
    ;(root ?? document).querySelector<HTMLElement>(selector)?.focus()
  }
}

/** Where the visitor writes: the composer, or the first field of the form in its place. */
export const ENTRY = 'textarea[data-testid="composer"],[data-key]'
