import type { Kysely } from 'kysely'

// The file clean-up (files.usecases.ts sweep) finds stale unsent uploads, then asks of each blob
// whether an upload, an attachment or a mail source still uses it. Without these indexes each of
// those questions reads a whole table.

const indexes: [name: string, table: string, columns: string[]][] = [
  ['uploads_unsent', 'uploads', ['message_id', 'created_at']],
  ['uploads_storage_key', 'uploads', ['storage_key']],
  ['attachments_storage_key', 'attachments', ['storage_key']],
  ['email_messages_raw_key', 'email_messages', ['raw_key']],
  ['email_quarantine_raw_key', 'email_quarantine', ['raw_key']],
]

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of indexes) {
    await db.schema.createIndex(name).ifNotExists().on(table).columns(columns).execute()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of indexes) await db.schema.dropIndex(name).ifExists().execute()
}
