import { describe, expect, test } from 'vitest'
import { isEmailAddress, parseRecipients, readRecipients, recipientsValid } from './recipients'

describe('recipients', () => {
  test('addresses are checked the way the server checks them', () => {
    for (const ok of ['a@b.co', 'wang.xiaoming@example.com.cn', "o'neil+kefu@mail.example.org"]) {
      expect(isEmailAddress(ok), ok).toBe(true)
    }
    for (const bad of [
      '',
      'a',
      'a@b',
      '@b.com',
      'a@b.c',
      'a b@c.com',
      'a@@b.com',
      '.a@b.com',
      'a..b@c.com',
      'a@-b.com',
    ]) {
      expect(isEmailAddress(bad), bad).toBe(false)
    }
    expect(isEmailAddress(`${'a'.repeat(250)}@b.com`)).toBe(false)
  })

  test('commas, semicolons, full-width separators and line breaks all split', () => {
    const parsed = parseRecipients(' a@x.com, b@y.cn；c@z.org，d@w.net;\ne@v.io 、 f@u.com ')
    expect(parsed.addresses).toEqual([
      'a@x.com',
      'b@y.cn',
      'c@z.org',
      'd@w.net',
      'e@v.io',
      'f@u.com',
    ])
    expect(parsed.invalid).toEqual([])
  })

  test('"Name <address>" keeps the address; duplicates count once; junk is reported as typed', () => {
    const parsed = parseRecipients(
      '王小明 <Wang@Example.com>, wang@example.com, not-an-address, <x@y.com>',
    )
    expect(parsed.addresses).toEqual(['Wang@Example.com', 'x@y.com'])
    expect(parsed.invalid).toEqual(['not-an-address'])
    expect(recipientsValid(parsed, false)).toBe(false)
  })

  test('empty fields are fine unless required; more than 50 are too many', () => {
    expect(recipientsValid(parseRecipients(' , ; '), false)).toBe(true)
    expect(recipientsValid(parseRecipients(''), true)).toBe(false)
    const many = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`).join(',')
    expect(parseRecipients(many).tooMany).toBe(true)
    expect(recipientsValid(parseRecipients(many), false)).toBe(false)
  })

  test('a reply needs a To; an address named twice goes to the first field only', () => {
    expect(readRecipients({ to: '', cc: 'a@x.com', bcc: '' })).toEqual({ ok: false, field: 'to' })
    expect(readRecipients({ to: 'a@x.com', cc: 'oops', bcc: '' })).toEqual({
      ok: false,
      field: 'cc',
    })
    expect(readRecipients({ to: 'a@x.com', cc: '', bcc: 'b@' })).toEqual({
      ok: false,
      field: 'bcc',
    })
    expect(
      readRecipients({ to: 'a@x.com', cc: 'A@x.com, b@x.com', bcc: 'b@x.com, c@x.com' }),
    ).toEqual({ ok: true, recipients: { to: ['a@x.com'], cc: ['b@x.com'], bcc: ['c@x.com'] } })
  })
})
