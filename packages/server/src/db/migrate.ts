import { type Migration, type MigrationProvider, Migrator } from 'kysely'
import type { Db } from './dialects.js'
import * as m0001 from './migrations/0001_init.js'
import * as m0002 from './migrations/0002_email.js'
import * as m0003 from './migrations/0003_widget_identity.js'
import * as m0004 from './migrations/0004_ratings.js'
import * as m0005 from './migrations/0005_contact_attributes.js'
import * as m0006 from './migrations/0006_chat_files.js'
import * as m0007 from './migrations/0007_availability_hours.js'
import * as m0008 from './migrations/0008_email_continuity.js'
import * as m0009 from './migrations/0009_read_receipts.js'
import * as m0010 from './migrations/0010_files_indexes.js'
import * as m0011 from './migrations/0011_contact_identity_index.js'

// Migrations are imported, not read from a folder, so the built server carries them with it.
const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_email': m0002,
  '0003_widget_identity': m0003,
  '0004_ratings': m0004,
  '0005_contact_attributes': m0005,
  '0006_chat_files': m0006,
  '0007_availability_hours': m0007,
  '0008_email_continuity': m0008,
  '0009_read_receipts': m0009,
  '0010_files_indexes': m0010,
  '0011_contact_identity_index': m0011,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
