import { describe, expect, test } from 'vitest'
import { pickLocale } from './i18n'

describe('pickLocale', () => {
  test('the locale configured on the inbox wins over the browser', () => {
    expect(pickLocale('zh-TW', ['en-US'])).toBe('zh-TW')
  })

  test('Traditional Chinese browsers get zh-TW', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-HK']) {
      expect(pickLocale(null, [tag])).toBe('zh-TW')
    }
  })

  test('other Chinese browsers get zh-CN', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK']) {
      expect(pickLocale(null, [tag])).toBe('zh-CN')
    }
  })

  test('the first language Kefu speaks is used, else English', () => {
    expect(pickLocale(null, ['fr-FR', 'zh-CN'])).toBe('zh-CN')
    expect(pickLocale(undefined, ['de', 'ja'])).toBe('en')
    expect(pickLocale(null, [])).toBe('en')
  })
})
