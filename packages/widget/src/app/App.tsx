import type { Locale, PreChatField } from '@kefu/protocol'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { AttachButton, MessageFiles, useFileSender } from './Attachments'
import { statusLine } from './away'
import { ENTRY, focusIn } from './browser'
import { ConversationList, HeaderActions } from './Conversations'
import { type Chat, type ChatSnapshot, type ConnectionState, MAX_MESSAGE_LENGTH } from './chat'
import type { Csat } from './csat'
import { Form } from './Form'
import { dateFormat } from './format'
import { Icon } from './Icon'
import { dictionary, pickLocale, type Strings } from './i18n'
import { splitLinks } from './links'
import {
  autocompleteFor,
  MAX_PRECHAT_VALUE,
  preChatAnswers,
  preChatLabel,
  validatePreChat,
} from './prechat'
import { Faces, OfflineForm, OfflineThanks } from './presence'
import { isCssColor, themeFor } from './theme'
import { readMarkKey, type TimelineMessage } from './timeline'

export interface AppProps {
  chat: Chat
  /** Inside a host page: show the close button. */
  embedded: boolean
  onClose: () => void
  languages: readonly string[]
}

export function App({ chat, embedded, onClose, languages }: AppProps) {
  const snapshot = useSnapshot(chat)
  const { phase, config, connection } = snapshot
  const locale = appLocale(snapshot, languages)
  const t = dictionary[locale]
  const theme = themeFor(config?.inbox.color, isCssColor)
  const faces = snapshot.availability.agents

  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])

  const status = statusText(connection, t)

  return (
    <div
      class="kefu"
      style={{
        '--kefu-color': theme.color,
        '--kefu-on-color': theme.onColor,
        '--kefu-on-color-soft': theme.onColorSoft,
      }}
    >
      <header class="head">
        <div class={faces.length ? 'avatar has-faces' : 'avatar'} aria-hidden="true">
          {faces.length ? (
            <Faces agents={faces} />
          ) : (
            initial(snapshot.availability.teamName ?? config?.inbox.name)
          )}
          <span
            class="dot"
            data-testid="connection"
            data-state={connection}
            data-away={snapshot.availability.canAnswer ? undefined : ''}
            title={status}
          />
        </div>
        <div class="titles">
          <h1>{snapshot.availability.teamName ?? config?.inbox.name ?? t.support}</h1>
          <p data-testid="status-line">{subtitle(snapshot, locale, t)}</p>
        </div>
        <HeaderActions chat={chat} snapshot={snapshot} t={t} />
        {embedded && (
          <button type="button" class="close" aria-label={t.close} onClick={onClose}>
            <Icon d="M6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
          </button>
        )}
      </header>
      <div class="notice" role="status" data-state={connection}>
        {phase === 'unavailable' || connection === 'online' ? null : status}
      </div>
      {phase === 'unavailable' ? (
        <p class="unavailable">{t.unavailable}</p>
      ) : snapshot.view === 'list' ? (
        <ConversationList chat={chat} snapshot={snapshot} t={t} locale={locale} />
      ) : snapshot.preChat && !snapshot.offline.form ? (
        <PreChatForm chat={chat} fields={snapshot.preChat} t={t} locale={locale} />
      ) : (
        <Log
          snapshot={snapshot}
          t={t}
          locale={locale}
          onRetry={(id) => chat.retry(id)}
          onRate={(score, comment) => void chat.rate(score, comment)}
        />
      )}
      {snapshot.offline.thanksTo && <OfflineThanks email={snapshot.offline.thanksTo} t={t} />}
      {snapshot.view === 'list' ? null : snapshot.offline.form ? (
        <OfflineForm chat={chat} t={t} />
      ) : (
        !snapshot.preChat && <Composer chat={chat} t={t} disabled={phase !== 'ready'} />
      )}
    </div>
  )
}

