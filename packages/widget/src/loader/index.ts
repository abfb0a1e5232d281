// The Kefu loader, embedded with one tag on any website:
//   <script src="https://HOST/widget.js" data-inbox="PUBLIC_TOKEN" async></script>
// It draws the launcher and, on first open, the chat iframe served from HOST. Its only global
// is window.Kefu.
import { styles } from './styles'
import { emitter, isLang, LABELS, langOf, lookOf, replay } from './util'

type KefuApi = Record<string, (...args: never[]) => void>
const w = window as unknown as { Kefu?: KefuApi | unknown[] }

const BUBBLE =
  'M12 3C6.5 3 2 6.8 2 11.5c0 2.4 1.2 4.6 3.1 6.1L4 21.5l4.6-2.1c1.1.3 2.2.4 3.4.4 5.5 0 10-3.8 10-8.5S17.5 3 12 3z'
const CROSS =
  'M6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z'

/** `async` scripts may run with currentScript unset (e.g. when injected), so search as well. */
function findScript(): HTMLScriptElement | undefined {
  const current = document.currentScript as HTMLScriptElement | null
  if (current?.dataset.inbox) return current
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-inbox]')) {
    if (/\/widget\.js([?#]|$)/.test(script.src)) return script
  }
  return undefined
}

function start(script: HTMLScriptElement, token: string): void {
  const origin = new URL(script.src, location.href).origin
  const key = `kefu:${token}`
  const queued = Array.isArray(w.Kefu) ? w.Kefu : []
  const events = emitter()
  let lang = langOf(navigator.language || '')
  let look = lookOf(null)
  let isOpen = false
  let unread = 0
  let mark = ''
  let launcher: HTMLButtonElement | undefined
  let badge: HTMLElement | undefined
  let frame: HTMLIFrameElement | undefined
  let shadow: ShadowRoot | undefined
  let pill: HTMLElement | undefined

  // The inbox's colour, side and text, fetched once; on any failure the defaults stay.
  // Hidden until then (3 s at most), so it does not flash the default look first.
  let settled = false
  const shown = () => {
    settled = true
    render()
  }
  fetch(`${origin}/api/widget/config?inbox=${encodeURIComponent(token)}`, { credentials: 'omit' })
    .then((response) => response.ok && response.json())
    .then((config) => {
      look = lookOf(config)
    })
    .catch(() => {})
    .then(shown)
  setTimeout(shown, 3000)

  // Until the frame says ready it still holds about:blank, which postMessage cannot target.
  let frameReady = false
  // identify()/reset() wait for the frame (it loads on first open) and are sent once.
  let pending: unknown[] = []
  const send = (message: unknown) => frame?.contentWindow?.postMessage(message, origin)
  const post = () => {
    if (!frameReady) return
    send({ kefu: isOpen ? 'open' : 'closed' })
    for (const message of pending) send(message)
    pending = []
  }
  const later = (message: unknown) => {
    pending.push(message)
    post()
  }

  const render = () => {
    if (!launcher || !badge || !shadow) return
    if (isOpen && !frame) {
      frame = document.createElement('iframe')
      frame.id = 'kefu-frame'
      frame.title = 'Kefu chat'
      // The chat's saved values, where the browser keeps a third-party frame from saving them.
      let kept = ''
      try {
        kept = localStorage.getItem(key) || ''
      } catch {}
      frame.src = `${origin}/widget/frame?inbox=${encodeURIComponent(token)}&host=${encodeURIComponent(location.origin)}#${encodeURIComponent(kept)}`
      shadow.appendChild(frame)
      launcher.setAttribute('aria-controls', frame.id)
    }
    frame?.classList.toggle('open', isOpen)
    frame?.classList.toggle('l', look.left)
    launcher.classList.toggle('l', look.left)
    launcher.classList.toggle('p', !!look.text)
    launcher.classList.toggle('w', !settled)
    if (look.color) launcher.style.setProperty('--c', look.color)
    pill!.textContent = look.text
    launcher.setAttribute('aria-expanded', String(isOpen))
    launcher.setAttribute(
      'aria-label',
      LABELS[lang][isOpen ? 1 : 0] + (unread && !isOpen ? ` (${unread})` : ''),
    )
    badge.textContent = unread > 99 ? '99+' : String(unread)
    badge.hidden = !unread
    // Unread replies show in the tab's title too, as "(2) " before the page's own title; the
    // prefix is ours only while it is there (the page may retitle itself meanwhile).
    const title = document.title
    const base = mark && title.startsWith(mark) ? title.slice(mark.length) : title
    mark = unread ? `(${unread}) ` : ''
    if (title !== mark + base) document.title = mark + base
    post()
  }

  const setOpen = (open: boolean, moveFocus?: boolean) => {
    if (open === isOpen) return
    isOpen = open
    render()
    events.emit(open ? 'open' : 'close')
    // Keyboard users land in the chat on open and back on the launcher on close.
    if (moveFocus) (open ? frame : launcher)?.focus()
  }

  const api: KefuApi = {
    open: () => setOpen(true, true),
    close: () => setOpen(false, true),
    toggle: () => setOpen(!isOpen, true),
    identify: (identity) => later({ kefu: 'identify', identity }),
    reset: () => later({ kefu: 'reset' }),
    setLocale: (locale: unknown) => {
      if (!isLang(locale)) return
      lang = locale
      render()
      later({ kefu: 'locale', locale })
    },
    on: events.on,
    off: events.off,
    // The snippet's `Kefu.push([...])` keeps working once the loader has replaced the queue.
    push: (...items: unknown[]) => replay(items, api),
  }
  w.Kefu = api

  addEventListener('message', (event) => {
    // Only the chat frame, from the Kefu server, may drive the launcher.
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return
    const data = event.data as { kefu?: unknown; count?: unknown; values?: unknown } | null
    if (data?.kefu === 'ready') {
      frameReady = true
      // Focus given to the frame while it was still loading stays on the element and never
      // reaches the chat's document (a cross-site frame): give it again now that it is there.
      if (isOpen && shadow?.activeElement === frame) {
        frame.blur()
        frame.focus()
      }
      post()
    } else if (data?.kefu === 'close') setOpen(false, true)
    else if (data?.kefu === 'message') events.emit('message')
    else if (data?.kefu === 'store') {
      try {
        localStorage.setItem(key, String(data.values))
      } catch {}
    } else if (data?.kefu === 'unread') {
      const count = Math.max(0, Math.floor(Number(data.count)) || 0)
      if (count === unread) return
      unread = count
      render()
      events.emit('unread', count)
    }
  })

  const mount = () => {
    const root = document.createElement('div')
    root.id = 'kefu-root'
    // Inline, so no host rule (transform, display, filter…) can move the fixed children.
    root.setAttribute('style', 'all:initial')
    shadow = root.attachShadow({ mode: 'open' })
    shadow.innerHTML = `<style>${styles}</style><button id="kefu-launcher" type="button"><svg class="a" viewBox="0 0 24 24" aria-hidden="true"><path d="${BUBBLE}"/></svg><svg class="b" viewBox="0 0 24 24" aria-hidden="true"><path d="${CROSS}"/></svg><span id="kefu-text" aria-hidden="true"></span><span id="kefu-badge" aria-hidden="true" hidden></span></button>`
    launcher = shadow.querySelector('button')!
    pill = shadow.getElementById('kefu-text')!
    badge = shadow.getElementById('kefu-badge')!
    launcher.addEventListener('click', () => setOpen(!isOpen, true))
    shadow.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Escape' && isOpen) setOpen(false, true)
    })
    document.body.appendChild(root)
    render()
    // Calls made before this script ran: 'open', or ['identify', {…}].
    replay(queued, api)
  }

  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount)
}

const script = findScript()
const token = script?.dataset.inbox
// A second copy of the tag must not draw a second launcher.
if (script && token && !(w.Kefu && !Array.isArray(w.Kefu))) start(script, token)
