import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export function createAvailabilityRepository(db: Kysely<Database>) {
  return {
    findHours(inboxId: string) {
      return db
        .selectFrom('inbox_hours')
        .selectAll()
        .where('inbox_id', '=', inboxId)
        .executeTakeFirst()
    },

    async saveHours(row: Database['inbox_hours']): Promise<void> {
      const { inbox_id: _id, ...changes } = row
      await db
        .insertInto('inbox_hours')
        .values(row)
        .onConflict((oc) => oc.column('inbox_id').doUpdateSet(changes))
        .execute()
    },

    async accountTimezone(accountId: string): Promise<string> {
      const row = await db
        .selectFrom('accounts')
        .select('timezone')
        .where('id', '=', accountId)
        .executeTakeFirst()
      return row?.timezone ?? 'UTC'
    },

    /** Members of the inbox who set themselves online, by name (the socket check comes after). */
    onlineMembers(accountId: string, inboxId: string) {
      return db
        .selectFrom('inbox_members')
        .innerJoin('agents', 'agents.id', 'inbox_members.agent_id')
        .select(['agents.id', 'agents.name'])
        .where('inbox_members.inbox_id', '=', inboxId)
        .where('agents.account_id', '=', accountId)
        .where('agents.availability', '=', 'online')
        .orderBy('agents.name')
        .orderBy('agents.id')
        .execute()
    },
  }
}

export type AvailabilityRepository = ReturnType<typeof createAvailabilityRepository>
