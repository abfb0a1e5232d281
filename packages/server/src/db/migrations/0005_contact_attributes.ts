import type { Kysely } from 'kysely'

// Contacts gain attributes: a JSON object of the answers to an inbox's custom pre-chat fields
// (name, email and phone keep their own columns).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('contacts')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('attributes').execute()
}
