import { render } from 'preact'
import { App } from './App'
import { createWidgetApi } from './api'
import { connectToHost } from './bridge'
import {
  browserStorage,
  ENTRY,
  finePointer,
  focusIn,
  newClientId,
  openBrowserSocket,
} from './browser'
import { Chat } from './chat'
import { playTone, shouldRing, unlockAudio } from './notify'
import './styles.css'

const params = new URLSearchParams(location.search)
const inbox = params.get('inbox') ?? ''

const chat = new Chat({
  api: createWidgetApi({ baseUrl: location.origin, inbox }),
  inbox,
  socketUrl: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/widget/ws`,
  openSocket: openBrowserSocket,
  storage: browserStorage((values) => host.post({ kefu: 'store', values })),
  newClientId,
  isOnline: () => navigator.onLine !== false,
})

// The visitor sees the chat when the widget is open (always, outside a host page) and the page
// is visible: only then do replies count as read, and otherwise they ring and count as unread.
let widgetOpen = false
const inView = () => (widgetOpen || !host.embedded) && document.visibilityState === 'visible'

const host = connectToHost(params.get('host'), (message) => {
  if (message.kefu === 'identify') return void chat.identify(message.identity)
  if (message.kefu === 'reset') return void chat.reset()
  if (message.kefu === 'locale') return chat.setLocale(message.locale)
  const open = message.kefu === 'open'
  // The loader repeats its state whenever it redraws; only opening may move the focus.
  const opening = open && !widgetOpen
  widgetOpen = open
  chat.setVisible(inView())
  // Touch screens would pop the keyboard over the conversation; let the visitor tap instead.
  if (opening && finePointer()) focusIn(null, ENTRY)
})
chat.onUnread = (count) => host.post({ kefu: 'unread', count })
chat.onAgentMessage = () => {
  host.post({ kefu: 'message' })
  const { config, muted } = chat.getSnapshot()
  if (shouldRing({ visible: inView(), sound: config?.inbox.sound !== false, muted })) playTone()
}
// Opened on its own (no host page), the chat is in view whenever its page is.
chat.setVisible(inView())
for (const gesture of ['pointerdown', 'keydown']) addEventListener(gesture, unlockAudio)

const close = () => host.post({ kefu: 'close' })

addEventListener('online', () => chat.networkChanged(true))
addEventListener('offline', () => chat.networkChanged(false))
document.addEventListener('visibilitychange', () => {
  chat.setVisible(inView())
  // Background tabs get their sockets throttled or cut; come back connected without waiting.
  if (document.visibilityState === 'visible' && navigator.onLine) chat.networkChanged(true)
})
document.addEventListener('keydown', (event) => {
  // Keys pressed inside the frame never reach the host page, so Escape is handled here too.
  if (event.key === 'Escape' && !event.isComposing && host.embedded) close()
})

render(
  <App
    chat={chat}
    embedded={host.embedded}
    onClose={close}
    languages={navigator.languages?.length ? navigator.languages : [navigator.language]}
  />,
  document.getElementById('app')!,
)
host.post({ kefu: 'ready' })
void chat.start()
