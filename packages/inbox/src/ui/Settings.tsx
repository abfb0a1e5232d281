import type {
  ConnectionTestDTO,
  Id,
  InboxDTO,
  MailboxHealthDTO,
  QuarantineItemDTO,
} from '@kefu/protocol'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../api'
import { widgetSnippet } from '../email'
import { agoText, durationText, fullDateTime } from '../format'
import { locale, t } from '../i18n'
import {
  emptyMailboxForm,
  formFromMailbox,
  type MailboxField,
  type MailboxForm,
  settingsFromForm,
} from '../mailbox-form'
import {
  errorText,
  inboxes,
  me,
  notify,
  openConversation,
  openSettings,
  pageVisible,
  refreshInboxes,
} from '../store'
import { BusinessHoursPanel } from './BusinessHours'
import { BackIcon, ChatIcon, CopyIcon, MailIcon, PlusIcon } from './icons'
import { IdentityPanel, WidgetSettingsForm } from './WidgetSettings'

const HEALTH_EVERY_MS = 10_000

export function SettingsScreen(props: { inboxId: Id | 'new-email' | null }) {
  const [status, setStatus] = useState<{ loading: boolean; error: string | null }>({
    loading: true,
    error: null,
  })
  const admin = me.value?.agent.role === 'admin'

  useEffect(() => {
    if (!admin) return
    let alive = true
    api
      .inboxes()
      .then((r) => {
        if (!alive) return
        inboxes.value = r.inboxes
        setStatus({ loading: false, error: null })
      })
      .catch((error: unknown) => {
        if (alive) setStatus({ loading: false, error: errorText(error) })
      })
    return () => {
      alive = false
    }
  }, [admin])

  if (!admin) {
    return (
      <main class="settings settings-denied">
        <p role="alert">{t('settings.adminsOnly')}</p>
        <button type="button" class="button" onClick={() => openConversation(null)}>
          {t('settings.back')}
        </button>
      </main>
    )
  }

  const list = inboxes.value
  const selected = props.inboxId
  return (
    <main class="settings" data-testid="settings">
      <nav class="settings-nav" aria-label={t('settings.inboxes')}>
        <button
          type="button"
          class="button ghost icon-text settings-back"
          data-testid="settings-close"
          onClick={() => openConversation(null)}
        >
          <BackIcon />
          {t('settings.back')}
        </button>
        <h2>{t('settings.inboxes')}</h2>
        {status.error && (
          <p class="form-error" role="alert">
            {t('settings.error')} {status.error}
          </p>
        )}
        {!status.loading && list.length === 0 && !status.error && (
          <p class="muted">{t('settings.empty')}</p>
        )}
        <ul class="settings-inboxes">
          {list.map((inbox) => (
            <li key={inbox.id}>
              <a
                href={`/settings/inboxes/${encodeURIComponent(inbox.id)}`}
                class={`settings-inbox ${selected === inbox.id ? 'selected' : ''}`}
                data-testid="settings-inbox"
                data-id={inbox.id}
                data-kind={inbox.kind}
                aria-current={selected === inbox.id ? 'page' : undefined}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
                  e.preventDefault()
                  openSettings(inbox.id)
                }}
              >
                {inbox.kind === 'email' ? <MailIcon /> : <ChatIcon />}
                <span class="settings-inbox-name">{inbox.name}</span>
                <span class="kind-pill">{t(`settings.kind.${inbox.kind}`)}</span>
              </a>
            </li>
          ))}
        </ul>
        <button
          type="button"
          class={`button icon-text ${selected === 'new-email' ? 'primary' : ''}`}
          data-testid="email-inbox-add"
          onClick={() => openSettings('new-email')}
        >
          <PlusIcon />
          {t('settings.addEmail')}
        </button>
      </nav>
      <section class="settings-main">
        {selected === 'new-email' ? (
          <EmailInboxForm key="new" mode="create" />
        ) : selected ? (
          <InboxSettings key={selected} id={selected} loading={status.loading} />
        ) : (
          <p class="muted settings-pick">{t('settings.pick')}</p>
        )}
      </section>
    </main>
  )
}

function InboxSettings(props: { id: Id; loading: boolean }) {
  const inbox = inboxes.value.find((i) => i.id === props.id)
  if (!inbox) {
    return props.loading ? (
      <p class="muted" role="status">
        {t('app.loading')}
      </p>
    ) : (
      <p class="form-error" role="alert">
        {t('settings.notFound')}
      </p>
    )
  }
  if (inbox.kind === 'widget') return <WidgetInboxSettings inbox={inbox} />
  return <EmailInboxSettings inbox={inbox} />
}

