import { randomBytes } from 'node:crypto'
import type { InboxDTO, WidgetSettings } from '@kefu/protocol'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { InboxScope, Principal } from '../agents/access.js'
import type { Database, Inbox } from '../db/schema.js'
import { fileSettingsSchema } from '../files/files.settings.js'
import type { CoreDeps } from '../shared/deps.js'
import { forbidden, notFound } from '../shared/errors.js'
import { newId } from '../shared/ids.js'

const origin = z
  .url()
  .refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'an origin like https://example.com')

export const MAX_PRECHAT_FIELDS = 10
export const PRECHAT_KEY = /^[a-z][a-z0-9_]{0,31}$/

const preChatField = z.strictObject({
  key: z.string().regex(PRECHAT_KEY, 'a lowercase key like company_size'),
  type: z.enum(['text', 'email', 'tel']),
  required: z.boolean(),
  label: z
    .strictObject({
      en: z.string().trim().min(1).max(100).optional(),
      'zh-CN': z.string().trim().min(1).max(100).optional(),
      'zh-TW': z.string().trim().min(1).max(100).optional(),
    })
    .optional(),
})

const preChat = z.strictObject({
  fields: z
    .array(preChatField)
    .max(MAX_PRECHAT_FIELDS)
    .refine((fields) => new Set(fields.map((f) => f.key)).size === fields.length, 'unique keys'),
})

export const widgetSettingsSchema = z.strictObject({
  greeting: z.string().max(500).optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1f6feb')
    .optional(),
  position: z.enum(['left', 'right']).optional(),
  launcherText: z.string().max(60).optional(),
  locale: z.enum(['en', 'zh-CN', 'zh-TW']).optional(),
  allowedOrigins: z.array(origin).max(50).optional(),
  preChat: preChat.optional(),
  files: fileSettingsSchema.optional(),
  emailContinuity: z.strictObject({ emailInboxId: z.string().min(1).max(64) }).nullish(),
  notify: z.strictObject({ sound: z.boolean().optional() }).optional(),
})

export function parseSettings(raw: string): WidgetSettings {
  const parsed = widgetSettingsSchema.safeParse(JSON.parse(raw))
  return parsed.success ? parsed.data : {}
}

export function toInboxDTO(inbox: Inbox): InboxDTO {
  return {
    id: inbox.id,
    kind: inbox.kind,
    name: inbox.name,
    publicToken: inbox.public_token,
    settings: parseSettings(inbox.settings),
  }
}

/**
 * A website inbox of the admin's account, for changing its settings: 403 for anyone but an admin,
 * 404 for another account's inbox or an email inbox. `what` names the change in the 403.
 */
export async function adminWidgetInbox(
  q: Kysely<Database>,
  actor: Principal,
  inboxId: string,
  what = 'website inboxes',
): Promise<Inbox> {
  if (actor.role !== 'admin') throw forbidden(`Only admins can change ${what}.`)
  const inbox = await q
    .selectFrom('inboxes')
    .selectAll()
    .where('account_id', '=', actor.accountId)
    .where('id', '=', inboxId)
    .executeTakeFirst()
  if (inbox?.kind !== 'widget') throw notFound('inbox')
  return inbox
}

export function createInboxesUsecases({ db, clock }: CoreDeps) {
  const k = db.kysely

  return {
    async createWidgetInbox(input: {
      accountId: string
      name: string
      settings?: WidgetSettings
      memberIds?: string[]
    }): Promise<Inbox> {
      const now = clock.now()
      const inbox: Inbox = {
        id: newId(),
        account_id: input.accountId,
        kind: 'widget',
        name: input.name,
        // 128 random bits: the token is public (it sits in the embed tag) but must not be guessable.
        public_token: randomBytes(16).toString('base64url'),
        settings: JSON.stringify(input.settings ?? {}),
        created_at: now,
        updated_at: now,
      }
      await k.insertInto('inboxes').values(inbox).execute()
      if (input.memberIds?.length) {
        await k
          .insertInto('inbox_members')
          .values(input.memberIds.map((agent_id) => ({ inbox_id: inbox.id, agent_id })))
          .execute()
      }
      return inbox
    },

    async create(
      actor: Principal,
      input: { name: string; settings?: WidgetSettings },
    ): Promise<Inbox> {
      if (actor.role !== 'admin') throw forbidden('Only admins can add inboxes.')
      return this.createWidgetInbox({ accountId: actor.accountId, ...input, memberIds: [actor.id] })
    },

    async listVisible(actor: Principal, scope: InboxScope): Promise<Inbox[]> {
      let q = k.selectFrom('inboxes').selectAll().where('account_id', '=', actor.accountId)
      if (!scope.all) {
        if (scope.inboxIds.size === 0) return []
        q = q.where('id', 'in', [...scope.inboxIds])
      }
      return q.orderBy('name').execute()
    },

    async setMembers(actor: Principal, inboxId: string, agentIds: string[]): Promise<void> {
      if (actor.role !== 'admin') throw forbidden('Only admins can change inbox members.')
      const inbox = await k
        .selectFrom('inboxes')
        .select('id')
        .where('account_id', '=', actor.accountId)
        .where('id', '=', inboxId)
        .executeTakeFirst()
      if (!inbox) throw notFound('inbox')
      const unique = [...new Set(agentIds)]
      if (unique.length) {
        const found = await k
          .selectFrom('agents')
          .select('id')
          .where('account_id', '=', actor.accountId)
          .where('id', 'in', unique)
          .execute()
        if (found.length !== unique.length) throw notFound('agent')
      }
      await k.transaction().execute(async (tx) => {
        await tx.deleteFrom('inbox_members').where('inbox_id', '=', inboxId).execute()
        if (unique.length) {
          await tx
            .insertInto('inbox_members')
            .values(unique.map((agent_id) => ({ inbox_id: inboxId, agent_id })))
            .execute()
        }
      })
    },

    async updateSettings(inboxId: string, settings: WidgetSettings): Promise<Inbox> {
      await k
        .updateTable('inboxes')
        .set({ settings: JSON.stringify(settings), updated_at: clock.now() })
        .where('id', '=', inboxId)
        .execute()
      return k.selectFrom('inboxes').selectAll().where('id', '=', inboxId).executeTakeFirstOrThrow()
    },

    findInAccount(accountId: string, id: string): Promise<Inbox | undefined> {
      return k
        .selectFrom('inboxes')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst()
    },

    findByPublicToken(token: string): Promise<Inbox | undefined> {
      return k
        .selectFrom('inboxes')
        .selectAll()
        .where('public_token', '=', token)
        .executeTakeFirst()
    },

    firstWidgetInbox(): Promise<Inbox | undefined> {
      return k
        .selectFrom('inboxes')
        .selectAll()
        .where('kind', '=', 'widget')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst()
    },
  }
}

export type InboxesUsecases = ReturnType<typeof createInboxesUsecases>
