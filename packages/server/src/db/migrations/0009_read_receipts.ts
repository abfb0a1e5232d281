import type { Kysely } from 'kysely'

// Read receipts: how far each side of a conversation has read the other's messages, as message
// seqs. One row per conversation, made on the first read; both marks only ever move forward.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversation_receipts')
    .addColumn('conversation_id', 'text', (c) =>
      c.primaryKey().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // The seq of the team's last reply the customer has seen (0: none).
    .addColumn('contact_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    // The seq of the customer's last message an agent has read (0: none).
    .addColumn('team_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('conversation_receipts').ifExists().execute()
}
