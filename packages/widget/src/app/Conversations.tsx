// The visitor's own conversations: the header buttons that reach them (and mute the reply tone),
// and the list that opens one or starts a new one. The state lives in Chat (./chat).
import type { Locale } from '@kefu/protocol'
import { ENTRY, focusIn } from './browser'
import type { Chat, ChatSnapshot } from './chat'
import { dateFormat } from './format'
import { Icon } from './Icon'
import type { Strings } from './i18n'
import './conversations.css'

interface Props {
  chat: Chat
  snapshot: ChatSnapshot
  t: Strings
}

const LIST = 'M4 6h16v2H4zm0 5h16v2H4zm0 5h11v2H4z'
const BACK = 'M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z'
const BELL =
  'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z'
const SLASH = 'M3.4 2 2 3.4 20.6 22l1.4-1.4z'

/**
 * After the view changed, the focus goes where the visitor goes on, never to the page: the
 * composer (or the form in its place), or the list's first button. After the redraw, hence later.
 */
const focusSoon = (selector: string) => setTimeout(() => focusIn(null, selector))

export function HeaderActions({ chat, snapshot, t }: Props) {
  const { view, unreadElsewhere: elsewhere, muted, config, phase } = snapshot
  if (phase !== 'ready') return null
  const listing = view === 'list'
  const label = listing ? t.back : t.conversations
  return (
    <>
      {/* The same rule as the tone itself (main.tsx): on unless the inbox turned it off. */}
      {config?.inbox.sound !== false && (
        <button
          type="button"
          class="close hbtn"
          data-testid="mute"
          aria-pressed={muted}
          aria-label={t.mute}
          title={muted ? t.unmute : t.mute}
          onClick={() => chat.setMuted(!muted)}
        >
          <Icon d={BELL}>{muted && <path d={SLASH} />}</Icon>
        </button>
      )}
      <button
        type="button"
        class="close hbtn"
        data-testid="conversations-button"
        aria-label={!listing && elsewhere ? `${label} (${t.unreadReplies(elsewhere)})` : label}
        title={label}
        onClick={() => {
          if (listing) chat.showChat()
          else chat.showList()
          focusSoon(listing ? ENTRY : '.convs button')
        }}
      >
        <Icon d={listing ? BACK : LIST} />
        {!listing && elsewhere > 0 && (
          <span class="hbadge" data-testid="elsewhere-badge" aria-hidden="true">
            {elsewhere > 99 ? '99+' : elsewhere}
          </span>
        )}
      </button>
    </>
  )
}

export function ConversationList({ chat, snapshot, t, locale }: Props & { locale: Locale }) {
  const { conversations } = snapshot
  return (
    <section class="convs" data-testid="conversation-list" aria-label={t.conversations}>
      <p class="convs-title">{t.conversations}</p>
      <button
        type="button"
        class="csat-send"
        data-testid="new-conversation"
        onClick={() => {
          chat.startConversation()
          focusSoon(ENTRY)
        }}
      >
        {t.newConversation}
      </button>
      {conversations === null ? (
        <p class="empty">{t.loading}</p>
      ) : (
        <ul>
          {conversations.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class={c.unreadCount ? 'conv unread' : 'conv'}
                data-testid="conversation-item"
                data-id={c.id}
                data-unread={c.unreadCount}
                onClick={() => {
                  void chat.openConversation(c.id)
                  focusSoon(ENTRY)
                }}
              >
                <span class="conv-text">
                  {c.lastMessage?.direction === 'outgoing' && `${t.support}: `}
                  {c.lastMessage ? c.lastMessage.text || '📎' : '…'}
                </span>
                <span class="conv-meta">
                  {c.status === 'resolved' && `${t.resolved} · `}
                  {when(c.lastMessage?.createdAt ?? c.createdAt, locale)}
                </span>
                {c.unreadCount > 0 && (
                  <span class="hbadge" role="img" aria-label={t.unreadReplies(c.unreadCount)}>
                    {c.unreadCount > 99 ? '99+' : c.unreadCount}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** Today: the time; before: the date. */
function when(at: number, locale: Locale): string {
  const today = new Date().toDateString() === new Date(at).toDateString()
  return dateFormat(locale, today ? { timeStyle: 'short' } : { dateStyle: 'medium' }).format(at)
}