// ---------- widget inboxes ----------

function WidgetInboxSettings(props: { inbox: InboxDTO }) {
  const { inbox } = props
  const [copied, setCopied] = useState(false)
  const area = useRef<HTMLTextAreaElement>(null)
  const snippet = inbox.publicToken ? widgetSnippet(window.location.origin, inbox.publicToken) : ''

  const copy = async () => {
    let ok = false
    try {
      await navigator.clipboard.writeText(snippet)
      ok = true
    } catch {
      // No clipboard API (plain http on a LAN address): select the text and copy the old way.
      area.current?.select()
      ok = document.execCommand('copy')
    }
    if (ok) {
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    }
  }

  return (
    <div class="settings-page">
      <h1>{inbox.name}</h1>
      <section class="card">
        <h3>{t('widget.snippetTitle')}</h3>
        {inbox.publicToken ? (
          <>
            <p class="muted">{t('widget.snippetHint')}</p>
            <textarea
              ref={area}
              class="snippet"
              data-testid="widget-snippet"
              readOnly
              rows={2}
              value={snippet}
              aria-label={t('widget.snippetTitle')}
              onFocus={(e) => e.currentTarget.select()}
            />
            <div class="card-actions">
              <button
                type="button"
                class="button icon-text"
                data-testid="widget-snippet-copy"
                onClick={() => void copy()}
              >
                <CopyIcon />
                {copied ? t('widget.copied') : t('widget.copy')}
              </button>
            </div>
          </>
        ) : (
          <p class="muted">{t('widget.noToken')}</p>
        )}
      </section>
      <WidgetSettingsForm key={inbox.id} inbox={inbox} />
      <IdentityPanel key={inbox.id} inbox={inbox} />
      <BusinessHoursPanel key={inbox.id} inbox={inbox} />
    </div>
  )
}

// ---------- email inboxes ----------

function EmailInboxSettings(props: { inbox: InboxDTO }) {
  const { inbox } = props
  const [health, setHealth] = useState<{
    data: MailboxHealthDTO | null
    at: number
    error: string | null
  }>({ data: null, at: 0, error: null })
  const [nonce, setNonce] = useState(0)
  const visible = pageVisible.value

  // Polled while the page is on screen: a hidden tab asks nothing.
  useEffect(() => {
    if (!visible) return
    let alive = true
    const load = () => {
      api
        .mailboxHealth(inbox.id)
        .then((data) => {
          if (alive) setHealth({ data, at: Date.now(), error: null })
        })
        .catch((error: unknown) => {
          if (alive) setHealth((h) => ({ ...h, error: errorText(error) }))
        })
    }
    load()
    const timer = setInterval(load, HEALTH_EVERY_MS)
    return () => {
      alive = false
      clearInterval(timer)
    }
  }, [inbox.id, visible, nonce])

  const refresh = () => setNonce((n) => n + 1)

  return (
    <div class="settings-page">
      <h1>{inbox.name}</h1>
      <MailboxHealthPanel
        health={health.data}
        at={health.at}
        error={health.error}
        onRefresh={refresh}
      />
      <EmailInboxForm key={inbox.id} mode="edit" inbox={inbox} onSaved={refresh} />
      <QuarantinePanel
        inboxId={inbox.id}
        quarantined={health.data?.quarantined ?? null}
        onChanged={refresh}
      />
    </div>
  )
}

