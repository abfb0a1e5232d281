import { expect, test } from 'vitest'
import { toHostMessage, toIdentity } from './bridge'

test('only the known string fields of an identity pass from the host page', () => {
  expect(
    toIdentity({ id: 42, email: 'a@b.test', hash: 'ff', admin: true, name: { x: 1 } }),
  ).toEqual({
    id: '42',
    email: 'a@b.test',
    hash: 'ff',
  })
  expect(toIdentity('user-1')).toBeNull()
  expect(toIdentity({ email: 'a@b.test' })).toBeNull()
})

test('the host page may set one of the three locales, nothing else', () => {
  for (const locale of ['en', 'zh-CN', 'zh-TW'])
    expect(toHostMessage({ kefu: 'locale', locale })).toEqual({ kefu: 'locale', locale })
  for (const locale of ['fr', 'zh', 'ZH-CN', '', null, 1, { toString: () => 'en' }])
    expect(toHostMessage({ kefu: 'locale', locale })).toBeNull()
  expect(toHostMessage({ kefu: 'locale' })).toBeNull()
})

test('other host messages still pass, unknown ones do not', () => {
  expect(toHostMessage({ kefu: 'open' })).toEqual({ kefu: 'open' })
  expect(toHostMessage({ kefu: 'identify', identity: { id: 7 } })).toEqual({
    kefu: 'identify',
    identity: { id: '7' },
  })
  expect(toHostMessage({ kefu: 'identify', identity: 'x' })).toBeNull()
  expect(toHostMessage({ kefu: 'message' })).toBeNull()
  expect(toHostMessage(null)).toBeNull()
  expect(toHostMessage('open')).toBeNull()
})
