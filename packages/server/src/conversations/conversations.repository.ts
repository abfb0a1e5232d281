import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { ConversationRow, MessageRow } from './conversations.dto.js'

type Q = Kysely<Database> | Transaction<Database>

// Every query takes the account id: no lookup in Kysely is ever unscoped.

export function createConversationsRepository(db: Q) {
  const conversations = (q: Q) =>
    q
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .selectAll('conversations')
      .select([
        'contacts.name as contact_name',
        'contacts.email as contact_email',
        'contacts.phone as contact_phone',
        'contacts.attributes as contact_attributes',
        'contacts.created_at as contact_created_at',
      ])

  const messages = (q: Q) =>
    q
      .selectFrom('messages')
      .leftJoin('agents', (j) =>
        j.onRef('agents.id', '=', 'messages.author_id').on('messages.author_type', '=', 'agent'),
      )
      .leftJoin('contacts', (j) =>
        j
          .onRef('contacts.id', '=', 'messages.author_id')
          .on('messages.author_type', '=', 'contact'),
      )
      .leftJoin('outbox', 'outbox.message_id', 'messages.id')
      .selectAll('messages')
      .select((eb) => [
        eb.fn.coalesce('agents.name', 'contacts.name').as('author_name'),
        'outbox.status as delivery_status',
        'outbox.last_error as delivery_error',
      ])

  return {
    findConversation(
      accountId: string,
      id: string,
      q: Q = db,
    ): Promise<ConversationRow | undefined> {
      return conversations(q)
        .where('conversations.account_id', '=', accountId)
        .where('conversations.id', '=', id)
        .executeTakeFirst()
    },

    /** The contact's most recent conversation in an inbox (the one a new widget message continues). */
    findLatestForContact(
      accountId: string,
      inboxId: string,
      contactId: string,
      q: Q = db,
    ): Promise<ConversationRow | undefined> {
      return conversations(q)
        .where('conversations.account_id', '=', accountId)
        .where('conversations.inbox_id', '=', inboxId)
        .where('conversations.contact_id', '=', contactId)
        .orderBy('conversations.created_at', 'desc')
        .orderBy('conversations.id', 'desc')
        .limit(1)
        .executeTakeFirst()
    },

    findMessageByClientId(
      authorId: string,
      clientId: string,
      q: Q = db,
    ): Promise<MessageRow | undefined> {
      return messages(q)
        .where('messages.author_id', '=', authorId)
        .where('messages.client_id', '=', clientId)
        .executeTakeFirst()
    },

    findMessageByExternalId(
      inboxId: string,
      externalId: string,
      q: Q = db,
    ): Promise<MessageRow | undefined> {
      return messages(q)
        .where('messages.inbox_id', '=', inboxId)
        .where('messages.external_id', '=', externalId)
        .executeTakeFirst()
    },

    findMessage(accountId: string, id: string, q: Q = db): Promise<MessageRow | undefined> {
      return messages(q)
        .where('messages.account_id', '=', accountId)
        .where('messages.id', '=', id)
        .executeTakeFirst()
    },

    listMessages(
      accountId: string,
      conversationId: string,
      options: { includeInternal: boolean; limit?: number },
    ): Promise<MessageRow[]> {
      let q = messages(db)
        .where('messages.account_id', '=', accountId)
        .where('messages.conversation_id', '=', conversationId)
      if (!options.includeInternal)
        q = q.where('messages.direction', 'in', ['incoming', 'outgoing'])
      return q
        .orderBy('messages.seq', 'desc')
        .limit(options.limit ?? 500)
        .execute()
        .then((rows) => rows.reverse())
    },

    listConversations(filter: {
      accountId: string
      agentId: string
      inboxIds: string[] | 'all'
      view: 'mine' | 'unassigned' | 'all'
      status: 'open' | 'resolved'
      inboxId?: string
      limit: number
    }) {
      let q = conversations(db)
        .select((eb) =>
          eb
            .selectFrom('messages')
            .leftJoin('conversation_reads', (j) =>
              j
                .onRef('conversation_reads.conversation_id', '=', 'messages.conversation_id')
                .on('conversation_reads.agent_id', '=', filter.agentId),
            )
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where('messages.direction', '=', 'incoming')
            .where((e) =>
              e('messages.seq', '>', e.fn.coalesce('conversation_reads.last_read_seq', e.lit(0))),
            )
            .as('unread_count'),
        )
        .where('conversations.account_id', '=', filter.accountId)
      if (filter.inboxIds !== 'all') {
        if (filter.inboxIds.length === 0) return Promise.resolve([])
        q = q.where('conversations.inbox_id', 'in', filter.inboxIds)
      }
      if (filter.inboxId) q = q.where('conversations.inbox_id', '=', filter.inboxId)
      if (filter.view === 'mine') q = q.where('conversations.assignee_id', '=', filter.agentId)
      if (filter.view === 'unassigned') q = q.where('conversations.assignee_id', 'is', null)
      q =
        filter.status === 'resolved'
          ? q.where('conversations.status', '=', 'resolved')
          : q.where('conversations.status', '!=', 'resolved')
      return q
        .orderBy('conversations.last_activity_at', 'desc')
        .orderBy('conversations.id', 'desc')
        .limit(filter.limit)
        .execute()
    },

    async unreadCount(conversationId: string, agentId: string): Promise<number> {
      const read = await db
        .selectFrom('conversation_reads')
        .select('last_read_seq')
        .where('conversation_id', '=', conversationId)
        .where('agent_id', '=', agentId)
        .executeTakeFirst()
      const row = await db
        .selectFrom('messages')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('conversation_id', '=', conversationId)
        .where('direction', '=', 'incoming')
        .where('seq', '>', read?.last_read_seq ?? 0)
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },

    async markRead(conversationId: string, agentId: string): Promise<void> {
      const last = await db
        .selectFrom('messages')
        .select((e) => e.fn.max('seq').as('seq'))
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst()
      const seq = Number(last?.seq ?? 0)
      await db
        .insertInto('conversation_reads')
        .values({ conversation_id: conversationId, agent_id: agentId, last_read_seq: seq })
        .onConflict((oc) =>
          oc.columns(['conversation_id', 'agent_id']).doUpdateSet({ last_read_seq: seq }),
        )
        .execute()
    },
  }
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>
