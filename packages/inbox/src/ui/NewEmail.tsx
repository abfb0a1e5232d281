import type { Id, MaxMessageLength } from '@kefu/protocol'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../api'
import { newClientId } from '../format'
import { t } from '../i18n'
import { isEmailAddress, parseRecipients, recipientsValid } from '../recipients'
import { emailInboxes, errorText, startEmail } from '../store'
import { CloseIcon, SendIcon } from './icons'

const MAX_LENGTH: MaxMessageLength = 10_000

type Field = 'to' | 'subject' | 'text' | 'cc' | 'bcc'

/** Writes to a customer first (a follow-up, 回访): a new email conversation, opened when sent. */
export function NewEmailDialog(props: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const list = emailInboxes.value
  const [inboxId, setInboxId] = useState<Id>(list[0]?.id ?? '')
  const [form, setForm] = useState({ to: '', name: '', subject: '', text: '', cc: '', bcc: '' })
  const [showCc, setShowCc] = useState(false)
  const [invalid, setInvalid] = useState<ReadonlySet<Field>>(new Set())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // One id per email: sending again after a lost response returns the stored one, not a copy.
  const clientId = useRef(newClientId())

  useEffect(() => {
    const el = dialog.current
    if (el && !el.open) el.showModal()
  }, [])

  const update = (key: keyof typeof form) => (e: { currentTarget: { value: string } }) => {
    setForm({ ...form, [key]: e.currentTarget.value })
    if (invalid.has(key as Field)) {
      const next = new Set(invalid)
      next.delete(key as Field)
      setInvalid(next)
    }
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const bad = new Set<Field>()
    const to = form.to.trim()
    const subject = form.subject.trim()
    const cc = parseRecipients(form.cc)
    const bcc = parseRecipients(form.bcc)
    if (!isEmailAddress(to)) bad.add('to')
    if (subject === '' || subject.length > 300) bad.add('subject')
    if (form.text.trim() === '' || form.text.length > MAX_LENGTH) bad.add('text')
    if (!recipientsValid(cc, false)) bad.add('cc')
    if (!recipientsValid(bcc, false)) bad.add('bcc')
    setInvalid(bad)
    if (bad.size > 0 || !inboxId) return
    setBusy(true)
    setError(null)
    try {
      const name = form.name.trim()
      await startEmail({
        inboxId,
        clientId: clientId.current,
        to,
        ...(name ? { name } : {}),
        ...(cc.addresses.length > 0 ? { cc: cc.addresses } : {}),
        ...(bcc.addresses.length > 0 ? { bcc: bcc.addresses } : {}),
        subject,
        text: form.text.trim(),
      })
      props.onClose()
    } catch (err) {
      // Refused as it was: nothing was stored, so a corrected email may use a new id.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
        clientId.current = newClientId()
      }
      setError(errorText(err))
      setBusy(false)
    }
  }

  const fieldClass = (field: Field) => `field ${invalid.has(field) ? 'invalid' : ''}`

  return (
    <dialog
      ref={dialog}
      class="dialog"
      data-testid="new-email-dialog"
      aria-labelledby="new-email-title"
      onClose={props.onClose}
    >
      <form class="form dialog-form" onSubmit={submit} noValidate>
        <div class="dialog-head">
          <h2 id="new-email-title">{t('newEmail.title')}</h2>
          <button
            type="button"
            class="button ghost icon"
            aria-label={t('newEmail.cancel')}
            onClick={props.onClose}
          >
            <CloseIcon />
          </button>
        </div>
        <label class="field">
          <span>{t('newEmail.inbox')}</span>
          <select
            data-testid="new-email-inbox"
            value={inboxId}
            onChange={(e) => setInboxId(e.currentTarget.value)}
          >
            {list.map((inbox) => (
              <option key={inbox.id} value={inbox.id}>
                {inbox.name}
              </option>
            ))}
          </select>
        </label>
        <div class="field-pair">
          <label class={fieldClass('to')}>
            <span>{t('newEmail.to')}</span>
            <input
              data-testid="new-email-to"
              type="email"
              inputMode="email"
              autocomplete="off"
              spellcheck={false}
              required
              autoFocus
              aria-invalid={invalid.has('to') || undefined}
              value={form.to}
              onInput={update('to')}
            />
            {invalid.has('to') && <small class="error-text">{t('newEmail.invalidTo')}</small>}
          </label>
          <label class="field">
            <span>{t('newEmail.name')}</span>
            <input
              data-testid="new-email-name"
              autocomplete="off"
              value={form.name}
              onInput={update('name')}
            />
          </label>
        </div>
        {showCc ? (
          <div class="field-pair">
            <label class={fieldClass('cc')}>
              <span>{t('composer.cc')}</span>
              <input
                data-testid="new-email-cc"
                inputMode="email"
                autocomplete="off"
                spellcheck={false}
                placeholder={t('composer.recipientsHint')}
                aria-invalid={invalid.has('cc') || undefined}
                value={form.cc}
                onInput={update('cc')}
              />
            </label>
            <label class={fieldClass('bcc')}>
              <span>{t('composer.bcc')}</span>
              <input
                data-testid="new-email-bcc"
                inputMode="email"
                autocomplete="off"
                spellcheck={false}
                placeholder={t('composer.recipientsHint')}
                aria-invalid={invalid.has('bcc') || undefined}
                value={form.bcc}
                onInput={update('bcc')}
              />
            </label>
          </div>
        ) : (
          <button
            type="button"
            class="link-button dialog-link"
            data-testid="new-email-cc-toggle"
            onClick={() => setShowCc(true)}
          >
            {t('composer.showCcBcc')}
          </button>
        )}
        <label class={fieldClass('subject')}>
          <span>{t('newEmail.subject')}</span>
          <input
            data-testid="new-email-subject"
            maxLength={300}
            required
            aria-invalid={invalid.has('subject') || undefined}
            value={form.subject}
            onInput={update('subject')}
          />
          {invalid.has('subject') && (
            <small class="error-text">{t('newEmail.subjectRequired')}</small>
          )}
        </label>
        <label class={fieldClass('text')}>
          <span>{t('newEmail.text')}</span>
          <textarea
            data-testid="new-email-text"
            rows={8}
            required
            aria-invalid={invalid.has('text') || undefined}
            value={form.text}
            onInput={update('text')}
          />
          {invalid.has('text') && <small class="error-text">{t('newEmail.textRequired')}</small>}
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={props.onClose}>
            {t('newEmail.cancel')}
          </button>
          <button
            type="submit"
            class="button primary icon-text"
            data-testid="new-email-send"
            disabled={busy || !inboxId}
          >
            <SendIcon />
            {busy ? t('newEmail.sending') : t('newEmail.send')}
          </button>
        </div>
      </form>
    </dialog>
  )
}
