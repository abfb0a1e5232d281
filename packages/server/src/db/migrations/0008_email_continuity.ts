import type { Kysely } from 'kysely'

// Email continuity for website chats: one row per website conversation whose visitor left and
// has agent replies waiting to be emailed (due_at), and how far the emailing got (covered_seq),
// so the batch window holds across restarts and processes. Visitors keep the language their
// browser asked for, so the email speaks it.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_continuity')
    .addColumn('conversation_id', 'text', (c) =>
      c.primaryKey().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // When the next email is due; null when nothing waits.
    .addColumn('due_at', 'bigint')
    // Agent replies up to this message seq were emailed or seen in the widget.
    .addColumn('covered_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_email_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('email_continuity_due')
    .on('email_continuity')
    .column('due_at')
    .execute()
  await db.schema.alterTable('visitors').addColumn('locale', 'text').execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('visitors').dropColumn('locale').execute()
  await db.schema.dropTable('email_continuity').ifExists().execute()
}
