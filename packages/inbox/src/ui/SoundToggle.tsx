import { t } from '../i18n'
import { setSound, soundOn } from '../sound'

const BELL =
  'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z'

/** Turns the chime for new customer messages elsewhere on or off (off by default). */
export function SoundToggle() {
  const on = soundOn.value
  return (
    <button
      type="button"
      class={`button ghost icon-text ${on ? 'pressed' : ''}`}
      data-testid="sound-toggle"
      aria-pressed={on}
      title={t('header.sound')}
      onClick={() => setSound(!on)}
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="currentColor">
        <path d={BELL} />
        {!on && <path d="M3.4 2 2 3.4 20.6 22l1.4-1.4z" />}
      </svg>
      <span class="sr-only">{t('header.sound')}</span>
    </button>
  )
}
