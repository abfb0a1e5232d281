import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

// A lease is a row with an expiry: a process that holds an unexpired lease on "imap:<inbox>" is
// the only one polling that mailbox, even when several Kefu processes share one database. A
// holder that dies stops renewing and another takes over after the expiry.

export function createLeases(db: Kysely<Database>, holder: string) {
  return {
    /** Takes or renews the lease; true when this process holds it until now + ttlMs. */
    async acquire(name: string, ttlMs: number, now = Date.now()): Promise<boolean> {
      const expires = now + ttlMs
      // Insert if free; otherwise take it over only when it is ours or has expired. One statement,
      // so two processes racing for it cannot both win.
      await db
        .insertInto('leases')
        .values({ name, holder, expires_at: expires })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: expires })
            .where((eb) =>
              eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', now)]),
            ),
        )
        .execute()
      const row = await db
        .selectFrom('leases')
        .select('holder')
        .where('name', '=', name)
        .executeTakeFirst()
      return row?.holder === holder
    },

    async release(name: string): Promise<void> {
      await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute()
    },
  }
}

export type Leases = ReturnType<typeof createLeases>
