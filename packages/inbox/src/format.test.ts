import { describe, expect, test } from 'vitest'
import { contactName, initial, linkify, newClientId, relativeTime, shortId } from './format'

describe('linkify', () => {
  test('only http and https become links; everything else stays text', () => {
    expect(linkify('see https://kefu.example/help.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://kefu.example/help', href: 'https://kefu.example/help' },
      { kind: 'text', text: '.' },
    ])
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      '<img src=x onerror=1>',
    ]) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }])
    }
  })

  test('a link inside Chinese text stops at full-width punctuation', () => {
    expect(linkify('请看http://kefu.example/a，谢谢')).toEqual([
      { kind: 'text', text: '请看' },
      { kind: 'link', text: 'http://kefu.example/a', href: 'http://kefu.example/a' },
      { kind: 'text', text: '，谢谢' },
    ])
  })
})

describe('names', () => {
  test('an anonymous visitor is "Visitor" plus a short id', () => {
    const id = '0199a3b2-7c1e-7d00-8f3a-1b2c3d4e5f60'
    expect(shortId(id)).toBe('4E5F60')
    expect(contactName({ id, name: null, email: null }, 'Visitor')).toBe('Visitor 4E5F60')
    expect(contactName({ id, name: '  ', email: 'a@b.cn' }, 'Visitor')).toBe('a@b.cn')
    expect(contactName({ id, name: '张伟', email: null }, '访客')).toBe('张伟')
  })

  test('initials take a whole character', () => {
    expect(initial('张伟')).toBe('张')
    expect(initial('😀 fan')).toBe('😀')
    expect(initial('li')).toBe('L')
  })
})

describe('relative time', () => {
  const words = { now: 'now', yesterday: 'Yesterday' }
  test('recent, today, yesterday and older', () => {
    const now = new Date(2025, 5, 10, 15, 0).getTime()
    expect(relativeTime(now - 10_000, now, 'en', words)).toBe('now')
    expect(relativeTime(now - 5 * 60_000, now, 'en', words)).toMatch(/5/)
    expect(relativeTime(now - 3 * 3_600_000, now, 'en', words)).toMatch(/3/)
    expect(relativeTime(new Date(2025, 5, 9, 1, 0).getTime(), now, 'en', words)).toBe('Yesterday')
    expect(relativeTime(new Date(2025, 2, 3).getTime(), now, 'en', words)).toMatch(/Mar/)
    expect(relativeTime(new Date(2025, 2, 3).getTime(), now, 'zh-CN', words)).toMatch(/3月3日/)
  })
})

test('client ids look like UUIDs', () => {
  expect(newClientId()).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  )
})
