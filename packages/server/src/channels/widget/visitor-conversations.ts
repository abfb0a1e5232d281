import type { MessageDirection, VisitorConversationDTO } from '@kefu/protocol'
import type { Kysely } from 'kysely'
import type { Tx } from '../../conversations/conversations.usecases.js'
import type { Database } from '../../db/schema.js'
import { notFound } from '../../shared/errors.js'
import type { Visitor } from './visitors.usecases.js'

// A visitor may keep several conversations in one inbox: the list the widget shows, and the
// choice of which one a message goes to. Every lookup is scoped to the visitor's own contact in
// the visitor's own inbox; anyone else's conversation is simply not found.

/** The widget lists this many of a visitor's conversations, latest activity first. */
export const MAX_LISTED = 50

export function createVisitorConversations(db: Kysely<Database>) {
  /** Throws conversation.not_found unless the conversation is the visitor's own. */
  async function requireOwn(
    visitor: Visitor,
    conversationId: string,
    q: Kysely<Database> | Tx = db,
  ) {
    const row = await q
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', visitor.accountId)
      .where('inbox_id', '=', visitor.inboxId)
      .where('contact_id', '=', visitor.contactId)
      .where('id', '=', conversationId)
      .executeTakeFirst()
    if (!row) throw notFound('conversation')
    return row.id
  }

  return {
    requireOwn,

    async list(visitor: Visitor): Promise<VisitorConversationDTO[]> {
      const rows = await db
        .selectFrom('conversations')
        .leftJoin(
          'conversation_receipts',
          'conversation_receipts.conversation_id',
          'conversations.id',
        )
        .select([
          'conversations.id',
          'conversations.status',
          'conversations.created_at',
          'conversations.last_message_text',
          'conversations.last_message_direction',
          'conversations.last_message_at',
        ])
        .select((eb) =>
          eb
            .selectFrom('messages')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where('messages.direction', '=', 'outgoing')
            .where((e) =>
              e(
                'messages.seq',
                '>',
                e.fn.coalesce('conversation_receipts.contact_read_seq', e.lit(0)),
              ),
            )
            .as('unread_count'),
        )
        // Ordered by the last message the visitor can see: seqs never tie (milliseconds may), and
        // the team's notes and activity lines do not move a conversation up the visitor's list.
        .select((eb) =>
          eb
            .selectFrom('messages')
            .select((e) => e.fn.max('messages.seq').as('s'))
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where('messages.direction', 'in', ['incoming', 'outgoing'])
            .as('last_seq'),
        )
        .where('conversations.account_id', '=', visitor.accountId)
        .where('conversations.inbox_id', '=', visitor.inboxId)
        .where('conversations.contact_id', '=', visitor.contactId)
        .orderBy('last_seq', 'desc')
        .orderBy('conversations.created_at', 'desc')
        .orderBy('conversations.id', 'desc')
        .limit(MAX_LISTED)
        .execute()
      return rows.map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: Number(r.created_at),
        lastMessage:
          r.last_message_text !== null && r.last_message_at !== null
            ? {
                text: r.last_message_text,
                direction: (r.last_message_direction ?? 'incoming') as MessageDirection,
                createdAt: Number(r.last_message_at),
              }
            : null,
        unreadCount: Number(r.unread_count ?? 0),
      }))
    },

    /**
     * For receiveMessage: the conversation a message goes to when the visitor chose one (checked
     * inside its transaction), or undefined to keep the default (the latest one continues).
     */
    chooser(
      visitor: Visitor,
      target: { conversationId?: string | undefined; new?: true | undefined },
    ) {
      if (target.new) return async () => ({ conversationId: null })
      const id = target.conversationId
      if (!id) return undefined
      return async (tx: Tx) => ({ conversationId: await requireOwn(visitor, id, tx) })
    },
  }
}

export type VisitorConversations = ReturnType<typeof createVisitorConversations>
