import type { Locale } from '@kefu/protocol'

const formats = new Map<string, Intl.DateTimeFormat>()

/** Intl formatters are slow to make: one per locale and options, kept. */
export function dateFormat(
  locale: Locale,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options)
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    formats.set(key, format)
  }
  return format
}
