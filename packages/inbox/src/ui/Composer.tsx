import type { Id, MaxMessageLength } from '@kefu/protocol'
import { useEffect, useRef, useState } from 'preact/hooks'
import { t } from '../i18n'
import { drafts, noteTyping, sendMessage, stopTyping } from '../store'
import { LockIcon, SendIcon } from './icons'

const MAX_LENGTH: MaxMessageLength = 10_000

type Mode = 'reply' | 'note'

export function Composer(props: { conversationId: Id }) {
  const { conversationId } = props
  const saved = drafts.get(conversationId)
  const [text, setText] = useState(saved?.text ?? '')
  const [mode, setMode] = useState<Mode>(saved?.mode ?? 'reply')
  const input = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    drafts.set(conversationId, { text, mode })
  }, [conversationId, text, mode])

  const over = text.length - MAX_LENGTH
  const canSend = text.trim().length > 0 && over <= 0

  const send = () => {
    if (!canSend) return
    void sendMessage({ conversationId, text: text.trim(), private: mode === 'note' })
    setText('')
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
      class={`composer mode-${mode}`}
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
          setText(e.currentTarget.value)
          if (mode === 'reply' && e.currentTarget.value.length > 0) noteTyping(conversationId)
        }}
        onBlur={() => stopTyping()}
        onKeyDown={(e) => {
          // While an IME is composing (pinyin, zhuyin), Enter picks a candidate; it must not send.
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return
          e.preventDefault()
          send()
        }}
      />
      <div class="composer-foot">
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
