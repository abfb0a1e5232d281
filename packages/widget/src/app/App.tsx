import type { Locale, PreChatField } from '@kefu/protocol'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { AttachButton, MessageFiles, useFileSender } from './Attachments'
import { statusLine } from './away'
import { ConversationList, HeaderActions } from './Conversations'
import { type Chat, type ChatSnapshot, type ConnectionState, MAX_MESSAGE_LENGTH } from './chat'
import type { Csat } from './csat'
import { dictionary, pickLocale, type Strings } from './i18n'
import { splitLinks } from './links'
import {
  autocompleteFor,
  MAX_PRECHAT_VALUE,
  type PreChatErrors,
  type PreChatProblem,
  preChatAnswers,
  preChatLabel,
  validatePreChat,
} from './prechat'
import { Faces, OfflineForm, OfflineThanks } from './presence'
import { themeFor } from './theme'
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

  const notice =
    phase === 'unavailable' || connection === 'online'
      ? null
      : connection === 'offline'
        ? t.offline
        : t.connecting

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
            title={statusText(connection, t)}
          />
        </div>
        <div class="titles">
          <h1>{snapshot.availability.teamName ?? config?.inbox.name ?? t.support}</h1>
          <p data-testid="status-line">{subtitle(snapshot, locale, t)}</p>
        </div>
        <HeaderActions chat={chat} snapshot={snapshot} t={t} />
        {embedded && (
          <button type="button" class="close" aria-label={t.close} onClick={onClose}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
            </svg>
          </button>
        )}
      </header>
      <div class="notice" role="status" data-state={connection}>
        {notice}
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
      {snapshot.offline.thanksTo && (
        <OfflineThanks email={snapshot.offline.thanksTo} locale={locale} />
      )}
      {snapshot.view === 'list' ? null : snapshot.offline.form ? (
        <OfflineForm chat={chat} t={t} locale={locale} problemText={problemText} />
      ) : (
        !snapshot.preChat && (
          <Composer chat={chat} t={t} locale={locale} disabled={phase !== 'ready'} />
        )
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
        <div class="bubble" title={formatTime(message.createdAt, locale)}>
          <MessageText text={message.text} />
        </div>
      )}
      {message.attachments && <MessageFiles files={message.attachments} />}
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
    <svg
      class={on ? 'on' : undefined}
      viewBox="0 0 24 24"
      width="26"
      height="26"
      aria-hidden="true"
    >
      <path d="M12 2.5l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17.3l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z" />
    </svg>
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
  const [values, setValues] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<PreChatErrors>({})
  const [sending, setSending] = useState(false)
  const [failed, setFailed] = useState(false)
  const form = useRef<HTMLFormElement>(null)

  useEffect(() => {
    // The form appears only once the session is loaded, after the host asked for the focus on
    // open: take it then, as the composer does, if the frame has it (and not on touch screens).
    if (document.hasFocus() && !matchMedia('(pointer: coarse)').matches) {
      form.current?.querySelector<HTMLElement>('input')?.focus()
    }
  }, [])

  const focusFirstError = (found: PreChatErrors) => {
    const key = fields.find((field) => found[field.key])?.key
    if (key) form.current?.querySelector<HTMLElement>(`[data-key="${key}"]`)?.focus()
  }

  const submit = async () => {
    if (sending) return
    const found = validatePreChat(fields, values)
    setErrors(found)
    setFailed(false)
    if (Object.keys(found).length) return focusFirstError(found)
    setSending(true)
    const result = await chat.submitPreChat(preChatAnswers(fields, values))
    if (result.ok) return
    setSending(false)
    setErrors(result.errors)
    setFailed(!Object.keys(result.errors).length)
    focusFirstError(result.errors)
  }

  return (
    <form
      class="prechat"
      data-testid="prechat"
      ref={form}
      noValidate
      aria-busy={sending}
      aria-labelledby="prechat-title"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <p class="prechat-title" id="prechat-title">
        {t.preChatTitle}
      </p>
      {fields.map((field) => {
        const id = `prechat-${field.key}`
        const problem = errors[field.key]
        return (
          <div class="prechat-row" key={field.key}>
            <label for={id}>
              {preChatLabel(field, locale)}
              {field.required && (
                <span class="prechat-mark" aria-hidden="true">
                  {' *'}
                </span>
              )}
            </label>
            <input
              id={id}
              data-testid="prechat-field"
              data-key={field.key}
              type={field.type}
              autocomplete={autocompleteFor(field)}
              maxLength={MAX_PRECHAT_VALUE}
              aria-required={field.required}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-error` : undefined}
              value={values[field.key] ?? ''}
              readOnly={sending}
              onInput={(event) => {
                const value = event.currentTarget.value
                setValues((current) => ({ ...current, [field.key]: value }))
              }}
            />
            {problem && (
              <span class="prechat-error" id={`${id}-error`} data-testid="prechat-error">
                {problemText(problem, t)}
              </span>
            )}
          </div>
        )
      })}
      {failed && (
        <p class="meta failed" role="alert">
          {t.preChatFailed}
        </p>
      )}
      <button type="submit" class="csat-send" data-testid="prechat-submit">
        {sending ? t.sending : t.preChatStart}
      </button>
    </form>
  )
}

function problemText(problem: PreChatProblem, t: Strings): string {
  return problem === 'required'
    ? t.required
    : problem === 'email'
      ? t.invalidEmail
      : problem === 'tel'
        ? t.invalidPhone
        : problem === 'long'
          ? t.tooLong
          : t.invalidField
}

interface ComposerProps {
  chat: Chat
  t: Strings
  locale: Locale
  disabled: boolean
}

function Composer({ chat, t, locale, disabled }: ComposerProps) {
  const [text, setText] = useState('')
  const ref = useRef<HTMLTextAreaElement>(null)
  const files = useFileSender(chat, locale)
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
    if (!disabled && document.hasFocus() && !matchMedia('(pointer: coarse)').matches) {
      ref.current?.focus()
    }
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
          if (pasted.length) void files.sendFiles(pasted)
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
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
        </svg>
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

const timeFormats = new Map<Locale, Intl.DateTimeFormat>()

function formatTime(millis: number, locale: Locale): string {
  let format = timeFormats.get(locale)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })
    timeFormats.set(locale, format)
  }
  return format.format(millis)
}

function isCssColor(color: string): boolean {
  return typeof CSS !== 'undefined' && CSS.supports('color', color)
}
