import type { MailboxDTO } from '@kefu/protocol'
import { z } from 'zod'
import type { EmailMailboxesTable } from '../../db/schema.js'
import type { CoreDeps } from '../../shared/deps.js'
import { AppError, notFound } from '../../shared/errors.js'
import type { SecretBox } from '../../shared/secrets.js'

// Mailbox settings of an email inbox. Passwords are sealed at rest and never leave this module
// except decrypted into the IMAP/SMTP clients: the DTO has no password field at all.

const host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'a host name or IP address')
const port = z.number().int().min(1).max(65535)
const headerSafe = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !/[\r\n]/.test(v), 'must not contain line breaks')

export const mailboxSettingsSchema = z.strictObject({
  imap: z.strictObject({
    host,
    port,
    tls: z.boolean(),
    user: headerSafe(254).pipe(z.string().min(1)),
    password: z.string().min(1).max(1000).optional(),
    folder: headerSafe(200).default('INBOX'),
  }),
  smtp: z.strictObject({
    host,
    port,
    tls: z.boolean(),
    user: headerSafe(254).pipe(z.string().min(1)),
    password: z.string().min(1).max(1000).optional(),
  }),
  fromName: headerSafe(100).pipe(z.string().trim().min(1)),
  fromAddress: z.email().max(254),
  syncDays: z.number().int().min(0).max(3650).default(14),
})

export type MailboxSettingsInput = z.infer<typeof mailboxSettingsSchema>

/** What the IMAP poller and SMTP sender need, passwords decrypted. Never serialised. */
export interface MailboxCredentials {
  inboxId: string
  imap: { host: string; port: number; tls: boolean; user: string; password: string; folder: string }
  smtp: { host: string; port: number; tls: boolean; user: string; password: string }
  fromName: string
  fromAddress: string
  syncDays: number
}

/** Whether settings name the same server and login as the stored ones. */
export function sameServer(
  a: { host: string; port: number; user: string; tls: boolean } | undefined,
  b: { host: string; port: number; user: string; tls: boolean },
): boolean {
  return (
    !a ||
    (a.host.toLowerCase() === b.host.toLowerCase() &&
      a.port === b.port &&
      a.user === b.user &&
      a.tls === b.tls)
  )
}

export function toMailboxDTO(row: EmailMailboxesTable): MailboxDTO {
  return {
    imap: {
      host: row.imap_host,
      port: row.imap_port,
      tls: row.imap_tls === 1,
      user: row.imap_user,
      folder: row.imap_folder,
      passwordSet: true,
    },
    smtp: {
      host: row.smtp_host,
      port: row.smtp_port,
      tls: row.smtp_tls === 1,
      user: row.smtp_user,
      passwordSet: true,
    },
    fromName: row.from_name,
    fromAddress: row.from_address,
    syncDays: row.sync_days,
  }
}

export function createMailboxes({ db, clock }: CoreDeps, box: SecretBox) {
  const k = db.kysely

  return {
    find(inboxId: string): Promise<EmailMailboxesTable | undefined> {
      return k
        .selectFrom('email_mailboxes')
        .selectAll()
        .where('inbox_id', '=', inboxId)
        .executeTakeFirst()
    },

    /** Creates or replaces the settings; a missing password keeps the stored one. */
    async save(inboxId: string, input: MailboxSettingsInput): Promise<EmailMailboxesTable> {
      const existing = await this.find(inboxId)
      // A stored password stays with the server it was given for: pointing the mailbox at another
      // host (or user) needs the password again, or an admin session could redirect it.
      const keptImap =
        existing &&
        sameServer(input.imap, {
          host: existing.imap_host,
          port: existing.imap_port,
          user: existing.imap_user,
          tls: existing.imap_tls === 1,
        })
          ? box.decrypt(existing.imap_password)
          : undefined
      const keptSmtp =
        existing &&
        sameServer(input.smtp, {
          host: existing.smtp_host,
          port: existing.smtp_port,
          user: existing.smtp_user,
          tls: existing.smtp_tls === 1,
        })
          ? box.decrypt(existing.smtp_password)
          : undefined
      const imapPassword = input.imap.password ?? keptImap
      const smtpPassword = input.smtp.password ?? keptSmtp
      if (!imapPassword || !smtpPassword) {
        throw new AppError(
          'mailbox.password_required',
          'Enter the IMAP and SMTP passwords (a new mailbox, or a changed server or user).',
        )
      }
      const now = clock.now()
      const row: EmailMailboxesTable = {
        inbox_id: inboxId,
        imap_host: input.imap.host,
        imap_port: input.imap.port,
        imap_tls: input.imap.tls ? 1 : 0,
        imap_user: input.imap.user,
        imap_password: box.encrypt(imapPassword),
        imap_folder: input.imap.folder,
        smtp_host: input.smtp.host,
        smtp_port: input.smtp.port,
        smtp_tls: input.smtp.tls ? 1 : 0,
        smtp_user: input.smtp.user,
        smtp_password: box.encrypt(smtpPassword),
        from_name: input.fromName,
        from_address: input.fromAddress.toLowerCase(),
        sync_days: input.syncDays,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      }
      await k
        .insertInto('email_mailboxes')
        .values(row)
        .onConflict((oc) => oc.column('inbox_id').doUpdateSet({ ...row, created_at: undefined }))
        .execute()
      return row
    },

    async credentials(inboxId: string): Promise<MailboxCredentials> {
      const row = await this.find(inboxId)
      if (!row) throw notFound('mailbox')
      return {
        inboxId,
        imap: {
          host: row.imap_host,
          port: row.imap_port,
          tls: row.imap_tls === 1,
          user: row.imap_user,
          password: box.decrypt(row.imap_password),
          folder: row.imap_folder,
        },
        smtp: {
          host: row.smtp_host,
          port: row.smtp_port,
          tls: row.smtp_tls === 1,
          user: row.smtp_user,
          password: box.decrypt(row.smtp_password),
        },
        fromName: row.from_name,
        fromAddress: row.from_address,
        syncDays: row.sync_days,
      }
    },

    /** Every email inbox with settings, for the pollers. */
    async all(): Promise<{ inboxId: string; accountId: string }[]> {
      return k
        .selectFrom('email_mailboxes')
        .innerJoin('inboxes', 'inboxes.id', 'email_mailboxes.inbox_id')
        .select(['email_mailboxes.inbox_id as inboxId', 'inboxes.account_id as accountId'])
        .execute()
    },
  }
}

export type Mailboxes = ReturnType<typeof createMailboxes>
