import { expect, test } from 'vitest'
import { dictionaries, localeFromLanguage, translate } from './i18n'

test('every dictionary has every key, and none is left empty', () => {
  const keys = Object.keys(dictionaries.en).sort()
  for (const dictionary of Object.values(dictionaries)) {
    expect(Object.keys(dictionary).sort()).toEqual(keys)
    for (const value of Object.values(dictionary)) expect(value.trim()).not.toBe('')
  }
})

test('placeholders survive translation', () => {
  for (const [key, value] of Object.entries(dictionaries.en)) {
    const names = (value.match(/\{\w+\}/g) ?? []).sort()
    for (const dictionary of Object.values(dictionaries)) {
      const translated = dictionary[key as keyof typeof dictionary]
      expect((translated.match(/\{\w+\}/g) ?? []).sort(), key).toEqual(names)
    }
  }
  expect(translate('zh-CN', 'list.unread', { count: 3 })).toBe('3 条未读')
})

test('the browser language picks the locale: zh-* is Simplified unless Traditional', () => {
  expect(localeFromLanguage('zh')).toBe('zh-CN')
  expect(localeFromLanguage('zh-CN')).toBe('zh-CN')
  expect(localeFromLanguage('zh-SG')).toBe('zh-CN')
  expect(localeFromLanguage('zh-TW')).toBe('zh-TW')
  expect(localeFromLanguage('zh-Hant-HK')).toBe('zh-TW')
  expect(localeFromLanguage('en-GB')).toBe('en')
  expect(localeFromLanguage(undefined)).toBe('en')
})
