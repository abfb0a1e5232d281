import type { PreChatField } from '@kefu/protocol'
import type { Transaction } from 'kysely'
import { z } from 'zod'
import type { Database } from '../../db/schema.js'
import type { CoreDeps } from '../../shared/deps.js'
import { parse } from '../../shared/validation.js'
import type { Visitor } from './visitors.usecases.js'

// The pre-chat form: what a visitor tells about themselves before their first message. Like an
// unsigned identify() call it only ever touches the visitor's own contact: a typed email never
// joins another contact or its history, and a verified user's name and email stay as signed.

export const MAX_PRECHAT_VALUE = 200

/** Loose on purpose: digits with the usual separators, an optional leading +, 5–20 digits. */
const PHONE = /^\+?[0-9\s().-]+$/

function valueSchema(field: PreChatField) {
  const base = z.string().trim().max(MAX_PRECHAT_VALUE, `at most ${MAX_PRECHAT_VALUE} characters`)
  const typed =
    field.type === 'email'
      ? base.pipe(z.union([z.literal(''), z.email('a valid email address')]))
      : field.type === 'tel'
        ? base.refine((v) => {
            const digits = v.replace(/\D/g, '').length
            return v === '' || (PHONE.test(v) && digits >= 5 && digits <= 20)
          }, 'a valid phone number')
        : base
  return field.required ? typed.refine((v) => v.length > 0, 'required') : typed.optional()
}

/** The body schema of POST /api/widget/profile for a form: its keys only, each checked by type. */
export function profileSchema(fields: PreChatField[]) {
  const shape: Record<string, z.ZodType<string | undefined>> = {}
  for (const field of fields) shape[field.key] = valueSchema(field)
  return z.strictObject({ fields: z.strictObject(shape) })
}

const OWN_COLUMNS = new Set(['name', 'email', 'phone'])

type Answers = [key: string, value: string][]

export function createWidgetProfile({ db, clock }: CoreDeps) {
  const k = db.kysely

  /** Validates the answers against the form (400 request.invalid): the non-empty ones. */
  function answersOf(form: PreChatField[], raw: unknown): Answers {
    const { fields } = parse(profileSchema(form), raw)
    return Object.entries(fields).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    )
  }

  /** Stores validated answers on the visitor's own contact, in the caller's transaction. */
  async function store(tx: Transaction<Database>, visitor: Visitor, answers: Answers) {
    const contact = await tx
      .selectFrom('contacts')
      .select(['attributes'])
      .where('id', '=', visitor.contactId)
      .where('account_id', '=', visitor.accountId)
      .executeTakeFirstOrThrow()
    const verified = await tx
      .selectFrom('contact_identities')
      .select('id')
      .where('contact_id', '=', visitor.contactId)
      .where('kind', '=', 'external')
      .executeTakeFirst()
    const attributes = readAttributes(contact.attributes)
    const own: { name?: string; email?: string; phone?: string } = {}
    for (const [key, value] of answers) {
      if (!OWN_COLUMNS.has(key)) attributes[key] = value
      else if (key === 'phone') own.phone = value
      // A contact that belongs to a verified user is not renamed by what a visitor types.
      else if (!verified)
        own[key as 'name' | 'email'] = key === 'email' ? value.toLowerCase() : value
    }
    await tx
      .updateTable('contacts')
      .set({ ...own, attributes: JSON.stringify(attributes), updated_at: clock.now() })
      .where('id', '=', visitor.contactId)
      .execute()
  }

  return {
    answersOf,
    store,

    /** Validates the answers against the form (400 request.invalid) and stores them. */
    async save(visitor: Visitor, form: PreChatField[], raw: unknown): Promise<void> {
      const answers = answersOf(form, raw)
      await k.transaction().execute((tx) => store(tx, visitor, answers))
    },
  }
}

function readAttributes(raw: string): Record<string, string> {
  try {
    const parsed = JSON.parse(raw) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(
        Object.entries(parsed).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      )
    }
  } catch {
    // a broken value is replaced
  }
  return {}
}

export type WidgetProfile = ReturnType<typeof createWidgetProfile>
