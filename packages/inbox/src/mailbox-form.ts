// The email inbox form as plain data: what the inputs hold (strings and switches), how a stored
// mailbox fills them, and the settings they make, checked the way the server checks them.
import type { MailboxDTO, MailboxSettings } from '@kefu/protocol'
import { isEmailAddress } from './recipients'

export interface MailboxForm {
  name: string
  imapHost: string
  imapPort: string
  imapTls: boolean
  imapUser: string
  /** Empty when editing: keep the stored password. */
  imapPassword: string
  imapFolder: string
  smtpHost: string
  smtpPort: string
  smtpTls: boolean
  smtpUser: string
  smtpPassword: string
  fromName: string
  fromAddress: string
  syncDays: string
}

export type MailboxField = keyof MailboxForm

export const emptyMailboxForm: MailboxForm = {
  name: '',
  imapHost: '',
  imapPort: '993',
  imapTls: true,
  imapUser: '',
  imapPassword: '',
  imapFolder: 'INBOX',
  smtpHost: '',
  smtpPort: '465',
  smtpTls: true,
  smtpUser: '',
  smtpPassword: '',
  fromName: '',
  fromAddress: '',
  syncDays: '14',
}

export function formFromMailbox(name: string, mailbox: MailboxDTO): MailboxForm {
  return {
    name,
    imapHost: mailbox.imap.host,
    imapPort: String(mailbox.imap.port),
    imapTls: mailbox.imap.tls,
    imapUser: mailbox.imap.user,
    imapPassword: '',
    imapFolder: mailbox.imap.folder,
    smtpHost: mailbox.smtp.host,
    smtpPort: String(mailbox.smtp.port),
    smtpTls: mailbox.smtp.tls,
    smtpUser: mailbox.smtp.user,
    smtpPassword: '',
    fromName: mailbox.fromName,
    fromAddress: mailbox.fromAddress,
    syncDays: String(mailbox.syncDays),
  }
}

const HOST = /^[A-Za-z0-9.-]+$/

function port(value: string): number | null {
  const n = Number(value.trim())
  return /^\d+$/.test(value.trim()) && n >= 1 && n <= 65535 ? n : null
}

const lineSafe = (value: string) => !/[\r\n]/.test(value)

/**
 * The settings the form describes, or the fields that are wrong. A new mailbox needs both
 * passwords; when editing, an empty password is left out so the server keeps the stored one.
 */
export function settingsFromForm(
  form: MailboxForm,
  mode: 'create' | 'edit',
): { ok: true; name: string; settings: MailboxSettings } | { ok: false; fields: MailboxField[] } {
  const fields: MailboxField[] = []
  const check = (field: MailboxField, valid: boolean) => {
    if (!valid) fields.push(field)
  }
  const name = form.name.trim()
  if (mode === 'create') check('name', name.length > 0 && name.length <= 100)
  const imapHost = form.imapHost.trim()
  const smtpHost = form.smtpHost.trim()
  check('imapHost', HOST.test(imapHost) && imapHost.length <= 253)
  check('imapPort', port(form.imapPort) !== null)
  check('imapUser', form.imapUser.trim() !== '' && lineSafe(form.imapUser))
  check(
    'imapPassword',
    mode === 'edit' ? form.imapPassword.length <= 1000 : form.imapPassword.length > 0,
  )
  check('imapFolder', form.imapFolder.trim() !== '' && lineSafe(form.imapFolder))
  check('smtpHost', HOST.test(smtpHost) && smtpHost.length <= 253)
  check('smtpPort', port(form.smtpPort) !== null)
  check('smtpUser', form.smtpUser.trim() !== '' && lineSafe(form.smtpUser))
  check(
    'smtpPassword',
    mode === 'edit' ? form.smtpPassword.length <= 1000 : form.smtpPassword.length > 0,
  )
  check('fromName', form.fromName.trim() !== '' && form.fromName.trim().length <= 100)
  check('fromAddress', isEmailAddress(form.fromAddress.trim()))
  const syncDays = Number(form.syncDays.trim())
  check('syncDays', /^\d+$/.test(form.syncDays.trim()) && syncDays <= 3650)
  if (fields.length > 0) return { ok: false, fields }

  const settings: MailboxSettings = {
    imap: {
      host: imapHost,
      port: port(form.imapPort) ?? 0,
      tls: form.imapTls,
      user: form.imapUser.trim(),
      folder: form.imapFolder.trim(),
    },
    smtp: {
      host: smtpHost,
      port: port(form.smtpPort) ?? 0,
      tls: form.smtpTls,
      user: form.smtpUser.trim(),
    },
    fromName: form.fromName.trim(),
    fromAddress: form.fromAddress.trim(),
    syncDays,
  }
  // Passwords are sent exactly as typed (spaces may be part of them), and only when typed.
  if (form.imapPassword !== '') settings.imap.password = form.imapPassword
  if (form.smtpPassword !== '') settings.smtp.password = form.smtpPassword
  return { ok: true, name, settings }
}
