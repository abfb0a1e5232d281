import type { Id, MessageDTO } from '@kefu/protocol'
import { useLayoutEffect, useRef } from 'preact/hooks'
import { activityText, clockTime, contactName, dayLabel, fullDateTime } from '../format'
import { locale, t } from '../i18n'
import { seenMessageId } from '../receipts'
import {
  agentName,
  discardMessage,
  emailDetails,
  inboxKind,
  me,
  now,
  retryMessage,
  seen,
  selectedConversation,
  timelines,
} from '../store'
import { emptyTimeline, type PendingMessage, timelineEntries } from '../timeline'
import { DeliveryStatus, EmailContent } from './EmailMessage'
import { MessageFiles } from './Files'
import { LockIcon } from './icons'
import { MessageText } from './MessageText'

/** Within this many pixels of the bottom the agent is following along, so new messages scroll in. */
const STICK_DISTANCE = 120

export function Timeline(props: { conversationId: Id; loading: boolean }) {
  const timeline = timelines.value.get(props.conversationId) ?? emptyTimeline
  const entries = timelineEntries(timeline)
  const seenId = seenMessageId(timeline.messages, seen.value.get(props.conversationId) ?? 0)
  const conversation = selectedConversation.value
  const email =
    conversation?.id === props.conversationId && inboxKind(conversation.inboxId) === 'email'
  const scroller = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const lastPending = timeline.pending.length

  // Email headers arrive after the messages; a reader following along stays at the bottom.
  const details = email ? emailDetails.value : null

  useLayoutEffect(() => {
    const el = scroller.current
    if (el && stick.current) el.scrollTop = el.scrollHeight
  }, [entries.length, lastPending, details])

  const words = {
    today: t('timeline.today'),
    yesterday: t('timeline.yesterday'),
    now: t('time.now'),
  }

  return (
    <div
      class="timeline"
      ref={scroller}
      role="log"
      aria-label={t('timeline.label')}
      onScroll={(e) => {
        const el = e.currentTarget
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_DISTANCE
      }}
    >
      {entries.length === 0 && (
        <p class="timeline-empty muted">
          {props.loading ? t('conversation.loading') : t('conversation.empty')}
        </p>
      )}
      {entries.map((entry) => {
        if (entry.kind === 'day') {
          return (
            <div key={entry.key} class="day-separator">
              <span>{dayLabel(entry.at, now.value, locale.value, words)}</span>
            </div>
          )
        }
        if (entry.kind === 'pending') {
          return <PendingBubble key={entry.key} message={entry.message} email={email} />
        }
        return (
          <MessageBubble
            key={entry.key}
            message={entry.message}
            email={email}
            seen={entry.message.id === seenId}
          />
        )
      })}
    </div>
  )
}

function authorName(message: MessageDTO): string {
  if (message.author.type === 'contact') {
    const contact = selectedConversation.value?.contact
    return (
      message.author.name ??
      (contact ? contactName(contact, t('contact.visitor')) : t('contact.visitor'))
    )
  }
  if (message.author.type === 'system') return t('timeline.system')
  return message.author.name ?? agentName(message.author.id) ?? t('timeline.agent')
}

function MessageBubble(props: { message: MessageDTO; email: boolean; seen?: boolean }) {
  const m = props.message
  const lang = locale.value
  if (m.direction === 'activity') {
    return (
      <div
        class="activity"
        data-testid="message"
        data-direction="activity"
        data-id={m.id}
        data-state="sent"
      >
        <span>{activityText(m, lang)}</span>
        <time
          dateTime={new Date(m.createdAt).toISOString()}
          title={fullDateTime(m.createdAt, lang)}
        >
          {clockTime(m.createdAt, lang)}
        </time>
        {m.delivery && (
          // An email sent about a chat (continuity): how it fares, with a retry when it failed.
          <DeliveryStatus
            conversationId={m.conversationId}
            messageId={m.id}
            delivery={m.delivery}
          />
        )}
      </div>
    )
  }
  const mine = m.author.type === 'agent' && m.author.id === me.value?.agent.id
  const email = props.email && m.direction !== 'note'
  // Only pictures, no words: the pictures stand on their own, without a bubble around them.
  const picturesOnly =
    !email &&
    m.direction !== 'note' &&
    !m.text?.trim() &&
    (m.attachments?.length ?? 0) > 0 &&
    (m.attachments ?? []).every((a) => a.image && a.url)
  return (
    <div
      class={`message ${m.direction} ${mine ? 'mine' : ''} ${email ? 'email' : ''} ${picturesOnly ? 'pictures-only' : ''}`}
      data-testid="message"
      data-direction={m.direction}
      data-id={m.id}
      data-state="sent"
    >
      <div class="bubble">
        {m.direction === 'note' && (
          <div class="note-label">
            <LockIcon />
            {t('timeline.note')}
          </div>
        )}
        {email ? <EmailContent message={m} /> : m.text && <MessageText text={m.text} />}
        {m.attachments && (
          // An email lists its files itself; here its pictures get previews too.
          <MessageFiles files={email ? m.attachments.filter((a) => a.image) : m.attachments} />
        )}
      </div>
      <div class="message-meta">
        <span>{authorName(m)}</span>
        <span aria-hidden="true">·</span>
        <time
          dateTime={new Date(m.createdAt).toISOString()}
          title={fullDateTime(m.createdAt, lang)}
        >
          {clockTime(m.createdAt, lang)}
        </time>
        {m.direction === 'outgoing' && m.delivery && (
          <DeliveryStatus
            conversationId={m.conversationId}
            messageId={m.id}
            delivery={m.delivery}
          />
        )}
        {props.seen && (
          // Read receipt: the customer has seen the replies up to this one.
          <span class="seen" data-testid="seen">
            <span aria-hidden="true">·</span>
            {t('timeline.seen')}
          </span>
        )}
      </div>
    </div>
  )
}

function PendingBubble(props: { message: PendingMessage; email: boolean }) {
  const m = props.message
  const direction = m.private ? 'note' : 'outgoing'
  const failed = m.state === 'failed'
  const email = props.email && !m.private
  return (
    <div
      class={`message ${direction} mine pending ${failed ? 'failed' : ''} ${email ? 'email' : ''}`}
      data-testid="message"
      data-direction={direction}
      data-id={m.clientId}
      data-client-id={m.clientId}
      data-state={failed ? 'failed' : 'sending'}
    >
      <div class="bubble">
        {m.private && (
          <div class="note-label">
            <LockIcon />
            {t('timeline.note')}
          </div>
        )}
        {email && m.email && (
          <p class="email-recipients-line">
            {t('email.to')}: {m.email.to.join(', ')}
            {m.email.cc.length > 0 && ` · ${t('email.cc')}: ${m.email.cc.join(', ')}`}
          </p>
        )}
        <MessageText text={m.text} />
        {m.attachments && <MessageFiles files={m.attachments.map((a) => ({ ...a, url: null }))} />}
      </div>
      <div class="message-meta">
        {failed ? (
          <span class="failed-text" role="alert">
            {t('timeline.failed')}
            {m.error ? ` — ${m.error}` : ''}
            <button
              type="button"
              class="link-button"
              data-testid="retry"
              onClick={() => retryMessage(m.conversationId, m.clientId)}
            >
              {t('timeline.retry')}
            </button>
            <button
              type="button"
              class="link-button muted"
              onClick={() => discardMessage(m.conversationId, m.clientId)}
            >
              {t('timeline.discard')}
            </button>
          </span>
        ) : (
          <span>{t('timeline.sending')}</span>
        )}
      </div>
    </div>
  )
}