/** The host page's Kefu.setLocale() first, then the inbox's locale, then the browser's. */
export function appLocale(snapshot: ChatSnapshot, languages: readonly string[]): Locale {
  return pickLocale(snapshot.locale ?? snapshot.config?.inbox.locale, languages)
}

function useSnapshot(chat: Chat): ChatSnapshot {
  const [snapshot, setSnapshot] = useState(() => chat.getSnapshot())
  useEffect(() => {
    setSnapshot(chat.getSnapshot())
    return chat.subscribe(() => setSnapshot(chat.getSnapshot()))
  }, [chat])
  return snapshot
}

interface LogProps {
  snapshot: ChatSnapshot
  t: Strings
  locale: Locale
  onRetry: (clientId: string) => void
  onRate: (score: number, comment: string) => void
}

function Log({ snapshot, t, locale, onRetry, onRate }: LogProps) {
  const { messages, agentTyping, phase, csat } = snapshot
  const readKey = readMarkKey(messages, snapshot.readSeq)
  const ref = useRef<HTMLDivElement>(null)
  // Follow new messages only while the visitor is reading the end, not older history.
  const following = useRef(true)
  const last = messages.at(-1)

  useLayoutEffect(() => {
    const log = ref.current
    if (!log) return
    if (following.current || (last?.direction === 'incoming' && last.state === 'sending')) {
      log.scrollTop = log.scrollHeight
    }
  }, [messages, agentTyping, last, csat])

  const onScroll = () => {
    const log = ref.current
    if (log) following.current = log.scrollHeight - log.scrollTop - log.clientHeight < 48
  }

  return (
    <div class="log" ref={ref} role="log" aria-label={t.conversation} onScroll={onScroll}>
      {messages.length === 0 && phase === 'ready' && (
        <p class="empty">{snapshot.config?.inbox.greeting || t.empty}</p>
      )}
      {phase === 'loading' && <p class="empty">{t.loading}</p>}
      {messages.map((message, index) => {
        const previous = messages[index - 1]
        const startsGroup =
          previous?.direction !== message.direction || previous.authorName !== message.authorName
        return (
          <Bubble
            key={message.key}
            message={message}
            startsGroup={startsGroup}
            t={t}
            locale={locale}
            onRetry={onRetry}
            read={message.key === readKey}
          />
        )
      })}
      {csat && <RatingCard key={csat.conversationId} csat={csat} t={t} onRate={onRate} />}
      {agentTyping && (
        <div class="typing" data-testid="typing">
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {t.typing(agentTyping.name)}
        </div>
      )}
    </div>
  )
}

interface BubbleProps {
  message: TimelineMessage
  startsGroup: boolean
  t: Strings
  locale: Locale
  onRetry: (clientId: string) => void
  /** The team has read up to this message of the visitor's. */
  read?: boolean
}

function Bubble({ message, startsGroup, t, locale, onRetry, read }: BubbleProps) {
  const { direction, state, clientId } = message
  const time = formatTime(message.createdAt, locale)
  return (
    <div
      class={startsGroup ? `msg ${direction} first` : `msg ${direction}`}
      data-testid="message"
      data-direction={direction}
      data-state={state}
      data-id={message.id ?? undefined}
    >
      {startsGroup && direction === 'outgoing' && (
        <span class="author">{message.authorName || t.support}</span>
      )}
      {message.text && (
        <div class="bubble" title={time}>
          <MessageText text={message.text} />
        </div>
      )}
      {message.attachments && (
        <MessageFiles files={message.attachments} title={message.text ? undefined : time} />
      )}
      {state === 'sending' && <span class="meta sending">{t.sending}</span>}
      {state === 'failed' && clientId && (
        <span class="meta failed">
          {t.failed}{' '}
          <button type="button" class="retry" onClick={() => onRetry(clientId)}>
            {t.retry}
          </button>
        </span>
      )}
      {read && (
        <span class="meta read" data-testid="read-receipt">
          {t.read}
        </span>
      )}
    </div>
  )
}

