import { type Kysely, sql } from 'kysely'

// Business hours and the widget's behaviour when nobody can answer, one row per website inbox.
// An inbox without a row is always open, keeps the chat open and promises replies in minutes.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbox_hours')
    .addColumn('inbox_id', 'text', (c) =>
      c.primaryKey().references('inboxes.id').onDelete('cascade'),
    )
    .addColumn('team_name', 'text')
    .addColumn('timezone', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('weekly', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('holidays', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('when_unavailable', 'text', (c) => c.notNull().defaultTo('keep-open'))
    .addColumn('reply_time', 'text', (c) => c.notNull().defaultTo('minutes'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'inbox_hours_when_unavailable',
      sql`when_unavailable in ('keep-open', 'offline-form')`,
    )
    .addCheckConstraint('inbox_hours_reply_time', sql`reply_time in ('minutes', 'hours', 'day')`)
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbox_hours').ifExists().execute()
}
