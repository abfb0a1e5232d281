import type { Locale } from '@kefu/protocol'
import type { Inbox } from '../../db/schema.js'
import type { CoreDeps } from '../../shared/deps.js'
import { AppError, notFound } from '../../shared/errors.js'
import { hashToken, newId, newSecretToken } from '../../shared/ids.js'
import { RateLimiter } from '../../shared/rate-limit.js'

export interface Visitor {
  id: string
  accountId: string
  inboxId: string
  contactId: string
}

/** Seen-at updates are rare writes: once a minute is precise enough for "last seen". */
const TOUCH_MS = 60_000

/** en, zh-CN or zh-TW from an Accept-Language header; null when it asks for none of them. */
export function localeFromAcceptLanguage(header: string | undefined | null): Locale | null {
  if (!header) return null
  const ranges = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean)
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i }
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const { tag } of ranges) {
    if (/^zh-(tw|hk|mo|hant)/.test(tag)) return 'zh-TW'
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN'
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
  }
  return null
}

export function createVisitorsUsecases({ db, clock, logger }: CoreDeps) {
  const k = db.kysely
  // A person types a few messages a minute; a script sending more is throttled, not stored.
  const messageRate = new RateLimiter(30, 60_000, () => clock.now())

  async function findByToken(token: string) {
    return k
      .selectFrom('visitors')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst()
  }

  return {
    /**
     * Resumes the visitor behind `visitorToken` when it belongs to this inbox, otherwise starts a new
     * anonymous visitor. The token is a 256-bit secret kept in the widget frame's own storage.
     */
    async startSession(input: {
      inbox: Inbox
      visitorToken?: string | undefined
      /** Asked only when a new visitor would be created; false refuses (rate limits). */
      mayCreate?: () => boolean
    }): Promise<{ visitor: Visitor; visitorToken: string }> {
      const { inbox } = input
      if (input.visitorToken) {
        const row = await findByToken(input.visitorToken)
        if (row && row.inbox_id === inbox.id) {
          return { visitor: toVisitor(row), visitorToken: input.visitorToken }
        }
      }
      if (input.mayCreate && !input.mayCreate()) {
        throw new AppError(
          'visitor.rate_limited',
          'Too many new chats from this address; try again later.',
        )
      }
      const now = clock.now()
      const token = newSecretToken()
      const visitor: Visitor = {
        id: newId(),
        accountId: inbox.account_id,
        inboxId: inbox.id,
        contactId: newId(),
      }
      await k.transaction().execute(async (tx) => {
        await tx
          .insertInto('contacts')
          .values({
            id: visitor.contactId,
            account_id: visitor.accountId,
            name: null,
            email: null,
            phone: null,
            created_at: now,
            updated_at: now,
          })
          .execute()
        await tx
          .insertInto('contact_identities')
          .values({
            id: newId(),
            account_id: visitor.accountId,
            contact_id: visitor.contactId,
            kind: 'visitor',
            value: visitor.id,
            created_at: now,
          })
          .execute()
        await tx
          .insertInto('visitors')
          .values({
            id: visitor.id,
            account_id: visitor.accountId,
            inbox_id: visitor.inboxId,
            contact_id: visitor.contactId,
            token_hash: hashToken(token),
            created_at: now,
            last_seen_at: now,
          })
          .execute()
      })
      return { visitor, visitorToken: token }
    },

    /** Throws visitor.rate_limited when this visitor sends faster than a person types. */
    checkMessageRate(visitor: Visitor): void {
      if (!messageRate.take(visitor.id)) {
        throw new AppError(
          'visitor.rate_limited',
          'You are sending messages too quickly; wait a moment.',
        )
      }
    },

    /**
     * Keeps the language the visitor's browser asks for, so emails about their chat (continuity)
     * speak it. Best-effort: a failure is logged and never fails the visitor's request.
     */
    async rememberLocale(visitorId: string, acceptLanguage: string | undefined): Promise<void> {
      const locale = localeFromAcceptLanguage(acceptLanguage)
      if (!locale) return
      try {
        await k
          .updateTable('visitors')
          .set({ locale })
          .where('id', '=', visitorId)
          .where((eb) => eb.or([eb('locale', 'is', null), eb('locale', '!=', locale)]))
          .execute()
      } catch (err) {
        logger.warn({ err, visitorId }, "could not keep the visitor's language")
      }
    },

    /**
     * Whether the visitor is an identity-verified user: their contact carries a signed user id
     * (identity.usecases.ts). Only such a visitor sees what arrived by email in their chats.
     */
    async isVerified(visitor: Visitor): Promise<boolean> {
      const row = await k
        .selectFrom('contact_identities')
        .select('id')
        .where('account_id', '=', visitor.accountId)
        .where('contact_id', '=', visitor.contactId)
        .where('kind', '=', 'external')
        .executeTakeFirst()
      return row !== undefined
    },

    async authenticate(token: string): Promise<Visitor> {
      const row = await findByToken(token)
      if (!row) throw notFound('visitor')
      const now = clock.now()
      if (now - row.last_seen_at > TOUCH_MS) {
        await k
          .updateTable('visitors')
          .set({ last_seen_at: now })
          .where('id', '=', row.id)
          .execute()
      }
      return toVisitor(row)
    },
  }
}

function toVisitor(row: {
  id: string
  account_id: string
  inbox_id: string
  contact_id: string
}): Visitor {
  return { id: row.id, accountId: row.account_id, inboxId: row.inbox_id, contactId: row.contact_id }
}

export type VisitorsUsecases = ReturnType<typeof createVisitorsUsecases>
