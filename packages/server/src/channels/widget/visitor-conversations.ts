import type { MessageDirection, VisitorConversationDTO } from '@kefu/protocol'
import type { ExpressionBuilder, Kysely } from 'kysely'
import { previewOf } from '../../conversations/conversations.dto.js'
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

  /**
   * Messages the visitor may see of those the customer and the team wrote: all of them for an
   * identity-verified user; for anyone else, none that arrived by email (the visitor typed that
   * address and nobody checked it: its owner's mail stays with the team).
   */
  function shownToVisitor(visitor: Visitor) {
    return (eb: ExpressionBuilder<Database, 'messages'>) =>
      eb.or([
        eb.not(
          eb.exists(
            eb
              .selectFrom('email_messages')
              .select('email_messages.message_id')
              .whereRef('email_messages.message_id', '=', 'messages.id'),
          ),
        ),
        eb.exists(
          eb
            .selectFrom('contact_identities')
            .select('contact_identities.id')
            .where('contact_identities.account_id', '=', visitor.accountId)
            .where('contact_identities.contact_id', '=', visitor.contactId)
            .where('contact_identities.kind', '=', 'external'),
        ),
      ])
  }

  /**
   * The visitor's conversations, latest first: by the last message the visitor can see (seqs
   * never tie, milliseconds may; the team's notes and activity lines do not move a conversation
   * up, nor does email an unverified visitor is not shown), then the newest. One definition for
   * the list, the conversation the widget opens and the one a message without a choice
   * continues. A conversation without such a message sorts as 0, on every database (PostgreSQL
   * would put NULL first).
   */
  function latestFirst(visitor: Visitor, q: Kysely<Database> | Tx = db) {
    return q
      .selectFrom('conversations')
      .select('conversations.id')
      .select((eb) =>
        eb.fn
          .coalesce(
            eb
              .selectFrom('messages')
              .select((e) => e.fn.max('messages.seq').as('s'))
              .whereRef('messages.conversation_id', '=', 'conversations.id')
              .where('messages.direction', 'in', ['incoming', 'outgoing'])
              .where(shownToVisitor(visitor)),
            eb.lit(0),
          )
          .as('last_seq'),
      )
      .where('conversations.account_id', '=', visitor.accountId)
      .where('conversations.inbox_id', '=', visitor.inboxId)
      .where('conversations.contact_id', '=', visitor.contactId)
      .orderBy('last_seq', 'desc')
      .orderBy('conversations.created_at', 'desc')
      .orderBy('conversations.id', 'desc')
  }

  /** The id of the visitor's latest conversation (as the list orders them), if any. */
  async function latest(visitor: Visitor, q: Kysely<Database> | Tx = db) {
    return (await latestFirst(visitor, q).limit(1).executeTakeFirst())?.id
  }

  /** The preview of one message, as the conversation's own is made (conversations.usecases). */
  async function previewAt(
    conversationId: string,
    seq: number,
  ): Promise<VisitorConversationDTO['lastMessage']> {
    if (!seq) return null
    const message = await db
      .selectFrom('messages')
      .select(['id', 'text', 'direction', 'created_at'])
      .where('conversation_id', '=', conversationId)
      .where('seq', '=', seq)
      .executeTakeFirst()
    if (!message) return null
    const files = message.text.trim()
      ? []
      : await db
          .selectFrom('attachments')
          .select('filename')
          .where('message_id', '=', message.id)
          .orderBy('created_at')
          .execute()
    return {
      text: previewOf(message.text.trim() || files.map((f) => `📎 ${f.filename}`).join(' ')),
      direction: message.direction as MessageDirection,
      createdAt: Number(message.created_at),
    }
  }

  return {
    requireOwn,
    latest,

    /** Which of these messages arrived by email (the unverified visitor is not shown them). */
    async emailed(messageIds: readonly string[]): Promise<Set<string>> {
      const found = new Set<string>()
      // In slices: a long chat must not exceed a database's limit on bound parameters.
      for (let i = 0; i < messageIds.length; i += 500) {
        const rows = await db
          .selectFrom('email_messages')
          .select('message_id')
          .where('message_id', 'in', messageIds.slice(i, i + 500))
          .execute()
        for (const r of rows) found.add(r.message_id)
      }
      return found
    },

    async list(visitor: Visitor): Promise<VisitorConversationDTO[]> {
      const rows = await latestFirst(visitor)
        .leftJoin(
          'conversation_receipts',
          'conversation_receipts.conversation_id',
          'conversations.id',
        )
        .select([
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
        // The seq of the last message of all (the one the conversation's preview shows).
        .select((eb) =>
          eb
            .selectFrom('messages')
            .select((e) => e.fn.max('messages.seq').as('s'))
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where('messages.direction', 'in', ['incoming', 'outgoing'])
            .as('last_message_seq'),
        )
        .limit(MAX_LISTED)
        .execute()
      // The conversation's own preview is its last message: when the visitor may not see that
      // one, theirs is the last one they may.
      const hidden = rows.filter(
        (r) => Number(r.last_seq) !== Number(r.last_message_seq ?? r.last_seq),
      )
      const previews = new Map<string, VisitorConversationDTO['lastMessage']>()
      for (const r of hidden) previews.set(r.id, await previewAt(r.id, Number(r.last_seq)))
      return rows.map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: Number(r.created_at),
        lastMessage: previews.has(r.id)
          ? (previews.get(r.id) ?? null)
          : r.last_message_text !== null && r.last_message_at !== null
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
     * For receiveMessage: the conversation a message goes to, decided inside its transaction:
     * the one the visitor chose (their own), a new one, or else their latest (see latestFirst).
     */
    chooser(
      visitor: Visitor,
      target: { conversationId?: string | undefined; new?: true | undefined },
    ) {
      if (target.new) return async () => ({ conversationId: null })
      const id = target.conversationId
      if (!id) return async (tx: Tx) => ({ conversationId: (await latest(visitor, tx)) ?? null })
      return async (tx: Tx) => ({ conversationId: await requireOwn(visitor, id, tx) })
    },
  }
}

export type VisitorConversations = ReturnType<typeof createVisitorConversations>
