// A website inbox's look, the sites allowed to embed it, and identity verification.
import type { InboxDTO, Locale } from '@kefu/protocol'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, type IdentitySettings } from '../api'
import { localeNames, type Said, said, t, translate, locale as uiLocale } from '../i18n'
import { errorText, inboxes } from '../store'
import {
  addOrigin,
  addPreChatField,
  formFromSettings,
  isBuiltInKey,
  LAUNCHER_TEXT_MAX,
  maskSecret,
  movePreChatField,
  normalizeColor,
  PRECHAT_BUILT_INS,
  PRECHAT_FIELDS_MAX,
  PRECHAT_LABEL_MAX,
  PRECHAT_LOCALES,
  type PreChatRow,
  type PreChatType,
  type PreviewModel,
  preChatProblems,
  previewModel,
  removePreChatField,
  settingsFromForm,
  typeForKey,
  type WidgetField,
  type WidgetForm,
} from '../widget-settings'
import { hoursForPreview } from './BusinessHours'
import { EmailContinuityCard } from './ContinuitySettings'
import { FileSettingsEditor } from './Files'
import { ChatIcon, CopyIcon } from './icons'

const LOCALES: Locale[] = ['en', 'zh-CN', 'zh-TW']

/** Copies text; without the clipboard API (plain http on a LAN address) the old way. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}

// ---------- appearance and allowed origins: one PUT of the whole settings object ----------

export function WidgetSettingsForm(props: { inbox: InboxDTO }) {
  const { inbox } = props
  const [form, setForm] = useState<WidgetForm>(() => formFromSettings(inbox.settings))
  const [invalid, setInvalid] = useState<ReadonlySet<WidgetField>>(new Set())
  const [originInput, setOriginInput] = useState('')
  const [originError, setOriginError] = useState<Said | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)
  const [error, setError] = useState<Said | null>(null)
  const lastGoodColor = useRef(form.color)

  const goodColor = normalizeColor(form.color)
  if (goodColor) lastGoodColor.current = goodColor
  const hours = hoursForPreview.value
  const preview = previewModel(
    form,
    inbox.name,
    uiLocale.value,
    lastGoodColor.current,
    hours?.inboxId === inbox.id ? hours : null,
  )

  const set = <K extends keyof WidgetForm>(field: K, value: WidgetForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }))
    setSaved(false)
    if (invalid.has(field as WidgetField)) {
      const next = new Set(invalid)
      next.delete(field as WidgetField)
      setInvalid(next)
    }
  }

  const originReason = (reason: 'invalid' | 'duplicate' | 'full'): Said => ({
    key:
      reason === 'duplicate'
        ? 'widget.originsDuplicate'
        : reason === 'full'
          ? 'widget.originsFull'
          : 'widget.originsInvalid',
  })

  /** Adds what is typed in the origin box; returns the new list, or null when it was refused. */
  const takeOrigin = (): string[] | null => {
    if (!originInput.trim()) return form.allowedOrigins
    const result = addOrigin(form.allowedOrigins, originInput)
    if (!result.ok) {
      setOriginError(originReason(result.reason))
      return null
    }
    set('allowedOrigins', result.origins)
    setOriginInput('')
    setOriginError(null)
    return result.origins
  }

  const removeOrigin = (origin: string) =>
    set(
      'allowedOrigins',
      form.allowedOrigins.filter((o) => o !== origin),
    )

  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const origins = takeOrigin()
    if (!origins) return
    const result = settingsFromForm({ ...form, allowedOrigins: origins })
    if (!result.ok) {
      setInvalid(new Set(result.fields))
      setError({ key: 'widget.invalid' })
      return
    }
    setInvalid(new Set())
    setError(null)
    setSaved(false)
    setBusy(true)
    try {
      const updated = await api.saveWidgetSettings(inbox.id, result.settings)
      inboxes.value = inboxes.peek().map((i) => (i.id === updated.id ? updated : i))
      setForm(formFromSettings(updated.settings))
      setSaved(true)
    } catch (err) {
      setError({ key: 'widget.saveFailed', detail: errorText(err) })
    } finally {
      setBusy(false)
    }
  }

  const fieldClass = (field: WidgetField, extra = '') =>
    `field ${invalid.has(field) ? 'invalid' : ''} ${extra}`

  return (
    <form
      class="widget-settings-form"
      data-testid="widget-settings-form"
      onSubmit={submit}
      noValidate
    >
      <section class="card">
        <div class="card-head">
          <h3>{t('widget.appearance')}</h3>
        </div>
        <p class="muted">{t('widget.appearanceHint')}</p>
        <div class="widget-appearance">
          <div class="widget-fields">
            <div class={fieldClass('color')}>
              <span id="widget-color-label">{t('widget.color')}</span>
              <div class="color-pair">
                <input
                  type="color"
                  data-testid="widget-color"
                  aria-labelledby="widget-color-label"
                  value={preview.color}
                  onInput={(e) => set('color', e.currentTarget.value)}
                />
                <input
                  type="text"
                  data-testid="widget-color-hex"
                  aria-label={t('widget.colorHex')}
                  aria-invalid={invalid.has('color') || undefined}
                  spellcheck={false}
                  autocomplete="off"
                  maxLength={7}
                  value={form.color}
                  onInput={(e) => set('color', e.currentTarget.value)}
                />
              </div>
              <small class="muted">{t('widget.colorHint')}</small>
            </div>
            <label class="field">
              <span>{t('widget.position')}</span>
              <select
                data-testid="widget-position"
                value={form.position}
                onChange={(e) =>
                  set('position', e.currentTarget.value === 'left' ? 'left' : 'right')
                }
              >
                <option value="right">{t('widget.position.right')}</option>
                <option value="left">{t('widget.position.left')}</option>
              </select>
            </label>
            <label class={fieldClass('launcherText')}>
              <span>{t('widget.launcherText')}</span>
              <input
                type="text"
                data-testid="widget-launcher-text"
                autocomplete="off"
                maxLength={LAUNCHER_TEXT_MAX}
                aria-invalid={invalid.has('launcherText') || undefined}
                value={form.launcherText}
                onInput={(e) => set('launcherText', e.currentTarget.value)}
              />
              <small class="muted">{t('widget.launcherTextHint')}</small>
            </label>
            <label class={fieldClass('greeting')}>
              <span>{t('widget.greeting')}</span>
              <textarea
                data-testid="widget-greeting"
                rows={2}
                maxLength={500}
                placeholder={t('widget.greetingPlaceholder')}
                aria-invalid={invalid.has('greeting') || undefined}
                value={form.greeting}
                onInput={(e) => set('greeting', e.currentTarget.value)}
              />
              <small class="muted">{t('widget.greetingHint')}</small>
            </label>
            <label class="field">
              <span>{t('widget.locale')}</span>
              <select
                data-testid="widget-locale"
                value={form.locale}
                onChange={(e) => {
                  const value = e.currentTarget.value
                  set('locale', LOCALES.find((l) => l === value) ?? '')
                }}
              >
                <option value="">{t('widget.locale.auto')}</option>
                {LOCALES.map((l) => (
                  <option key={l} value={l} lang={l}>
                    {localeNames[l]}
                  </option>
                ))}
              </select>
            </label>
            <label class="switch-field">
              <input
                type="checkbox"
                class="switch-input"
                role="switch"
                aria-checked={form.sound}
                data-testid="widget-sound"
                checked={form.sound}
                onChange={(e) => set('sound', e.currentTarget.checked)}
              />
              <span class="switch-text">
                <strong>{t('widget.sound')}</strong>
                <small class="muted switch-hint">{t('widget.soundHint')}</small>
              </span>
            </label>
          </div>
          <WidgetPreview model={preview} />
        </div>
      </section>

      <section
        class={`card ${invalid.has('allowedOrigins') ? 'invalid' : ''}`}
        data-testid="allowed-origins"
        data-count={form.allowedOrigins.length}
      >
        <div class="card-head">
          <h3>{t('widget.origins')}</h3>
        </div>
        <p class="muted">{t('widget.originsHint')}</p>
        {form.allowedOrigins.length === 0 ? (
          <p class="origins-empty">{t('widget.originsEmpty')}</p>
        ) : (
          <ul class="origins-list">
            {form.allowedOrigins.map((origin) => (
              <li key={origin} data-testid="allowed-origin" data-origin={origin}>
                <code>{origin}</code>
                <button
                  type="button"
                  class="button ghost"
                  data-testid="allowed-origin-remove"
                  aria-label={t('widget.originsRemove', { origin })}
                  title={t('widget.originsRemove', { origin })}
                  onClick={() => removeOrigin(origin)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div class="origin-add">
          <label class={`field ${originError ? 'invalid' : ''}`}>
            <span class="sr-only">{t('widget.originsLabel')}</span>
            <input
              type="url"
              inputMode="url"
              data-testid="allowed-origins-input"
              placeholder="https://shop.example.com"
              autocomplete="off"
              spellcheck={false}
              aria-invalid={originError ? true : undefined}
              aria-describedby={originError ? 'origin-error' : undefined}
              value={originInput}
              onInput={(e) => {
                setOriginInput(e.currentTarget.value)
                setOriginError(null)
              }}
              onKeyDown={(e) => {
                if (e.key !== 'Enter') return
                e.preventDefault()
                takeOrigin()
              }}
            />
          </label>
          <button
            type="button"
            class="button"
            data-testid="allowed-origins-add"
            onClick={() => takeOrigin()}
          >
            {t('widget.originsAdd')}
          </button>
        </div>
        {originError && (
          <p class="form-error" id="origin-error" role="alert" data-testid="allowed-origins-error">
            {said(originError)}
          </p>
        )}
      </section>

      <PreChatEditor
        rows={form.preChat}
        invalid={invalid.has('preChat')}
        onChange={(rows) => set('preChat', rows)}
      />

      <FileSettingsEditor
        value={form.files}
        invalid={invalid.has('files')}
        onChange={(files) => set('files', files)}
      />

      <EmailContinuityCard value={form.emailInboxId} onChange={(id) => set('emailInboxId', id)} />

      <div class="widget-save-bar">
        {error && (
          <p class="form-error" role="alert" data-testid="widget-settings-error">
            {said(error)}
          </p>
        )}
        {saved && (
          <p class="form-ok" role="status" data-testid="widget-settings-saved">
            {t('widget.saved')}
          </p>
        )}
        <button
          type="submit"
          class="button primary"
          data-testid="widget-settings-save"
          disabled={busy}
        >
          {busy ? t('widget.saving') : t('widget.save')}
        </button>
      </div>
    </form>
  )
}

const PRECHAT_TYPES: PreChatType[] = ['text', 'email', 'tel']

/** The fields asked before the first message: add, remove, reorder, and label each. */
function PreChatEditor(props: {
  rows: PreChatRow[]
  invalid: boolean
  onChange: (rows: PreChatRow[]) => void
}) {
  const { rows, onChange } = props
  const problems = preChatProblems(rows)
  const update = (index: number, patch: Partial<PreChatRow>) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)))
  const add = () => {
    const next = addPreChatField(rows)
    if (next) onChange(next)
  }
  return (
    <section
      class={`card prechat ${props.invalid ? 'invalid' : ''}`}
      data-testid="prechat-editor"
      data-count={rows.length}
    >
      <div class="card-head">
        <h3>{t('prechat.title')}</h3>
      </div>
      <p class="muted">{t('prechat.hint')}</p>
      {rows.length === 0 ? (
        <p class="origins-empty">{t('prechat.empty')}</p>
      ) : (
        <ol class="prechat-list">
          {rows.map((row, i) => {
            const rowProblems = props.invalid ? (problems[i] ?? []) : []
            const custom = !isBuiltInKey(row.key)
            const keyBad = rowProblems.includes('key') || rowProblems.includes('duplicate')
            const errorId = `prechat-error-${i}`
            return (
              <li key={i} class="prechat-row" data-testid="prechat-field-row" data-key={row.key}>
                <div class="prechat-main">
                  <label class="field">
                    <span>{t('prechat.field')}</span>
                    <select
                      data-testid="prechat-kind"
                      value={custom ? '' : row.key}
                      onChange={(e) => {
                        const key = e.currentTarget.value
                        update(i, { key, type: typeForKey(key) })
                      }}
                    >
                      {PRECHAT_BUILT_INS.map((k) => (
                        <option key={k} value={k}>
                          {t(`prechat.builtIn.${k}`)}
                        </option>
                      ))}
                      <option value="">{t('prechat.custom')}</option>
                    </select>
                  </label>
                  {custom && (
                    <label class={`field ${keyBad ? 'invalid' : ''}`}>
                      <span>{t('prechat.key')}</span>
                      <input
                        type="text"
                        data-testid="prechat-key"
                        placeholder="company_size"
                        autocomplete="off"
                        spellcheck={false}
                        maxLength={32}
                        aria-invalid={keyBad || undefined}
                        aria-describedby={keyBad ? errorId : undefined}
                        value={row.key}
                        onInput={(e) => update(i, { key: e.currentTarget.value })}
                      />
                    </label>
                  )}
                  <label class="field">
                    <span>{t('prechat.type')}</span>
                    <select
                      data-testid="prechat-type"
                      value={row.type}
                      onChange={(e) => {
                        const value = e.currentTarget.value
                        update(i, { type: PRECHAT_TYPES.find((x) => x === value) ?? 'text' })
                      }}
                    >
                      {PRECHAT_TYPES.map((x) => (
                        <option key={x} value={x}>
                          {t(`prechat.type.${x}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label class="prechat-required">
                    <input
                      type="checkbox"
                      data-testid="prechat-required"
                      checked={row.required}
                      onChange={(e) => update(i, { required: e.currentTarget.checked })}
                    />
                    {t('prechat.required')}
                  </label>
                  <div class="prechat-actions">
                    <button
                      type="button"
                      class="button ghost"
                      data-testid="prechat-up"
                      aria-label={t('prechat.moveUp')}
                      title={t('prechat.moveUp')}
                      disabled={i === 0}
                      onClick={() => onChange(movePreChatField(rows, i, -1))}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="button ghost"
                      data-testid="prechat-down"
                      aria-label={t('prechat.moveDown')}
                      title={t('prechat.moveDown')}
                      disabled={i === rows.length - 1}
                      onClick={() => onChange(movePreChatField(rows, i, 1))}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="button ghost"
                      data-testid="prechat-remove"
                      aria-label={t('prechat.remove')}
                      title={t('prechat.remove')}
                      onClick={() => onChange(removePreChatField(rows, i))}
                    >
                      ×
                    </button>
                  </div>
                </div>
                <div class="prechat-labels">
                  {PRECHAT_LOCALES.map((l) => (
                    <label key={l} class="field">
                      <span>{t('prechat.label', { locale: localeNames[l] })}</span>
                      <input
                        type="text"
                        lang={l}
                        data-testid={`prechat-label-${l}`}
                        autocomplete="off"
                        maxLength={PRECHAT_LABEL_MAX}
                        value={row.label[l]}
                        onInput={(e) =>
                          update(i, { label: { ...row.label, [l]: e.currentTarget.value } })
                        }
                      />
                    </label>
                  ))}
                </div>
                {rowProblems.length > 0 && (
                  <p class="form-error" id={errorId} data-testid="prechat-field-error">
                    {rowProblems.map((p) => t(`prechat.error.${p}`)).join(' ')}
                  </p>
                )}
              </li>
            )
          })}
        </ol>
      )}
      <div class="card-actions">
        <button
          type="button"
          class="button"
          data-testid="prechat-add"
          disabled={rows.length >= PRECHAT_FIELDS_MAX}
          onClick={add}
        >
          {t('prechat.add')}
        </button>
        {rows.length >= PRECHAT_FIELDS_MAX && (
          <small class="muted">{t('prechat.full', { max: PRECHAT_FIELDS_MAX })}</small>
        )}
      </div>
    </section>
  )
}

/** A static mock of the chat: header, one agent and one visitor bubble, and the launcher. */
function WidgetPreview(props: { model: PreviewModel }) {
  const m = props.model
  const say = (key: 'widget.previewAgent' | 'widget.previewVisitor' | 'widget.previewInput') =>
    translate(m.locale, key)
  return (
    <figure
      class={`widget-preview ${m.position}`}
      data-testid="widget-preview"
      data-color={m.color}
      data-position={m.position}
      aria-label={t('widget.preview')}
      style={{ '--wp-color': m.color, '--wp-on': m.onColor }}
    >
      <figcaption>{t('widget.preview')}</figcaption>
      <div class="wp-stage" aria-hidden="true" lang={m.locale}>
        <div class="wp-window">
          <div class="wp-head">
            <strong data-testid="widget-preview-title">{m.title}</strong>
            {m.replyTime && (
              <p data-testid="widget-preview-status">
                {translate(m.locale, `hours.reply.${m.replyTime}`)}
              </p>
            )}
          </div>
          <div class="wp-body">
            {m.greeting && (
              <p class="wp-greeting" data-testid="widget-preview-greeting">
                {m.greeting}
              </p>
            )}
            <div class="wp-bubble agent">{say('widget.previewAgent')}</div>
            <div class="wp-bubble visitor">{say('widget.previewVisitor')}</div>
          </div>
          <div class="wp-input">{say('widget.previewInput')}</div>
        </div>
        <div
          class={`wp-launcher ${m.launcherText ? 'pill' : ''}`}
          data-testid="widget-preview-launcher"
        >
          <ChatIcon />
          {m.launcherText && <span class="wp-launcher-text">{m.launcherText}</span>}
        </div>
      </div>
    </figure>
  )
}

// ---------- identity verification ----------

export function IdentityPanel(props: { inbox: InboxDTO }) {
  const { inbox } = props
  const [data, setData] = useState<IdentitySettings | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [revealed, setRevealed] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [copied, setCopied] = useState(false)
  const [rotated, setRotated] = useState(false)

  useEffect(() => {
    let alive = true
    api
      .identity(inbox.id)
      .then((d) => {
        if (alive) setData(d)
      })
      .catch((err: unknown) => {
        if (alive) setLoadError(errorText(err))
      })
    return () => {
      alive = false
    }
  }, [inbox.id])

  const change = async (body: { required?: boolean; rotate?: boolean }) => {
    setBusy(true)
    setError(null)
    try {
      setData(await api.setIdentity(inbox.id, body))
      return true
    } catch (err) {
      setError(`${t('identity.saveError')} ${errorText(err)}`)
      return false
    } finally {
      setBusy(false)
    }
  }

  const copy = async () => {
    if (!data) return
    if (await copyText(data.secret)) {
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    }
  }

  const rotate = async () => {
    setRotated(false)
    if (await change({ rotate: true })) setRotated(true)
    setConfirming(false)
  }

  return (
    <section
      class="card identity"
      data-testid="identity"
      data-required={data ? String(data.required) : undefined}
    >
      <div class="card-head">
        <h3>{t('identity.title')}</h3>
        {data && (
          <span class={`kind-pill ${data.required ? 'ok' : ''}`} data-testid="identity-state">
            {data.required ? t('identity.enforced') : t('identity.notEnforced')}
          </span>
        )}
      </div>
      <p class="muted">{t('identity.hint')}</p>
      {loadError && (
        <p class="form-error" role="alert">
          {t('identity.loadError')} {loadError}
        </p>
      )}
      {!data && !loadError && <p class="muted">{t('app.loading')}</p>}
      {data && (
        <>
          <label class="switch-field">
            <input
              type="checkbox"
              class="switch-input"
              role="switch"
              aria-checked={data.required}
              data-testid="identity-required"
              checked={data.required}
              disabled={busy}
              onChange={(e) => void change({ required: e.currentTarget.checked })}
            />
            <span class="switch-text">
              <strong>{t('identity.required')}</strong>
              <small class="muted switch-hint">{t('identity.requiredHint')}</small>
            </span>
          </label>
          <div class="secret-row">
            <span class="secret-label">{t('identity.secret')}</span>
            <code class="secret" data-testid="identity-secret" data-revealed={String(revealed)}>
              {revealed ? data.secret : maskSecret(data.secret)}
            </code>
            <button
              type="button"
              class="button"
              data-testid="identity-reveal"
              aria-pressed={revealed}
              onClick={() => setRevealed((r) => !r)}
            >
              {revealed ? t('identity.hide') : t('identity.reveal')}
            </button>
            <button
              type="button"
              class="button icon-text"
              data-testid="identity-copy"
              onClick={() => void copy()}
            >
              <CopyIcon />
              {copied ? t('identity.copied') : t('identity.copy')}
            </button>
            <button
              type="button"
              class="button danger-outline"
              data-testid="identity-rotate"
              disabled={busy || confirming}
              onClick={() => {
                setRotated(false)
                setConfirming(true)
              }}
            >
              {t('identity.rotate')}
            </button>
          </div>
          {confirming && (
            <div class="rotate-confirm" role="alert" data-testid="identity-rotate-warning">
              <p>{t('identity.rotateWarning')}</p>
              <div class="card-actions">
                <button
                  type="button"
                  class="button"
                  data-testid="identity-rotate-cancel"
                  disabled={busy}
                  onClick={() => setConfirming(false)}
                >
                  {t('identity.cancel')}
                </button>
                <button
                  type="button"
                  class="button danger"
                  data-testid="identity-rotate-confirm"
                  disabled={busy}
                  onClick={() => void rotate()}
                >
                  {t('identity.rotateConfirm')}
                </button>
              </div>
            </div>
          )}
          {rotated && (
            <p class="form-ok" role="status" data-testid="identity-rotated">
              {t('identity.rotated')}
            </p>
          )}
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
          <div class="code-samples">
            <p class="muted">{t('identity.sampleServer')} (Node.js)</p>
            <pre class="code-sample" data-testid="identity-sample-server">
              <code>
                {"const hash = crypto.createHmac('sha256', SECRET).update(userId).digest('hex')"}
              </code>
            </pre>
            <p class="muted">{t('identity.samplePage')}</p>
            <pre class="code-sample" data-testid="identity-sample-page">
              <code>{'Kefu.identify({ id, email, name, hash })'}</code>
            </pre>
          </div>
        </>
      )}
    </section>
  )
}
