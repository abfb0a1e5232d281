import { type Kysely, sql } from 'kysely'

// Customer satisfaction (CSAT): the customer's rating of a resolved conversation. One row per
// conversation; rating again replaces it, so reports count each conversation once.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversation_ratings')
    .addColumn('conversation_id', 'text', (c) =>
      c.primaryKey().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('conversation_ratings_score', sql`score between 1 and 5`)
    // length() counts characters on both databases (not bytes), like the API's limit.
    .addCheckConstraint(
      'conversation_ratings_comment',
      sql`comment is null or length(comment) <= 1000`,
    )
    .execute()
  // Reports read an account's ratings by period.
  await db.schema
    .createIndex('conversation_ratings_account_updated')
    .on('conversation_ratings')
    .columns(['account_id', 'updated_at'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('conversation_ratings').ifExists().execute()
}
