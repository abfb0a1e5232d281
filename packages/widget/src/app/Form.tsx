// One form for the pre-chat questions and the offline message: labelled fields, checked before
// sending, the server's refusal shown field by field, the focus on the first field to fix.
import { useEffect, useRef, useState } from 'preact/hooks'
import { focusIn } from './browser'
import type { Strings } from './i18n'
import { type PreChatErrors, problemText } from './prechat'

export interface FormField {
  key: string
  label: string
  /** An <input> type, or 'textarea'. */
  type: string
  required: boolean
  autocomplete: string
  max: number
}

export type FormResult = { ok: true } | { ok: false; errors: PreChatErrors }

interface FormProps {
  /** 'prechat' or 'offline': prefixes the element ids and names the test ids. */
  name: string
  title: string
  fields: FormField[]
  submitLabel: string
  t: Strings
  validate: (values: Record<string, string>) => PreChatErrors
  send: (values: Record<string, string>) => Promise<FormResult>
}

export function Form({ name, title, fields, submitLabel, t, validate, send }: FormProps) {
  const [values, setValues] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<PreChatErrors>({})
  const [sending, setSending] = useState(false)
  const [failed, setFailed] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  const offline = name === 'offline'

  // The form appears once the session is loaded, after the host asked for the focus on open:
  // take it then, as the composer does, if the frame has it.
  useEffect(() => focusIn(form.current, 'input,textarea', true), [])

  const focusFirst = (found: PreChatErrors) => {
    const key = fields.find((field) => found[field.key])?.key
    if (key) focusIn(form.current, `[data-key="${key}"]`)
  }

  const submit = async () => {
    if (sending) return
    const found = validate(values)
    setErrors(found)
    setFailed(false)
    if (Object.keys(found).length) return focusFirst(found)
    setSending(true)
    const result = await send(values)
    if (result.ok) return
    setSending(false)
    setErrors(result.errors)
    setFailed(!Object.keys(result.errors).length)
    focusFirst(result.errors)
  }

  return (
    <form
      class={offline ? 'prechat offline' : 'prechat'}
      data-testid={offline ? 'offline-form' : name}
      ref={form}
      noValidate
      aria-busy={sending}
      aria-labelledby={`${name}-title`}
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <p class="prechat-title" id={`${name}-title`}>
        {title}
      </p>
      {fields.map(({ key, label, type, required, autocomplete, max }) => {
        const id = `${name}-${key}`
        const problem = errors[key]
        const props = {
          id,
          'data-testid': offline ? id : 'prechat-field',
          'data-key': key,
          maxLength: max,
          autocomplete,
          'aria-required': required,
          'aria-invalid': problem ? true : undefined,
          'aria-describedby': problem ? `${id}-error` : undefined,
          value: values[key] ?? '',
          readOnly: sending,
          onInput: (event: Event) => {
            const value = (event.currentTarget as HTMLInputElement).value
            setValues((current) => ({ ...current, [key]: value }))
          },
        }
        return (
          <div class="prechat-row" key={key}>
            <label for={id}>
              {label}
              {required && (
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
              <span class="prechat-error" id={`${id}-error`} data-testid={`${name}-error`}>
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
      <button type="submit" class="csat-send" data-testid={`${name}-submit`}>
        {sending ? t.sending : submitLabel}
      </button>
    </form>
  )
}