const SCORES = [1, 2, 3, 4, 5]

interface RatingCardProps {
  csat: Csat
  t: Strings
  onRate: (score: number, comment: string) => void
}

/** "How did we do?": five stars and an optional comment, then thanks (and a way to change it). */
function RatingCard({ csat, t, onRate }: RatingCardProps) {
  const { sent, status } = csat
  const [editing, setEditing] = useState(false)
  const [score, setScore] = useState(sent?.score ?? 0)
  const [comment, setComment] = useState(sent?.comment ?? '')
  const card = useRef<HTMLDivElement>(null)
  // Where the keyboard focus goes once the view switches, so it is never dropped on the page.
  const focusNext = useRef<string | null>(null)
  const thanked = sent !== null && !editing

  // A rating the server accepted closes the form.
  useEffect(() => setEditing(false), [sent])

  useLayoutEffect(() => {
    const selector = focusNext.current
    if (!selector || (selector === '.csat-change') !== thanked) return
    focusNext.current = null
    card.current?.querySelector<HTMLElement>(selector)?.focus()
  }, [thanked])

  if (thanked) {
    return (
      <div class="csat" data-testid="csat" ref={card}>
        <div class="csat-thanks" data-testid="csat-thanks" data-score={sent.score} role="status">
          <p class="csat-title">{t.rateThanks}</p>
          <span class="stars given" role="img" aria-label={t.rated(sent.score)}>
            {SCORES.map((n) => (
              <Star key={n} on={n <= sent.score} />
            ))}
          </span>
          {sent.comment && <p class="csat-said">{sent.comment}</p>}
        </div>
        <button
          type="button"
          class="retry csat-change"
          onClick={() => {
            setScore(sent.score)
            setComment(sent.comment ?? '')
            focusNext.current = '.star[aria-pressed="true"]'
            setEditing(true)
          }}
        >
          {t.rateChange}
        </button>
      </div>
    )
  }

  const sending = status === 'sending'
  const submit = () => {
    if (!score || sending) return
    focusNext.current = '.csat-change'
    onRate(score, comment)
  }
  return (
    <div class="csat" data-testid="csat" ref={card}>
      <form
        aria-busy={sending}
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
      >
        <fieldset class="csat-field">
          <legend class="csat-title">{t.rateAsk}</legend>
          <div class="stars">
            {SCORES.map((n) => (
              <button
                key={n}
                type="button"
                class="star"
                data-testid="csat-star"
                data-score={n}
                aria-label={t.stars(n)}
                aria-pressed={n === score}
                onClick={() => {
                  if (!sending) setScore(n)
                }}
              >
                <Star on={n <= score} />
              </button>
            ))}
          </div>
        </fieldset>
        <textarea
          class="csat-comment"
          data-testid="csat-comment"
          rows={2}
          maxLength={1000}
          placeholder={t.rateComment}
          aria-label={t.rateComment}
          value={comment}
          readOnly={sending}
          onInput={(event) => setComment(event.currentTarget.value)}
        />
        {status === 'failed' && (
          <p class="meta failed" role="alert">
            {t.rateFailed}
          </p>
        )}
        <button type="submit" class="csat-send" data-testid="csat-send" disabled={!score}>
          {sending ? t.sending : t.send}
        </button>
      </form>
    </div>
  )
}

function Star({ on }: { on: boolean }) {
  return (
    <Icon
      class={on ? 'on' : undefined}
      size={26}
      d="M12 2.5l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17.3l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z"
    />
  )
}

/** Text stays text (Preact escapes it); only verified http(s) URLs become links. */
function MessageText({ text }: { text: string }) {
  let offset = 0
  return (
    <>
      {splitLinks(text).map((part) => {
        const key = offset
        offset += part.text.length
        return part.href ? (
          <a key={key} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={key}>{part.text}</span>
        )
      })}
    </>
  )
}

