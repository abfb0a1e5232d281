import { describe, expect, test } from 'vitest'
import {
  automaticKind,
  deliveryView,
  formatAddress,
  formatAddresses,
  isEmailInbox,
  threadRuleKey,
  widgetSnippet,
} from './email'
import { dictionaries } from './i18n'

describe('email presentation', () => {
  test('every threading rule has a label; sent mail has none', () => {
    for (const rule of [
      'in-reply-to',
      'references',
      'token',
      'pending-ref',
      'new',
      'future-rule',
    ]) {
      const key = threadRuleKey(rule)
      expect(key).not.toBeNull()
      expect(key && key in dictionaries.en).toBe(true)
    }
    expect(threadRuleKey('future-rule')).toBe('email.threadRule.other')
    expect(threadRuleKey(null)).toBeNull()
  })

  test('automatic mail is grouped by what it means to an agent', () => {
    expect(automaticKind('delivery-report')).toBe('bounce')
    expect(automaticKind('mailer-daemon')).toBe('bounce')
    expect(automaticKind('read-receipt')).toBe('receipt')
    expect(automaticKind('precedence:bulk')).toBe('bulk')
    expect(automaticKind('list-id')).toBe('bulk')
    expect(automaticKind('auto-submitted')).toBe('autoReply')
    expect(automaticKind('x-autoreply')).toBe('autoReply')
    expect(automaticKind(null)).toBe('autoReply')
  })

  test('only failed and bounced deliveries offer a retry; pending with an error is retrying', () => {
    expect(deliveryView({ status: 'pending', error: null })).toMatchObject({
      retrying: false,
      canRetry: false,
    })
    expect(deliveryView({ status: 'pending', error: 'Connection timed out' })).toMatchObject({
      status: 'pending',
      retrying: true,
      error: 'Connection timed out',
      canRetry: false,
    })
    expect(deliveryView({ status: 'sent', error: 'stale' })).toMatchObject({
      error: null,
      canRetry: false,
    })
    expect(deliveryView({ status: 'failed', error: '550 no such user' }).canRetry).toBe(true)
    expect(deliveryView({ status: 'bounced', error: null }).canRetry).toBe(true)
  })

  test('addresses read as "Name <address>" and names never repeat the address', () => {
    expect(formatAddress({ name: '王小明', address: 'wang@example.com' })).toBe(
      '王小明 <wang@example.com>',
    )
    expect(formatAddress({ name: ' ', address: 'a@b.com' })).toBe('a@b.com')
    expect(formatAddress({ name: 'A@B.com', address: 'a@b.com' })).toBe('a@b.com')
    expect(
      formatAddresses([
        { name: '', address: 'a@b.com' },
        { name: '<script>', address: 'c@d.com' },
      ]),
    ).toBe('a@b.com, <script> <c@d.com>')
  })

  test('inbox kinds and the widget snippet', () => {
    const inboxes = [
      { id: 'w', kind: 'widget' as const, name: 'Site', publicToken: 'tok', settings: {} },
      { id: 'e', kind: 'email' as const, name: 'Mail', publicToken: null, settings: {} },
    ]
    expect(isEmailInbox(inboxes, 'e')).toBe(true)
    expect(isEmailInbox(inboxes, 'w')).toBe(false)
    expect(isEmailInbox(inboxes, 'gone')).toBe(false)
    expect(widgetSnippet('https://kefu.example.cn', 'tok')).toBe(
      '<script src="https://kefu.example.cn/widget.js" data-inbox="tok" async></script>',
    )
  })
})
