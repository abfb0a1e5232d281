// The frame's side of the conversation with the loader on the host page.

import type { Locale, VisitorIdentity } from '@kefu/protocol'

export type HostMessage =
  | { kefu: 'open' }
  | { kefu: 'closed' }
  | { kefu: 'identify'; identity: VisitorIdentity }
  | { kefu: 'reset' }
  | { kefu: 'locale'; locale: Locale }
/**
 * `message`: a new agent reply arrived (never its text: the host page is not trusted with it).
 * `store`: the frame's saved values, for the host page to keep where the frame may not (see
 * browserStorage).
 */
export type FrameMessage =
  | { kefu: 'ready' }
  | { kefu: 'store'; values: string }
  | { kefu: 'close' }
  | { kefu: 'message' }
  | { kefu: 'unread'; count: number }

export interface HostBridge {
  /** False when the frame page is opened on its own, outside any host page. */
  embedded: boolean
  post(message: FrameMessage): void
}

/**
 * `host` is the embedding page's origin, passed by the loader in the frame URL. Messages go
 * only there and are accepted only from the parent window at that origin.
 */
export function connectToHost(
  host: string | null,
  onMessage: (message: HostMessage) => void,
): HostBridge {
  const embedded = window.parent !== window
  const targetOrigin = validOrigin(host)
  if (embedded) {
    window.addEventListener('message', (event) => {
      if (event.source !== window.parent) return
      if (targetOrigin !== '*' && event.origin !== targetOrigin) return
      const message = toHostMessage(event.data)
      if (message) onMessage(message)
    })
  }
  return {
    embedded,
    post(message) {
      if (embedded) window.parent.postMessage(message, targetOrigin)
    },
  }
}

/**
 * Pages without a proper origin (file:, sandboxed) report "null", which postMessage cannot
 * target; there the frame falls back to "*". Nothing it posts is secret: open/close signals
 * and an unread count.
 */
function validOrigin(host: string | null): string {
  if (!host) return '*'
  try {
    const url = new URL(host)
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === host) return host
  } catch {
    // not an origin
  }
  return '*'
}

/** What the host page may say; anything else, or malformed, is null. */
export function toHostMessage(value: unknown): HostMessage | null {
  const data = value as { kefu?: unknown; identity?: unknown; locale?: unknown } | null
  const kefu = data?.kefu
  if (kefu === 'open' || kefu === 'closed' || kefu === 'reset') return { kefu }
  if (kefu === 'identify') {
    const identity = toIdentity(data?.identity)
    return identity && { kefu, identity }
  }
  if (kefu === 'locale') {
    const locale = data?.locale
    if (locale === 'en' || locale === 'zh-CN' || locale === 'zh-TW') return { kefu, locale }
  }
  return null
}

/** Only string fields the server knows pass; anything else from the host page is dropped. */
export function toIdentity(value: unknown): VisitorIdentity | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.id !== 'string' && typeof v.id !== 'number') return null
  const out: VisitorIdentity = { id: String(v.id).slice(0, 200) }
  for (const key of ['email', 'name', 'hash', 'token'] as const) {
    if (typeof v[key] === 'string')
      out[key] = (v[key] as string).slice(0, key === 'token' ? 4000 : 254)
  }
  return out
}
