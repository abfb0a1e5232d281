import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { jwtVerify } from 'jose'
import type { CoreDeps } from '../../shared/deps.js'
import { AppError } from '../../shared/errors.js'
import { newId } from '../../shared/ids.js'
import type { SecretBox } from '../../shared/secrets.js'
import type { Visitor } from './visitors.usecases.js'

// Identity verification: a company's backend signs its user id with the inbox's secret, and only
// a correctly signed id joins a visitor to that user's contact and history (on any device). What a
// visitor merely types (an email in a form) never does.
//
//   hash  = hex(HMAC-SHA256(secret, id))            — simple, but a copied hash can be replayed
//   token = JWT (HS256, secret) with sub = id, exp  — expires, so prefer it where you can

export interface IdentityInput {
  id: string
  email?: string
  name?: string
  hash?: string
  token?: string
}

export function createWidgetIdentity({ db, clock }: CoreDeps, box: SecretBox) {
  const k = db.kysely

  async function settings(inboxId: string): Promise<{ secret: string; required: boolean }> {
    const row = await k
      .selectFrom('widget_identity')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .executeTakeFirst()
    if (row) return { secret: box.decrypt(row.secret), required: row.required === 1 }
    const secret = randomBytes(32).toString('hex')
    await k
      .insertInto('widget_identity')
      .values({
        inbox_id: inboxId,
        secret: box.encrypt(secret),
        required: 0,
        updated_at: clock.now(),
      })
      .onConflict((oc) => oc.column('inbox_id').doNothing())
      .execute()
    return settings(inboxId)
  }

  async function isSigned(
    secret: string,
    input: IdentityInput,
  ): Promise<{ email?: string; name?: string } | null> {
    if (input.hash) {
      const expected = createHmac('sha256', secret).update(input.id).digest()
      const given = /^[0-9a-f]{64}$/i.test(input.hash)
        ? Buffer.from(input.hash, 'hex')
        : Buffer.alloc(0)
      return given.length === expected.length && timingSafeEqual(given, expected) ? {} : null
    }
    if (input.token) {
      try {
        const { payload } = await jwtVerify(input.token, new TextEncoder().encode(secret), {
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp'],
          subject: input.id,
        })
        return {
          email: typeof payload.email === 'string' ? payload.email : undefined,
          name: typeof payload.name === 'string' ? payload.name : undefined,
        }
      } catch {
        return null
      }
    }
    return null
  }

  return {
    /** Admins only: the secret their backend signs with, and whether signing is enforced. */
    settings,

    async update(inboxId: string, input: { required?: boolean; rotate?: boolean }) {
      const current = await settings(inboxId)
      const secret = input.rotate ? randomBytes(32).toString('hex') : current.secret
      await k
        .updateTable('widget_identity')
        .set({
          secret: box.encrypt(secret),
          required: (input.required ?? current.required) ? 1 : 0,
          updated_at: clock.now(),
        })
        .where('inbox_id', '=', inboxId)
        .execute()
      return settings(inboxId)
    },

    /**
     * Applies a host page's identify() call to a visitor. Signed: the visitor joins the contact of
     * that user id (created on first sight). Unsigned: refused when the inbox enforces signing;
     * otherwise only name and email of the visitor's own anonymous contact change.
     */
    async identify(
      visitor: Visitor,
      input: IdentityInput,
    ): Promise<{ verified: boolean; visitor: Visitor }> {
      const { secret, required } = await settings(visitor.inboxId)
      const signed = input.hash || input.token ? await isSigned(secret, input) : null
      if ((input.hash || input.token) && !signed) {
        throw new AppError('identity.forbidden', 'The identity signature is not valid.')
      }
      if (!signed && required) {
        throw new AppError('identity.forbidden', 'This website requires a signed identity.')
      }
      const now = clock.now()
      const email = (signed?.email ?? input.email)?.toLowerCase() || undefined
      const name = signed?.name ?? input.name
      if (!signed) {
        const own = await k
          .selectFrom('contact_identities')
          .select('id')
          .where('contact_id', '=', visitor.contactId)
          .where('kind', '=', 'external')
          .executeTakeFirst()
        // A contact that belongs to a verified user is not renamed by unsigned calls.
        if (!own) {
          await k
            .updateTable('contacts')
            .set({ ...(name ? { name } : {}), ...(email ? { email } : {}), updated_at: now })
            .where('id', '=', visitor.contactId)
            .execute()
        }
        return { verified: false, visitor }
      }
      return k.transaction().execute(async (tx) => {
        const existing = await tx
          .selectFrom('contact_identities')
          .select('contact_id')
          .where('account_id', '=', visitor.accountId)
          .where('kind', '=', 'external')
          .where('value', '=', input.id)
          .executeTakeFirst()
        let contactId = visitor.contactId
        if (existing) {
          contactId = existing.contact_id
          await tx
            .updateTable('visitors')
            .set({ contact_id: contactId })
            .where('id', '=', visitor.id)
            .execute()
        } else {
          await tx
            .insertInto('contact_identities')
            .values({
              id: newId(),
              account_id: visitor.accountId,
              contact_id: contactId,
              kind: 'external',
              value: input.id,
              created_at: now,
            })
            .execute()
        }
        await tx
          .updateTable('contacts')
          .set({ ...(name ? { name } : {}), ...(email ? { email } : {}), updated_at: now })
          .where('id', '=', contactId)
          .execute()
        return { verified: true, visitor: { ...visitor, contactId } }
      })
    },
  }
}

export type WidgetIdentity = ReturnType<typeof createWidgetIdentity>
