import { createHash } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'

// Raw email sources and attachments. Stored in the database for now so every node of a cluster
// sees them; the interface lets them move to object storage without touching callers.

type Q = Kysely<Database> | Transaction<Database>

export function createBlobStore(db: Kysely<Database>, now: () => number = Date.now) {
  return {
    /**
     * Content-addressed: storing the same bytes twice keeps one copy. Storing them again marks
     * the copy as new (created_at), and on PostgreSQL locks its row until the caller commits, so
     * a clean-up deleting unused blobs (files.usecases.ts) never takes one just being reused.
     */
    async put(bytes: Buffer, q: Q = db): Promise<string> {
      const key = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      const at = now()
      await q
        .insertInto('blobs')
        .values({ key, bytes, size: bytes.length, created_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ created_at: at }))
        .execute()
      return key
    },

    async get(key: string, q: Q = db): Promise<Buffer | undefined> {
      const row = await q
        .selectFrom('blobs')
        .select('bytes')
        .where('key', '=', key)
        .executeTakeFirst()
      return row ? Buffer.from(row.bytes) : undefined
    },
  }
}

export type BlobStore = ReturnType<typeof createBlobStore>
