import type { Kysely } from 'kysely'

// Identity verification for website inboxes: the secret a company's backend signs visitor ids
// with, sealed at rest, and whether unsigned identities are refused.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('widget_identity')
    .addColumn('inbox_id', 'text', (c) =>
      c.primaryKey().references('inboxes.id').onDelete('cascade'),
    )
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('widget_identity').ifExists().execute()
}
