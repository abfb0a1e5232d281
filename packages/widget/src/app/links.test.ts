import { describe, expect, test } from 'vitest'
import { splitLinks } from './links'

describe('splitLinks', () => {
  test('plain text stays one text part', () => {
    expect(splitLinks('hello <b>there</b>')).toEqual([{ text: 'hello <b>there</b>' }])
  })

  test('http and https URLs become links', () => {
    expect(splitLinks('see https://kefu.example/docs?a=1#x and http://a.example')).toEqual([
      { text: 'see ' },
      { text: 'https://kefu.example/docs?a=1#x', href: 'https://kefu.example/docs?a=1#x' },
      { text: ' and ' },
      { text: 'http://a.example', href: 'http://a.example/' },
    ])
  })

  test('sentence punctuation and unbalanced brackets after a URL are not part of it', () => {
    expect(splitLinks('(at https://a.example/x).')).toEqual([
      { text: '(at ' },
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: ').' },
    ])
    expect(splitLinks('https://en.wikipedia.org/wiki/Kefu_(service)')[0]?.href).toBe(
      'https://en.wikipedia.org/wiki/Kefu_(service)',
    )
  })

  test('a URL followed directly by Chinese text ends before it', () => {
    expect(splitLinks('请看https://kefu.example/a这里。')).toEqual([
      { text: '请看' },
      { text: 'https://kefu.example/a', href: 'https://kefu.example/a' },
      { text: '这里。' },
    ])
  })

  test('javascript: and data: URLs are never links', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>x</script>']) {
      expect(splitLinks(text).every((part) => part.href === undefined)).toBe(true)
    }
    expect(splitLinks('javascript:alert("https://x.example")')).toEqual([
      { text: 'javascript:alert("' },
      { text: 'https://x.example', href: 'https://x.example/' },
      { text: '")' },
    ])
  })
})
