import type { ComponentChildren } from 'preact'
import { t } from '../i18n'
import { LogoMark } from './icons'
import { LocaleSelect } from './LocaleSelect'

export function AuthLayout(props: {
  title: string
  subtitle: string
  children: ComponentChildren
}) {
  return (
    <div class="auth">
      <div class="auth-top">
        <LocaleSelect />
      </div>
      <main class="auth-card">
        <div class="brand brand-large">
          <LogoMark />
          <span>{t('app.name')}</span>
        </div>
        <h1>{props.title}</h1>
        <p class="muted">{props.subtitle}</p>
        {props.children}
      </main>
      <p class="auth-foot muted">{t('app.tagline')}</p>
    </div>
  )
}
