import { expect, test } from 'vitest'
import { toIdentity } from './bridge'

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
