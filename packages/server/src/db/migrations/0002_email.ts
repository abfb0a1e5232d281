import { type Kysely, PostgresAdapter, sql } from 'kysely'

// The email channel: mailbox settings (passwords encrypted), the IMAP cursor and health per
// mailbox, leases so one process polls each mailbox, quarantine, an outbox for sending, raw
// sources in a blob table, and the facts threading needs.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`

  await db.schema
    .createTable('blobs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('bytes', bytes, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  // Email attachments: inline images are referenced from the HTML by Content-ID.
  await db.schema.alterTable('attachments').addColumn('content_id', 'text').execute()
  await db.schema
    .alterTable('attachments')
    .addColumn('inline', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('email_mailboxes')
    .addColumn('inbox_id', 'text', (c) =>
      c.primaryKey().references('inboxes.id').onDelete('cascade'),
    )
    .addColumn('imap_host', 'text', (c) => c.notNull())
    .addColumn('imap_port', 'integer', (c) => c.notNull())
    .addColumn('imap_tls', 'integer', (c) => c.notNull())
    .addColumn('imap_user', 'text', (c) => c.notNull())
    .addColumn('imap_password', 'text', (c) => c.notNull())
    .addColumn('imap_folder', 'text', (c) => c.notNull().defaultTo('INBOX'))
    .addColumn('smtp_host', 'text', (c) => c.notNull())
    .addColumn('smtp_port', 'integer', (c) => c.notNull())
    .addColumn('smtp_tls', 'integer', (c) => c.notNull())
    .addColumn('smtp_user', 'text', (c) => c.notNull())
    .addColumn('smtp_password', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('sync_days', 'integer', (c) => c.notNull().defaultTo(14))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('email_sync_state')
    .addColumn('inbox_id', 'text', (c) =>
      c.primaryKey().references('inboxes.id').onDelete('cascade'),
    )
    .addColumn('uidvalidity', 'bigint')
    .addColumn('last_uid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('connected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_sync_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('email_messages')
    .addColumn('message_id', 'text', (c) =>
      c.primaryKey().references('messages.id').onDelete('cascade'),
    )
    .addColumn('inbox_id', 'text', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('rfc_message_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('to_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('cc_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('in_reply_to', 'text')
    .addColumn('references_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('quoted_text', 'text')
    .addColumn('raw_key', 'text')
    .addColumn('thread_rule', 'text')
    .addColumn('is_automatic', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('automatic_reason', 'text')
    .addColumn('date_from_header', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sent_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('email_messages_rfc_id')
    .on('email_messages')
    .columns(['inbox_id', 'rfc_message_id'])
    .execute()

  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('address', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'address'])
    .execute()

  await db.schema
    .createTable('email_pending_refs')
    .addColumn('inbox_id', 'text', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_pending_refs_pk', ['inbox_id', 'ref_id', 'conversation_id'])
    .execute()

  await db.schema
    .createTable('email_quarantine')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('inbox_id', 'text', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('uidvalidity', 'bigint')
    .addColumn('uid', 'bigint')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('raw_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('email_quarantine_inbox')
    .on('email_quarantine')
    .columns(['inbox_id', 'resolved_at'])
    .execute()

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('inbox_id', 'text', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) =>
      c.notNull().unique().references('messages.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('rfc_message_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'outbox_status',
      sql`status in ('pending', 'sending', 'sent', 'failed', 'bounced')`,
    )
    .execute()
  await db.schema
    .createIndex('outbox_due')
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outbox',
    'email_quarantine',
    'email_pending_refs',
    'conversation_participants',
    'email_messages',
    'email_sync_state',
    'email_mailboxes',
    'leases',
    'blobs',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await db.schema.alterTable('attachments').dropColumn('inline').execute()
  await db.schema.alterTable('attachments').dropColumn('content_id').execute()
}
