import type { Locale, WidgetAgentAvatar } from '@kefu/protocol'
import { useRef, useState } from 'preact/hooks'
import { awayStrings, type OfflineErrors, type OfflineField, validateOffline } from './away'
import type { Chat } from './chat'
import type { Strings } from './i18n'
import { MAX_PRECHAT_VALUE, type PreChatProblem } from './prechat'

/** Up to three agents who can answer now, as coloured initials. */
export function Faces({ agents }: { agents: WidgetAgentAvatar[] }) {
  return (
    <div class="faces" data-testid="faces" aria-hidden="true">
      {agents.map((a) => (
        <span key={a.name + a.color} class="face" style={{ background: a.color }} title={a.name}>
          {a.initials}
        </span>
      ))}
    </div>
  )
}

interface OfflineFormProps {
  chat: Chat
  t: Strings
  locale: Locale
  /** The pre-chat form's wording of a field's problem, shared. */
  problemText: (problem: PreChatProblem, t: Strings) => string
}

const FIELDS: { key: OfflineField; type: string; autocomplete: string; max: number }[] = [
  { key: 'email', type: 'email', autocomplete: 'email', max: 254 },
  { key: 'name', type: 'text', autocomplete: 'name', max: MAX_PRECHAT_VALUE },
  { key: 'text', type: 'textarea', autocomplete: 'off', max: 10_000 },
]

/** Nobody can answer: email (required), name and a message, in place of the composer. */
export function OfflineForm({ chat, t, locale, problemText }: OfflineFormProps) {
  const s = awayStrings[locale]
  const [values, setValues] = useState({ email: '', name: '', text: '' })
  const [errors, setErrors] = useState<OfflineErrors>({})
  const [sending, setSending] = useState(false)
  const [failed, setFailed] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  const labels: Record<OfflineField, string> = {
    email: s.offlineEmail,
    name: s.offlineName,
    text: s.offlineMessage,
  }

  const focusFirst = (found: OfflineErrors) => {
    const key = FIELDS.find((f) => found[f.key])?.key
    if (key) form.current?.querySelector<HTMLElement>(`[data-key="${key}"]`)?.focus()
  }

  const submit = async () => {
    if (sending) return
    const found = validateOffline(values)
    setErrors(found)
    setFailed(false)
    if (Object.keys(found).length) return focusFirst(found)
    setSending(true)
    const result = await chat.submitOffline(values)
    if (result.ok) return
    setSending(false)
    setErrors(result.errors)
    setFailed(!Object.keys(result.errors).length)
    focusFirst(result.errors)
  }

  return (
    <form
      class="prechat offline"
      data-testid="offline-form"
      ref={form}
      noValidate
      aria-busy={sending}
      aria-labelledby="offline-title"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <p class="prechat-title" id="offline-title">
        {s.offlineTitle}
      </p>
      {FIELDS.map(({ key, type, autocomplete, max }) => {
        const id = `offline-${key}`
        const problem = errors[key]
        const props = {
          id,
          'data-testid': `offline-${key}`,
          'data-key': key,
          maxLength: max,
          autocomplete,
          'aria-required': key !== 'name',
          'aria-invalid': problem ? true : undefined,
          'aria-describedby': problem ? `${id}-error` : undefined,
          value: values[key],
          readOnly: sending,
          onInput: (event: Event) => {
            const value = (event.currentTarget as HTMLInputElement).value
            setValues((current) => ({ ...current, [key]: value }))
          },
        }
        return (
          <div class="prechat-row" key={key}>
            <label for={id}>
              {labels[key]}
              {key !== 'name' && (
                <span class="prechat-mark" aria-hidden="true">
                  {' *'}
                </span>
              )}
            </label>
            {type === 'textarea' ? (
              <textarea rows={2} {...props} />
            ) : (
              <input type={type} {...props} />
            )}
            {problem && (
              <span class="prechat-error" id={`${id}-error`} data-testid="offline-error">
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
      <button type="submit" class="csat-send" data-testid="offline-submit">
        {sending ? t.sending : t.send}
      </button>
    </form>
  )
}

/** After the offline form: where the reply will go. The chat stays open below it. */
export function OfflineThanks({ email, locale }: { email: string; locale: Locale }) {
  return (
    <p class="offline-thanks" role="status" data-testid="offline-thanks">
      {awayStrings[locale].offlineThanks(email)}
    </p>
  )
}