interface PreChatFormProps {
  chat: Chat
  fields: PreChatField[]
  t: Strings
  locale: Locale
}

/** Asked before the first message; the composer takes its place once the server stored it. */
function PreChatForm({ chat, fields, t, locale }: PreChatFormProps) {
  return (
    <Form
      name="prechat"
      title={t.preChatTitle}
      submitLabel={t.preChatStart}
      t={t}
      fields={fields.map((field) => ({
        key: field.key,
        label: preChatLabel(field, locale),
        type: field.type,
        required: field.required,
        autocomplete: autocompleteFor(field),
        max: MAX_PRECHAT_VALUE,
      }))}
      validate={(values) => validatePreChat(fields, values)}
      send={(values) => chat.submitPreChat(preChatAnswers(fields, values))}
    />
  )
}

interface ComposerProps {
  chat: Chat
  t: Strings
  disabled: boolean
}

function Composer({ chat, t, disabled }: ComposerProps) {
  const [text, setText] = useState('')
  const ref = useRef<HTMLTextAreaElement>(null)
  const files = useFileSender(chat, t)
  const remaining = MAX_MESSAGE_LENGTH - text.length

  useLayoutEffect(() => {
    // Grow with the text up to the CSS max-height, then scroll.
    const area = ref.current
    if (!area) return
    area.style.height = 'auto'
    area.style.height = `${area.scrollHeight + 2}px`
  }, [text])

  useEffect(() => {
    // The host asks for focus on open, but the composer only becomes usable once the session is
    // loaded; take the focus then if the frame still has it.
    if (!disabled) focusIn(null, ENTRY, true)
  }, [disabled])

  const submit = () => {
    if (chat.send(text)) setText('')
    ref.current?.focus()
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
    >
      {remaining <= 500 && (
        <span class="counter" aria-live="polite">
          {t.charactersLeft(remaining)}
        </span>
      )}
      {files.status}
      <AttachButton disabled={disabled} sender={files} />
      <textarea
        ref={ref}
        data-testid="composer"
        rows={1}
        value={text}
        maxLength={MAX_MESSAGE_LENGTH}
        placeholder={t.placeholder}
        aria-label={t.placeholder}
        disabled={disabled}
        onInput={(event) => {
          const value = event.currentTarget.value
          setText(value)
          chat.noteTyping(value)
        }}
        onPaste={(event) => {
          // A pasted screenshot is sent like a picked file.
          const pasted = [...(event.clipboardData?.files ?? [])]
          if (pasted.length && !disabled) void files.sendFiles(pasted)
        }}
        onKeyDown={(event) => {
          // Enter while an IME is composing (Chinese input) picks a candidate, it must not send.
          const composing = event.isComposing || event.keyCode === 229
          if (event.key === 'Enter' && !event.shiftKey && !composing) {
            event.preventDefault()
            submit()
          }
        }}
      />
      <button
        type="submit"
        class="send"
        data-testid="send"
        aria-label={t.send}
        title={t.send}
        disabled={disabled || !text.trim()}
      >
        <Icon d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
      </button>
    </form>
  )
}

/** The team's promise: "Typically replies in …", or when it is back, in the visitor's clock. */
function subtitle(snapshot: ChatSnapshot, locale: Locale, t: Strings): string {
  if (snapshot.phase === 'loading') return t.loading
  if (!snapshot.config) return ''
  const { availability, agentSeen } = snapshot
  return statusLine({ availability, agentSeen, now: Date.now(), locale })
}

function statusText(connection: ConnectionState, t: Strings): string {
  return connection === 'online' ? t.online : connection === 'offline' ? t.offline : t.connecting
}

function initial(name: string | undefined): string {
  return name ? ([...name.trim()][0]?.toUpperCase() ?? '') : ''
}

function formatTime(millis: number, locale: Locale): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(millis)
}
