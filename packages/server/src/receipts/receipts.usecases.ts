import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { nextSeq, recordEvent, type StoredEvent, writeWithEvents } from '../events.js'
import type { CoreDeps } from '../shared/deps.js'
import { AppError, notFound } from '../shared/errors.js'
import { RateLimiter } from '../shared/rate-limit.js'

// Read receipts, both ways. The customer's widget reports the team's replies it has shown (open
// and visible); an agent reading a conversation reads the customer's messages. Each side's mark
// is a message seq kept per conversation; it only moves forward, and only onto a message the
// other side actually wrote, so a hostile client can neither rewind it nor claim to have read
// what does not exist yet. Every move is one `conversation.read` event, so the number of events
// is bounded by the number of messages.

type Tx = Transaction<Database>
type Q = Kysely<Database> | Tx
type Reader = 'contact' | 'team'
type Emit = (event: StoredEvent) => void

export interface Receipts {
  /** The seq of the team's last reply the customer has seen (0: none). */
  contactReadSeq: number
  /** The seq of the customer's last message an agent has read (0: none). */
  teamReadSeq: number
}

const NONE: Receipts = { contactReadSeq: 0, teamReadSeq: 0 }

export function createReceiptsUsecases({ db, bus, clock }: CoreDeps) {
  const k = db.kysely
  // A widget reports a read once per reply it shows; a script saying it more is refused before
  // it costs a write (HTTP and socket alike).
  const contactReads = new RateLimiter(120, 60_000, () => clock.now())

  /** Where one side's mark stands, and where `upTo` would move it (never back). */
  async function marks(
    q: Q,
    input: { accountId: string; conversationId: string; reader: Reader; upTo: number },
  ) {
    const column = input.reader === 'contact' ? 'contact_read_seq' : 'team_read_seq'
    const current = await q
      .selectFrom('conversation_receipts')
      .select(['contact_read_seq', 'team_read_seq'])
      .where('conversation_id', '=', input.conversationId)
      .executeTakeFirst()
    // The customer reads the team's replies; the team reads the customer's messages.
    const target = await q
      .selectFrom('messages')
      .select((e) => e.fn.max('seq').as('seq'))
      .where('account_id', '=', input.accountId)
      .where('conversation_id', '=', input.conversationId)
      .where('direction', '=', input.reader === 'contact' ? 'outgoing' : 'incoming')
      .where('seq', '<=', input.upTo)
      .executeTakeFirst()
    return {
      column,
      exists: current !== undefined,
      before: Number(current?.[column] ?? 0),
      readSeq: Number(target?.seq ?? 0),
    }
  }

  /** A writing transaction ordered like every other writer (see events.ts). */
  const write = <T>(accountId: string, fn: (tx: Tx, emit: Emit) => Promise<T>) =>
    writeWithEvents(db, bus, accountId, fn)

  /**
   * Moves one side's mark to the newest message of the other side at or below `upTo`; records a
   * `conversation.read` event when it moved. Returns the mark as it now stands.
   */
  async function advance(
    tx: Tx,
    emit: Emit,
    input: {
      conversation: { id: string; account_id: string; inbox_id: string; contact_id: string }
      reader: Reader
      upTo: number
    },
  ): Promise<number> {
    const { conversation: c, reader } = input
    const { column, exists, before, readSeq } = await marks(tx, {
      accountId: c.account_id,
      conversationId: c.id,
      reader,
      upTo: input.upTo,
    })
    if (readSeq <= before) return before
    const now = clock.now()
    if (exists) {
      await tx
        .updateTable('conversation_receipts')
        .set({ [column]: readSeq, updated_at: now })
        .where('conversation_id', '=', c.id)
        .execute()
    } else {
      await tx
        .insertInto('conversation_receipts')
        .values({
          conversation_id: c.id,
          account_id: c.account_id,
          contact_read_seq: reader === 'contact' ? readSeq : 0,
          team_read_seq: reader === 'team' ? readSeq : 0,
          updated_at: now,
        })
        .execute()
    }
    const seq = await nextSeq(tx, c.account_id)
    emit(
      await recordEvent(tx, {
        accountId: c.account_id,
        inboxId: c.inbox_id,
        conversationId: c.id,
        contactId: c.contact_id,
        // What the customer has seen is the team's business; that the team read the customer's
        // message is the customer's too (and says nothing about who).
        audience: reader === 'team' ? 'public' : 'agents',
        event: {
          seq,
          type: 'conversation.read',
          conversationId: c.id,
          inboxId: c.inbox_id,
          at: now,
          reader,
          readSeq,
        },
      }),
    )
    return readSeq
  }

  const conversationColumns = ['id', 'account_id', 'inbox_id', 'contact_id'] as const

  return {
    async find(accountId: string, conversationId: string): Promise<Receipts> {
      const row = await k
        .selectFrom('conversation_receipts')
        .select(['contact_read_seq', 'team_read_seq'])
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst()
      if (!row) return NONE
      return {
        contactReadSeq: Number(row.contact_read_seq),
        teamReadSeq: Number(row.team_read_seq),
      }
    },

    /**
     * The customer saw the team's replies up to `seq` in one of their own conversations (anyone
     * else's is not found: no probing).
     */
    async contactRead(input: {
      accountId: string
      inboxId: string
      contactId: string
      conversationId: string
      seq: number
    }): Promise<number> {
      if (!contactReads.take(input.contactId)) {
        throw new AppError('visitor.rate_limited', 'Too many read receipts; try again later.')
      }
      const own = (q: Q) =>
        q
          .selectFrom('conversations')
          .select(conversationColumns)
          .where('account_id', '=', input.accountId)
          .where('inbox_id', '=', input.inboxId)
          .where('contact_id', '=', input.contactId)
          .where('id', '=', input.conversationId)
          .executeTakeFirst()
      if (!(await own(k))) throw notFound('conversation')
      // Most reports move nothing (a reload, a reconnect): answered without a write.
      const now = await marks(k, { ...input, reader: 'contact', upTo: input.seq })
      if (now.readSeq <= now.before) return now.before
      return write(input.accountId, async (tx, emit) => {
        const conversation = await own(tx)
        if (!conversation) throw notFound('conversation')
        return advance(tx, emit, { conversation, reader: 'contact', upTo: input.seq })
      })
    },

    /**
     * An agent read the conversation (after conversations.markRead, which checked they may see
     * it): the team's mark follows what that agent has read.
     */
    async teamRead(input: { accountId: string; agentId: string; conversationId: string }) {
      const read = await k
        .selectFrom('conversation_reads')
        .select('last_read_seq')
        .where('conversation_id', '=', input.conversationId)
        .where('agent_id', '=', input.agentId)
        .executeTakeFirst()
      if (!read) return
      const now = await marks(k, {
        accountId: input.accountId,
        conversationId: input.conversationId,
        reader: 'team',
        upTo: Number(read.last_read_seq),
      })
      if (now.readSeq <= now.before) return
      await write(input.accountId, async (tx, emit) => {
        const conversation = await tx
          .selectFrom('conversations')
          .select(conversationColumns)
          .where('account_id', '=', input.accountId)
          .where('id', '=', input.conversationId)
          .executeTakeFirst()
        if (!conversation) throw notFound('conversation')
        const read = await tx
          .selectFrom('conversation_reads')
          .select('last_read_seq')
          .where('conversation_id', '=', conversation.id)
          .where('agent_id', '=', input.agentId)
          .executeTakeFirst()
        if (!read) return
        await advance(tx, emit, {
          conversation,
          reader: 'team',
          upTo: Number(read.last_read_seq),
        })
      })
    },
  }
}

export type ReceiptsUsecases = ReturnType<typeof createReceiptsUsecases>
