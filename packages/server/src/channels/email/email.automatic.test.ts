import { describe, expect, test } from 'vitest'
import { detectAutomatic, type HeaderMap, readDeliveryReport } from './email.automatic.js'

const headers = (fields: Record<string, string>): HeaderMap =>
  new Map(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), [value]]))

const reason = (fields: Record<string, string>, from?: string, subject?: string) =>
  detectAutomatic({ headers: headers(fields), from: from ?? null, subject: subject ?? null }).reason

describe('detectAutomatic', () => {
  test('a person’s mail is not automatic', () => {
    expect(
      detectAutomatic({
        headers: headers({
          'Content-Type': 'text/plain',
          'Auto-Submitted': 'no',
          Precedence: 'normal',
        }),
        from: 'alice@example.com',
        subject: 'Re: Automatic renewal',
      }),
    ).toEqual({ isAutomatic: false, reason: null })
  })

  test('Auto-Submitted other than "no" (RFC 3834)', () => {
    expect(reason({ 'Auto-Submitted': 'auto-replied' })).toBe('auto-submitted')
    expect(reason({ 'Auto-Submitted': 'auto-generated; owner-email="a@b"' })).toBe('auto-submitted')
    expect(reason({ 'Auto-Submitted': 'No' })).toBeNull()
  })

  test('X-Autoreply, X-Autorespond and Exchange’s X-Auto-Response-Suppress', () => {
    expect(reason({ 'X-Autoreply': 'yes' })).toBe('x-autoreply')
    expect(reason({ 'X-Autorespond': 'Vacation' })).toBe('x-autoreply')
    expect(reason({ 'X-Auto-Response-Suppress': 'All' })).toBe('x-auto-response-suppress')
    expect(reason({ 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' })).toBe(
      'x-auto-response-suppress',
    )
    expect(reason({ 'X-Auto-Response-Suppress': 'RN, NRN' })).toBeNull()
  })

  test('Precedence bulk, junk, list and auto_reply', () => {
    for (const value of ['bulk', 'junk', 'list', 'auto_reply', 'Bulk']) {
      expect(reason({ Precedence: value })).toBe(`precedence:${value.toLowerCase()}`)
    }
  })

  test('mailing lists by List-Id or List-Unsubscribe', () => {
    expect(reason({ 'List-Id': '<news.example.com>' })).toBe('list-id')
    expect(reason({ 'List-Unsubscribe': '<mailto:u@example.com>' })).toBe('list-unsubscribe')
  })

  test('an empty Return-Path, and mail from mailer-daemon@ or postmaster@', () => {
    expect(reason({ 'Return-Path': '<>' })).toBe('null-return-path')
    expect(reason({ 'Return-Path': '<alice@example.com>' })).toBeNull()
    expect(reason({}, 'MAILER-DAEMON@mx.example.com')).toBe('mailer-daemon')
    expect(reason({}, 'postmaster@example.com')).toBe('mailer-daemon')
  })

  test('reports: delivery status notifications and read receipts', () => {
    expect(
      reason({ 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="x"' }),
    ).toBe('delivery-report')
    expect(
      reason({ 'Content-Type': 'multipart/report; report-type="disposition-notification"' }),
    ).toBe('read-receipt')
  })

  test('auto-reply subjects from clients that send no header at all', () => {
    expect(reason({}, 'a@example.com', '自动回复：您好')).toBe('auto-reply-subject')
    expect(reason({}, 'a@example.com', 'Automatic reply: Order 7781')).toBe('auto-reply-subject')
    expect(reason({}, 'a@example.com', 'Re: 自动回复：您好')).toBeNull()
  })
})

describe('readDeliveryReport', () => {
  const part = (contentType: string, text: string) => ({
    contentType,
    content: Buffer.from(text.replace(/\n/g, '\r\n')),
  })

  test('Original-Message-ID in the status part wins over the returned message', () => {
    const report = readDeliveryReport([
      part(
        'message/delivery-status',
        'Reporting-MTA: dns; mx.example\nOriginal-Message-ID: <ours@kefu.example>\n\nFinal-Recipient: rfc822; Bob@Example.com\nAction: failed\nStatus: 5.1.1 (no such user)\n',
      ),
      part('message/rfc822', 'Message-ID: <other@kefu.example>\nSubject: x\n\nbody'),
    ])
    expect(report).toEqual({
      originalMessageId: 'ours@kefu.example',
      recipient: 'bob@example.com',
      status: '5.1.1',
      action: 'failed',
    })
  })

  test('the Message-ID of the returned message or its headers is used otherwise', () => {
    const status = part(
      'message/delivery-status',
      'Final-Recipient: rfc822;c@example.com\nAction: delayed\nStatus: 4.4.1\n',
    )
    const folded = 'From: s@kefu.example\nMessage-ID:\n <returned@kefu.example>\n\nbody'
    expect(readDeliveryReport([status, part('message/rfc822', folded)]).originalMessageId).toBe(
      'returned@kefu.example',
    )
    expect(
      readDeliveryReport([status, part('text/rfc822-headers', 'Message-Id: <h@kefu.example>\n')])
        .originalMessageId,
    ).toBe('h@kefu.example')
  })

  test('a report without a status part gives nulls, not an error', () => {
    expect(readDeliveryReport([])).toEqual({
      originalMessageId: null,
      recipient: null,
      status: null,
      action: null,
    })
  })
})
