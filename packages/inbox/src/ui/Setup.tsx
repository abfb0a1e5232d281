import { useEffect, useState } from 'preact/hooks'
import { api } from '../api'
import { t } from '../i18n'
import { completeSetup, errorText, navigate } from '../store'
import { AuthLayout } from './AuthLayout'

const MIN_PASSWORD = 10

export function SetupScreen(props: { token: string }) {
  const [needsSetup, setNeedsSetup] = useState<boolean | null>(null)
  const [form, setForm] = useState({ accountName: '', name: '', email: '', password: '' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api
      .setupStatus()
      .then((r) => setNeedsSetup(r.needsSetup))
      .catch((err: unknown) => {
        setError(errorText(err))
        setNeedsSetup(true)
      })
  }, [])

  const update = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [key]: e.currentTarget.value })

  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    if (form.password.length < MIN_PASSWORD) {
      setError(t('setup.passwordShort'))
      return
    }
    setBusy(true)
    setError(null)
    try {
      await completeSetup({
        token: props.token,
        accountName: form.accountName.trim(),
        name: form.name.trim(),
        email: form.email.trim(),
        password: form.password,
      })
    } catch (err) {
      setError(errorText(err))
      setBusy(false)
    }
  }

  if (needsSetup === null) {
    return (
      <div class="splash" role="status">
        {t('app.loading')}
      </div>
    )
  }

  if (!needsSetup) {
    return (
      <AuthLayout title={t('setup.title')} subtitle={t('setup.done')}>
        <button class="button primary wide" type="button" onClick={() => navigate('/', true)}>
          {t('setup.goToSignIn')}
        </button>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout title={t('setup.title')} subtitle={t('setup.subtitle')}>
      {!props.token && <p class="callout">{t('setup.noToken')}</p>}
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>{t('setup.accountName')}</span>
          <input
            data-testid="setup-account"
            name="organization"
            autocomplete="organization"
            required
            autoFocus
            value={form.accountName}
            onInput={update('accountName')}
          />
        </label>
        <label class="field">
          <span>{t('setup.name')}</span>
          <input
            data-testid="setup-name"
            name="name"
            autocomplete="name"
            required
            value={form.name}
            onInput={update('name')}
          />
        </label>
        <label class="field">
          <span>{t('setup.email')}</span>
          <input
            data-testid="setup-email"
            type="email"
            name="email"
            autocomplete="username"
            required
            value={form.email}
            onInput={update('email')}
          />
        </label>
        <label class="field">
          <span>{t('setup.password')}</span>
          <input
            data-testid="setup-password"
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minLength={MIN_PASSWORD}
            aria-describedby="setup-password-hint"
            value={form.password}
            onInput={update('password')}
          />
          <small id="setup-password-hint" class="muted">
            {t('setup.passwordHint')}
          </small>
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button
          data-testid="setup-submit"
          class="button primary wide"
          type="submit"
          disabled={busy || !props.token}
        >
          {busy ? t('setup.submitting') : t('setup.submit')}
        </button>
      </form>
    </AuthLayout>
  )
}
