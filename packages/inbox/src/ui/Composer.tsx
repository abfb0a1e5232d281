import type { Id, MaxMessageLength } from '@kefu/protocol'
import { useEffect, useRef, useState } from 'preact/hooks'
import { t } from '../i18n'
import { type ParsedRecipients, parseRecipients, readRecipients } from '../recipients'
import { drafts, noteTyping, sendMessage, stopTyping } from '../store'
import { AttachButton, ComposerFiles, useComposerFiles } from './Files'
import { LockIcon, SendIcon } from './icons'

const MAX_LENGTH: MaxMessageLength = 10_000

type Mode = 'reply' | 'note'

interface RecipientFields {
  to: string
  cc: string
  bcc: string
  open: boolean
}

/**
 * `email`: the conversation is an email thread; replies get To (the customer's address by
 * default) and, on request, Cc and Bcc.
 */
export function Composer(props: {
  conversationId: Id
  email?: boolean
  contactEmail?: string | null
}) {
  const { conversationId } = props
  const email = props.email === true
  const saved = drafts.get(conversationId)
  const [text, setText] = useState(saved?.text ?? '')
  const [mode, setMode] = useState<Mode>(saved?.mode ?? 'reply')
  const [recipients, setRecipients] = useState<RecipientFields>(
    saved?.email ?? { to: props.contactEmail ?? '', cc: '', bcc: '', open: false },
  )
  const input = useRef<HTMLTextAreaElement>(null)
  const files = useComposerFiles(conversationId)

  useEffect(() => {
    drafts.set(conversationId, { text, mode, ...(email ? { email: recipients } : {}) })
  }, [conversationId, text, mode, recipients, email])

  const emailReply = email && mode === 'reply'
  const checked = emailReply ? readRecipients(recipients) : null
  const over = text.length - MAX_LENGTH
  const hasFiles = files.files.length > 0
  const canSend =
    (text.trim().length > 0 || hasFiles) &&
    over <= 0 &&
    files.uploading === null &&
    (checked === null || checked.ok)

  const send = () => {
    if (!canSend) return
    void sendMessage({
      conversationId,
      text: text.trim(),
      private: mode === 'note',
      ...(checked?.ok ? { email: checked.recipients } : {}),
      ...(hasFiles ? { attachments: files.files } : {}),
    })
    setText('')
    files.clear()
    // The next reply goes to the same people; a blind copy is chosen each time.
    if (emailReply) setRecipients((r) => ({ ...r, bcc: '' }))
    drafts.delete(conversationId)
    input.current?.focus()
  }

  const switchMode = (next: Mode) => {
    // The customer must not see "agent is typing" for words they will never receive.
    if (next === 'note') stopTyping()
    setMode(next)
    input.current?.focus()
  }

  return (
    <form
      class={`composer mode-${mode} ${email ? 'composer-email' : ''}`}
      onSubmit={(e) => {
        e.preventDefault()
        send()
      }}
    >
      <fieldset class="composer-modes">
        <legend class="sr-only">{t('composer.mode')}</legend>
        <button
          type="button"
          data-testid="mode-reply"
          class={mode === 'reply' ? 'active' : ''}
          aria-pressed={mode === 'reply'}
          onClick={() => switchMode('reply')}
        >
          {t('composer.reply')}
        </button>
        <button
          type="button"
          data-testid="mode-note"
          class={mode === 'note' ? 'active' : ''}
          aria-pressed={mode === 'note'}
          onClick={() => switchMode('note')}
        >
          <LockIcon />
          {t('composer.note')}
        </button>
      </fieldset>
      {emailReply && (
        <Recipients
          fields={recipients}
          showMissing={text.trim().length > 0}
          onChange={(next) => setRecipients(next)}
        />
      )}
      <textarea
        ref={input}
        data-testid="reply-input"
        rows={3}
        value={text}
        aria-label={mode === 'note' ? t('composer.note') : t('composer.reply')}
        placeholder={
          mode === 'note' ? t('composer.notePlaceholder') : t('composer.replyPlaceholder')
        }
        onInput={(e) => {
          const value = e.currentTarget.value
          setText(value)
          noteTyping(conversationId, { mode, text: value })
        }}
        onBlur={() => stopTyping()}
        onKeyDown={(e) => {
          // While an IME is composing (pinyin, zhuyin), Enter picks a candidate; it must not send.
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return
          e.preventDefault()
          send()
        }}
        onPaste={(e) => {
          // A screenshot pasted into the reply is attached like a picked file.
          const pasted = [...(e.clipboardData?.files ?? [])].filter((f) =>
            f.type.startsWith('image/'),
          )
          if (pasted.length) void files.add(pasted)
        }}
      />
      <ComposerFiles state={files} />
      <div class="composer-foot">
        <AttachButton state={files} />
        <span class={`muted composer-hint ${over > 0 ? 'over' : ''}`}>
          {over > 0 ? t('composer.tooLong', { count: over }) : t('composer.hint')}
        </span>
        <button
          type="submit"
          data-testid="reply-send"
          class={`button ${mode === 'note' ? 'note' : 'primary'} icon-text`}
          disabled={!canSend}
        >
          <SendIcon />
          {mode === 'note' ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </form>
  )
}

function problem(parsed: ParsedRecipients, required: boolean, showMissing: boolean) {
  if (parsed.invalid.length > 0) {
    return t('composer.invalidRecipients', { list: parsed.invalid.join(', ') })
  }
  if (parsed.tooMany) return t('composer.tooManyRecipients')
  if (required && showMissing && parsed.addresses.length === 0) return t('composer.noRecipient')
  return null
}

function Recipients(props: {
  fields: RecipientFields
  showMissing: boolean
  onChange: (next: RecipientFields) => void
}) {
  const { fields, onChange } = props
  const problems = {
    to: problem(parseRecipients(fields.to), true, props.showMissing),
    cc: problem(parseRecipients(fields.cc), false, false),
    bcc: problem(parseRecipients(fields.bcc), false, false),
  }
  const row = (field: 'to' | 'cc' | 'bcc', label: string) => (
    <label class={`recipient-row ${problems[field] ? 'invalid' : ''}`}>
      <span class="recipient-label">{label}</span>
      <input
        data-testid={`email-${field}`}
        type="text"
        inputMode="email"
        autocomplete="off"
        spellcheck={false}
        value={fields[field]}
        aria-invalid={problems[field] ? true : undefined}
        aria-describedby={problems[field] ? `recipient-error-${field}` : undefined}
        placeholder={field === 'to' ? undefined : t('composer.recipientsHint')}
        onInput={(e) => onChange({ ...fields, [field]: e.currentTarget.value })}
        onKeyDown={(e) => {
          // Enter in an address field must not send the reply.
          if (e.key === 'Enter') e.preventDefault()
        }}
      />
      {field === 'to' && (
        <button
          type="button"
          class="link-button recipient-toggle"
          data-testid="email-cc-toggle"
          aria-expanded={fields.open}
          onClick={() => onChange({ ...fields, open: !fields.open })}
        >
          {t('composer.showCcBcc')}
        </button>
      )}
    </label>
  )
  return (
    <div class="composer-recipients">
      {row('to', t('composer.to'))}
      {(fields.open || fields.cc || fields.bcc) && (
        <>
          {row('cc', t('composer.cc'))}
          {row('bcc', t('composer.bcc'))}
        </>
      )}
      {(['to', 'cc', 'bcc'] as const).map((field) =>
        problems[field] ? (
          <p
            key={field}
            id={`recipient-error-${field}`}
            class="recipient-error"
            role="alert"
            data-testid={`email-${field}-error`}
          >
            {problems[field]}
          </p>
        ) : null,
      )}
    </div>
  )
}
