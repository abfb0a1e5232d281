import { describe, expect, test } from 'vitest'
import {
  emptyMailboxForm,
  formFromMailbox,
  type MailboxForm,
  settingsFromForm,
} from './mailbox-form'

const filled: MailboxForm = {
  ...emptyMailboxForm,
  name: ' Support mail ',
  imapHost: 'imap.exmail.qq.com',
  imapUser: 'support@shop.example',
  imapPassword: ' secret with spaces ',
  smtpHost: 'smtp.exmail.qq.com',
  smtpUser: 'support@shop.example',
  smtpPassword: 'smtp-secret',
  fromName: '小店客服',
  fromAddress: 'support@shop.example',
}

describe('mailbox form', () => {
  test('a complete new mailbox becomes the settings the server takes', () => {
    const result = settingsFromForm(filled, 'create')
    expect(result).toEqual({
      ok: true,
      name: 'Support mail',
      settings: {
        imap: {
          host: 'imap.exmail.qq.com',
          port: 993,
          tls: true,
          user: 'support@shop.example',
          password: ' secret with spaces ',
          folder: 'INBOX',
        },
        smtp: {
          host: 'smtp.exmail.qq.com',
          port: 465,
          tls: true,
          user: 'support@shop.example',
          password: 'smtp-secret',
        },
        fromName: '小店客服',
        fromAddress: 'support@shop.example',
        syncDays: 14,
      },
    })
  })

  test('a new mailbox needs both passwords; bad hosts, ports and addresses are named', () => {
    const result = settingsFromForm(
      {
        ...filled,
        name: '',
        imapPassword: '',
        smtpHost: 'smtp example',
        smtpPort: '70000',
        imapPort: '99a',
        fromAddress: 'support',
        syncDays: '-1',
      },
      'create',
    )
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.fields.sort()).toEqual(
        [
          'fromAddress',
          'imapPassword',
          'imapPort',
          'name',
          'smtpHost',
          'smtpPort',
          'syncDays',
        ].sort(),
      )
    }
  })

  test('editing: empty passwords are left out so the stored ones stay', () => {
    const stored = formFromMailbox('Support mail', {
      imap: {
        host: 'imap.x.com',
        port: 143,
        tls: false,
        user: 'u',
        folder: 'Support',
        passwordSet: true,
      },
      smtp: { host: 'smtp.x.com', port: 587, tls: true, user: 'u', passwordSet: true },
      fromName: 'Kefu',
      fromAddress: 'help@x.com',
      syncDays: 0,
    })
    expect(stored.imapPassword).toBe('')
    expect(stored.imapPort).toBe('143')
    const result = settingsFromForm(stored, 'edit')
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.settings.imap).toEqual({
        host: 'imap.x.com',
        port: 143,
        tls: false,
        user: 'u',
        folder: 'Support',
      })
      expect('password' in result.settings.smtp).toBe(false)
      expect(result.settings.syncDays).toBe(0)
    }
    const changed = settingsFromForm({ ...stored, smtpPassword: 'new' }, 'edit')
    expect(changed.ok && changed.settings.smtp.password).toBe('new')
  })
})
