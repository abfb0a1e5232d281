import type { Locale } from '@kefu/protocol'
import { isLocale, locale, localeNames, setLocale, t } from '../i18n'

export function LocaleSelect() {
  return (
    <label class="compact-field">
      <span class="sr-only">{t('header.language')}</span>
      <select
        data-testid="locale"
        value={locale.value}
        onChange={(e) => {
          const value = e.currentTarget.value
          if (isLocale(value)) setLocale(value)
        }}
      >
        {(Object.keys(localeNames) as Locale[]).map((code) => (
          <option key={code} value={code} lang={code}>
            {localeNames[code]}
          </option>
        ))}
      </select>
    </label>
  )
}