function MailboxHealthPanel(props: {
  health: MailboxHealthDTO | null
  /** When the health was fetched: times are counted from the server's lag, not its clock. */
  at: number
  error: string | null
  onRefresh: () => void
}) {
  const { health, at, error } = props
  const lang = locale.value
  const now = Date.now()
  return (
    <section
      class="card health"
      data-testid="mailbox-health"
      data-connected={health ? String(health.connected) : undefined}
      aria-live="polite"
    >
      <div class="card-head">
        <h3>{t('health.title')}</h3>
        {health && (
          <span class={`health-state ${health.connected ? 'ok' : 'bad'}`}>
            <span class="dot" aria-hidden="true" />
            {health.connected ? t('health.connected') : t('health.disconnected')}
          </span>
        )}
        <button type="button" class="button ghost health-refresh" onClick={props.onRefresh}>
          {t('health.refresh')}
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {t('health.error')} {error}
        </p>
      )}
      {!health && !error && <p class="muted">{t('app.loading')}</p>}
      {health && (
        <dl class="health-list">
          <div>
            <dt>{t('health.lastSync')}</dt>
            <dd data-testid="health-last-sync">
              {health.lastSyncAt !== null && health.lagMs !== null ? (
                <time
                  dateTime={new Date(health.lastSyncAt).toISOString()}
                  title={fullDateTime(health.lastSyncAt, lang)}
                >
                  {agoText(at - health.lagMs, now, lang)}
                </time>
              ) : (
                t('health.never')
              )}
            </dd>
          </div>
          <div>
            <dt>{t('health.lag')}</dt>
            <dd data-testid="health-lag">
              {health.lagMs !== null ? durationText(health.lagMs, lang) : '—'}
            </dd>
          </div>
          <div>
            <dt>{t('health.quarantined')}</dt>
            <dd data-testid="health-quarantined">{health.quarantined}</dd>
          </div>
          <div class="health-error">
            <dt>{t('health.lastError')}</dt>
            <dd data-testid="health-last-error">
              {health.lastError ? (
                <>
                  <span class="error-text">{health.lastError}</span>
                  {health.lastErrorAt !== null && (
                    <span class="muted"> · {fullDateTime(health.lastErrorAt, lang)}</span>
                  )}
                </>
              ) : (
                t('health.noError')
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  )
}

function QuarantinePanel(props: {
  inboxId: Id
  quarantined: number | null
  onChanged: () => void
}) {
  const { inboxId, quarantined } = props
  const [items, setItems] = useState<QuarantineItemDTO[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<Id | null>(null)
  const [results, setResults] = useState<ReadonlyMap<Id, string>>(new Map())
  const [nonce, setNonce] = useState(0)

  // Reloaded when the health says the count moved, and after a reprocess.
  useEffect(() => {
    let alive = true
    api
      .quarantine(inboxId)
      .then((r) => {
        if (!alive) return
        setItems(r.items)
        setError(null)
      })
      .catch((err: unknown) => {
        if (alive) setError(errorText(err))
      })
    return () => {
      alive = false
    }
  }, [inboxId, quarantined, nonce])

  const reprocess = async (item: QuarantineItemDTO) => {
    setBusy(item.id)
    try {
      const result = await api.reprocess(inboxId, item.id)
      setResults((r) => new Map(r).set(item.id, result.status))
      props.onChanged()
      setNonce((n) => n + 1)
    } catch (err) {
      notify(errorText(err))
    } finally {
      setBusy(null)
    }
  }

  const lang = locale.value
  return (
    <section class="card" data-testid="quarantine">
      <div class="card-head">
        <h3>{t('quarantine.title')}</h3>
      </div>
      <p class="muted">{t('quarantine.hint')}</p>
      {error && (
        <p class="form-error" role="alert">
          {t('quarantine.error')} {error}
        </p>
      )}
      {items && items.length === 0 && <p class="muted">{t('quarantine.empty')}</p>}
      {items && items.length > 0 && (
        <ul class="quarantine-list">
          {items.map((item) => (
            <li
              key={item.id}
              class="quarantine-item"
              data-testid="quarantine-item"
              data-id={item.id}
              data-resolved={item.resolvedAt !== null}
            >
              <div class="quarantine-main">
                <strong>{item.reason}</strong>
                <span class="muted">
                  {item.uid !== null && <>{t('quarantine.uid', { uid: item.uid })} · </>}
                  {fullDateTime(item.createdAt, lang)}
                </span>
                <span class="error-text">{item.error}</span>
                {results.get(item.id) && (
                  <span class="muted" role="status">
                    {t('quarantine.result', { status: results.get(item.id) ?? '' })}
                  </span>
                )}
              </div>
              {item.resolvedAt !== null ? (
                <span class="kind-pill ok" title={fullDateTime(item.resolvedAt, lang)}>
                  {t('quarantine.resolved')}
                </span>
              ) : (
                <button
                  type="button"
                  class="button"
                  data-testid="quarantine-reprocess"
                  disabled={busy !== null}
                  onClick={() => void reprocess(item)}
                >
                  {busy === item.id ? t('quarantine.reprocessing') : t('quarantine.reprocess')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

// ---------- the mailbox form ----------

type TextField = Exclude<MailboxField, 'imapTls' | 'smtpTls'>

function EmailInboxForm(props: {
  mode: 'create' | 'edit'
  inbox?: InboxDTO
  onSaved?: () => void
}) {
  const { mode, inbox } = props
  const [form, setForm] = useState<MailboxForm>(emptyMailboxForm)
  const [loaded, setLoaded] = useState(mode === 'create')
  const [invalid, setInvalid] = useState<ReadonlySet<MailboxField>>(new Set())
  const [busy, setBusy] = useState(false)
  const [testing, setTesting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const [test, setTest] = useState<ConnectionTestDTO | null>(null)

  useEffect(() => {
    if (mode !== 'edit' || !inbox) return
    let alive = true
    api
      .mailbox(inbox.id)
      .then((mailbox) => {
        if (!alive) return
        setForm(formFromMailbox(inbox.name, mailbox))
        setLoaded(true)
      })
      .catch((err: unknown) => {
        if (alive) setError(`${t('mailbox.loadError')} ${errorText(err)}`)
      })
    return () => {
      alive = false
    }
  }, [mode, inbox?.id])

  const set = (field: MailboxField, value: string | boolean) => {
    setForm((f) => ({ ...f, [field]: value }))
    setSaved(false)
    if (invalid.has(field)) {
      const next = new Set(invalid)
      next.delete(field)
      setInvalid(next)
    }
  }

  const read = () => {
    const result = settingsFromForm(form, mode)
    if (!result.ok) {
      setInvalid(new Set(result.fields))
      setError(t('mailbox.invalid'))
      return null
    }
    setInvalid(new Set())
    setError(null)
    return result
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const result = read()
    if (!result) return
    setBusy(true)
    setSaved(false)
    try {
      if (mode === 'create') {
        const created = await api.createEmailInbox({
          name: result.name,
          mailbox: result.settings,
        })
        inboxes.value = [...inboxes.peek().filter((i) => i.id !== created.inbox.id), created.inbox]
        void refreshInboxes()
        notify(t('mailbox.created'))
        openSettings(created.inbox.id, true)
        return
      }
      if (!inbox) return
      const mailbox = await api.saveMailbox(inbox.id, result.settings)
      setForm(formFromMailbox(inbox.name, mailbox))
      setSaved(true)
      props.onSaved?.()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const runTest = async () => {
    if (!inbox || testing) return
    const result = read()
    if (!result) return
    setTesting(true)
    setTest(null)
    try {
      setTest(await api.testMailbox(inbox.id, result.settings))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setTesting(false)
    }
  }

  const text = (field: TextField, testId: string, label: string, extra: FieldExtra = {}) => (
    <label class={`field ${invalid.has(field) ? 'invalid' : ''} ${extra.wide ? 'wide' : ''}`}>
      <span>{label}</span>
      <input
        data-testid={testId}
        name={field}
        type={extra.type ?? 'text'}
        inputMode={extra.inputMode}
        autocomplete={extra.autocomplete ?? 'off'}
        spellcheck={false}
        required={extra.required}
        placeholder={extra.placeholder}
        aria-invalid={invalid.has(field) || undefined}
        disabled={!loaded || extra.disabled}
        value={form[field]}
        onInput={(e) => set(field, e.currentTarget.value)}
      />
      {extra.hint && <small class="muted">{extra.hint}</small>}
    </label>
  )
  const toggle = (field: 'imapTls' | 'smtpTls', testId: string) => (
    <label class="check-field">
      <input
        type="checkbox"
        data-testid={testId}
        name={field}
        disabled={!loaded}
        checked={form[field]}
        onChange={(e) => set(field, e.currentTarget.checked)}
      />
      <span>{t('mailbox.tls')}</span>
    </label>
  )
  const passwordHint = mode === 'edit' ? t('mailbox.passwordKeep') : t('mailbox.passwordNew')

  return (
    <form
      class="card mailbox-form"
      data-testid="email-inbox-form"
      data-mode={mode}
      onSubmit={submit}
      noValidate
    >
      <div class="card-head">
        <h3>{mode === 'create' ? t('mailbox.newTitle') : t('mailbox.editTitle')}</h3>
      </div>
      <div class="form-grid">
        {text('name', 'mailbox-name', t('mailbox.name'), {
          hint: t('mailbox.nameHint'),
          wide: true,
          required: true,
          disabled: mode === 'edit',
        })}
      </div>
      <fieldset class="form-section" disabled={!loaded}>
        <legend>{t('mailbox.imap')}</legend>
        <div class="form-grid">
          {text('imapHost', 'mailbox-imap-host', t('mailbox.host'), {
            placeholder: 'imap.example.com',
            required: true,
          })}
          {text('imapPort', 'mailbox-imap-port', t('mailbox.port'), {
            inputMode: 'numeric',
            required: true,
          })}
          {toggle('imapTls', 'mailbox-imap-tls')}
          {text('imapUser', 'mailbox-imap-user', t('mailbox.user'), { required: true })}
          {text('imapPassword', 'mailbox-imap-password', t('mailbox.password'), {
            type: 'password',
            autocomplete: 'new-password',
            hint: passwordHint,
            required: mode === 'create',
          })}
          {text('imapFolder', 'mailbox-imap-folder', t('mailbox.folder'), { required: true })}
        </div>
      </fieldset>
      <fieldset class="form-section" disabled={!loaded}>
        <legend>{t('mailbox.smtp')}</legend>
        <div class="form-grid">
          {text('smtpHost', 'mailbox-smtp-host', t('mailbox.host'), {
            placeholder: 'smtp.example.com',
            required: true,
          })}
          {text('smtpPort', 'mailbox-smtp-port', t('mailbox.port'), {
            inputMode: 'numeric',
            required: true,
          })}
          {toggle('smtpTls', 'mailbox-smtp-tls')}
          {text('smtpUser', 'mailbox-smtp-user', t('mailbox.user'), { required: true })}
          {text('smtpPassword', 'mailbox-smtp-password', t('mailbox.password'), {
            type: 'password',
            autocomplete: 'new-password',
            hint: passwordHint,
            required: mode === 'create',
          })}
        </div>
      </fieldset>
      <fieldset class="form-section" disabled={!loaded}>
        <legend>{t('mailbox.sender')}</legend>
        <div class="form-grid">
          {text('fromName', 'mailbox-from-name', t('mailbox.fromName'), { required: true })}
          {text('fromAddress', 'mailbox-from-address', t('mailbox.fromAddress'), {
            type: 'email',
            placeholder: 'support@example.com',
            required: true,
          })}
          {text('syncDays', 'mailbox-sync-days', t('mailbox.syncDays'), {
            inputMode: 'numeric',
            hint: t('mailbox.syncDaysHint'),
          })}
        </div>
      </fieldset>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p class="form-ok" role="status">
          {t('mailbox.saved')}
        </p>
      )}
      {test && <TestResult result={test} />}
      <div class="card-actions">
        {mode === 'edit' && (
          <button
            type="button"
            class="button"
            data-testid="mailbox-test"
            title={t('mailbox.testHint')}
            disabled={!loaded || testing}
            onClick={() => void runTest()}
          >
            {testing ? t('mailbox.testing') : t('mailbox.test')}
          </button>
        )}
        <button
          type="submit"
          class="button primary"
          data-testid="mailbox-save"
          disabled={!loaded || busy}
        >
          {mode === 'create'
            ? busy
              ? t('mailbox.creating')
              : t('mailbox.create')
            : busy
              ? t('mailbox.saving')
              : t('mailbox.save')}
        </button>
      </div>
    </form>
  )
}

interface FieldExtra {
  type?: string
  inputMode?: 'numeric' | 'email' | 'text'
  autocomplete?: string
  hint?: string
  placeholder?: string
  required?: boolean
  disabled?: boolean
  wide?: boolean
}

function TestResult(props: { result: ConnectionTestDTO }) {
  const { imap, smtp } = props.result
  return (
    <div
      class="test-result"
      data-testid="mailbox-test-result"
      data-imap={imap.ok ? 'ok' : 'failed'}
      data-smtp={smtp.ok ? 'ok' : 'failed'}
      role="status"
    >
      <p class={imap.ok ? 'ok' : 'bad'}>
        {imap.ok ? t('mailbox.imapOk') : t('mailbox.imapFailed', { error: imap.error ?? '' })}
      </p>
      <p class={smtp.ok ? 'ok' : 'bad'}>
        {smtp.ok ? t('mailbox.smtpOk') : t('mailbox.smtpFailed', { error: smtp.error ?? '' })}
      </p>
    </div>
  )
}
