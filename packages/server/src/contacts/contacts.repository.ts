import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { newId } from '../shared/ids.js'

type Q = Kysely<Database> | Transaction<Database>

/** The contact behind an email address in this account, created on first sight. */
export async function findOrCreateContactByEmail(
  q: Q,
  input: { accountId: string; address: string; name: string | null; now: number },
): Promise<string> {
  const address = input.address.toLowerCase()
  const identity = await q
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('account_id', '=', input.accountId)
    .where('kind', '=', 'email')
    .where('value', '=', address)
    .executeTakeFirst()
  if (identity) return identity.contact_id
  const id = newId()
  await q
    .insertInto('contacts')
    .values({
      id,
      account_id: input.accountId,
      name: input.name || null,
      email: address,
      phone: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .execute()
  await q
    .insertInto('contact_identities')
    .values({
      id: newId(),
      account_id: input.accountId,
      contact_id: id,
      kind: 'email',
      value: address,
      created_at: input.now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'kind', 'value']).doNothing())
    .execute()
  // Two mails from a new sender stored at once (two processes): one identity wins, and the
  // contact created for the other is dropped again.
  const owner = await q
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('account_id', '=', input.accountId)
    .where('kind', '=', 'email')
    .where('value', '=', address)
    .executeTakeFirstOrThrow()
  if (owner.contact_id !== id) {
    await q.deleteFrom('contacts').where('id', '=', id).execute()
    return owner.contact_id
  }
  return id
}
