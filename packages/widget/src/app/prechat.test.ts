import type { PreChatField } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import {
  autocompleteFor,
  preChatAnswers,
  preChatLabel,
  serverPreChatErrors,
  validatePreChat,
} from './prechat'

const fields: PreChatField[] = [
  { key: 'name', type: 'text', required: true, label: { en: 'Name', 'zh-CN': '姓名' } },
  { key: 'email', type: 'email', required: true },
  { key: 'phone', type: 'tel', required: false },
  { key: 'order_no', type: 'text', required: false, label: { 'zh-TW': '訂單' } },
]

describe('pre-chat form', () => {
  test('labels: the locale, else English, else the key', () => {
    expect(preChatLabel(fields[0]!, 'zh-CN')).toBe('姓名')
    expect(preChatLabel(fields[0]!, 'zh-TW')).toBe('Name')
    expect(preChatLabel(fields[1]!, 'en')).toBe('email')
    expect(preChatLabel(fields[3]!, 'en')).toBe('order_no')
  })

  test('required fields must be filled, blanks included', () => {
    expect(validatePreChat(fields, { name: '  ' })).toEqual({ name: 'required', email: 'required' })
  })

  test('emails and phone numbers are checked, optional empties pass', () => {
    expect(validatePreChat(fields, { name: 'Lin', email: 'lin@', phone: 'call me' })).toEqual({
      email: 'email',
      phone: 'tel',
    })
    expect(validatePreChat(fields, { name: 'Lin', email: 'lin@example.test' })).toEqual({})
    expect(
      validatePreChat(fields, { name: 'Lin', email: 'a@b.cn', phone: '+86 (10) 1234-5678' }),
    ).toEqual({})
  })

  test('values longer than 200 characters are refused', () => {
    expect(validatePreChat(fields, { name: 'x'.repeat(201), email: 'a@b.cn' })).toEqual({
      name: 'long',
    })
  })

  test('answers are trimmed and empty ones left out', () => {
    expect(preChatAnswers(fields, { name: ' Lin ', email: 'a@b.cn', phone: ' ' })).toEqual({
      name: 'Lin',
      email: 'a@b.cn',
    })
  })

  test('autocomplete follows the key or the type', () => {
    expect(fields.map(autocompleteFor)).toEqual(['name', 'email', 'tel', 'off'])
  })

  test("the server's issues map back to fields", () => {
    expect(
      serverPreChatErrors({ issues: [{ path: 'fields.email', message: 'x' }, { path: '' }] }),
    ).toEqual({ email: 'invalid' })
    expect(serverPreChatErrors(null)).toEqual({})
  })
})
