import type { Availability } from '@kefu/protocol'
import { t } from '../i18n'
import { autoAway } from '../presence'
import { connection, me, openSettings, route, setAvailability, signOut } from '../store'
import { GearIcon, LogoMark, SignOutIcon } from './icons'
import { LocaleSelect } from './LocaleSelect'
import { SoundToggle } from './SoundToggle'

const AVAILABILITIES: Availability[] = ['online', 'away', 'offline']

export function Header() {
  const current = me.value
  if (!current) return null
  const { agent, account } = current
  const state = connection.value
  return (
    <header class="topbar">
      <div class="brand">
        <LogoMark />
        <span class="brand-text">{t('app.name')}</span>
        <span class="account-name" title={account.name}>
          {account.name}
        </span>
      </div>
      <div class="topbar-tools">
        <output
          class="connection"
          data-testid="connection"
          data-state={state}
          aria-live="polite"
          title={t(`connection.${state}`)}
        >
          <span class="dot" aria-hidden="true" />
          <span class="connection-text">{t(`connection.${state}`)}</span>
        </output>
        <SoundToggle />
        <LocaleSelect />
        {agent.role === 'admin' && (
          <button
            type="button"
            class={`button ghost icon-text ${route.value.name === 'settings' ? 'pressed' : ''}`}
            data-testid="settings-open"
            aria-current={route.value.name === 'settings' ? 'page' : undefined}
            title={t('header.settings')}
            onClick={() => openSettings()}
          >
            <GearIcon />
            <span class="hide-narrow">{t('header.settings')}</span>
          </button>
        )}
        <label
          class={`compact-field availability availability-${agent.availability}`}
          title={autoAway.value ? t('availability.autoAway') : undefined}
          data-auto={autoAway.value ? 'true' : undefined}
        >
          <span class="sr-only">{t('header.availability')}</span>
          <span class="presence" aria-hidden="true" />
          <select
            data-testid="availability"
            value={agent.availability}
            onChange={(e) => void setAvailability(e.currentTarget.value as Availability)}
          >
            {AVAILABILITIES.map((a) => (
              <option key={a} value={a}>
                {t(`availability.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <div class="whoami">
          <span class="whoami-name">{agent.name}</span>
          <span class="whoami-role">{t(`role.${agent.role}`)}</span>
        </div>
        <button
          class="button ghost icon-text"
          type="button"
          data-testid="logout"
          onClick={() => void signOut()}
        >
          <SignOutIcon />
          <span class="hide-narrow">{t('header.logout')}</span>
        </button>
      </div>
    </header>
  )
}
