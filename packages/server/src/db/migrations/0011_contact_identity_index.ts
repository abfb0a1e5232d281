import type { Kysely } from 'kysely'

// Whether a visitor is an identity-verified user is asked of their contact's identities on every
// widget session, messages and events call (email in a website chat is shown to verified users
// only). Without this index the question reads the whole table, which gains a row per visitor.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('contact_identities_contact')
    .ifNotExists()
    .on('contact_identities')
    .columns(['contact_id', 'kind'])
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contact_identities_contact').ifExists().execute()
}
