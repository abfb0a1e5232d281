import type { RatingDTO } from '@kefu/protocol'
import type { ConversationRatingsTable } from '../db/schema.js'
import { nextSeq, recordEvent, type StoredEvent } from '../events.js'
import type { CoreDeps } from '../shared/deps.js'
import { AppError, notFound } from '../shared/errors.js'

// Customer satisfaction (CSAT): a customer rates a conversation once the team resolved it. One
// rating per conversation; rating again replaces it. Agents learn of it by `conversation.rated`.

export const MAX_RATING_COMMENT = 1000

export function toRatingDTO(
  row: Pick<ConversationRatingsTable, 'score' | 'comment' | 'updated_at'>,
): RatingDTO {
  return { score: Number(row.score), comment: row.comment, ratedAt: Number(row.updated_at) }
}

export function createRatingsUsecases({ db, bus, clock }: CoreDeps) {
  const k = db.kysely

  return {
    /**
     * The customer's rating of one of their own conversations in this inbox. Anyone else's
     * conversation is not found (never "forbidden": no probing); one still open is refused.
     */
    async rateConversation(input: {
      accountId: string
      inboxId: string
      contactId: string
      conversationId: string
      score: number
      comment: string | null
    }): Promise<RatingDTO> {
      const events: StoredEvent[] = []
      const rating = await k.transaction().execute(async (tx) => {
        // The sequence first: its row lock orders this writer with every other one, as all
        // writers take it before any conversation row (so none waits on the other in a circle).
        const seq = await nextSeq(tx, input.accountId)
        const conversation = await tx
          .selectFrom('conversations')
          .select(['id', 'inbox_id', 'contact_id', 'status'])
          .where('account_id', '=', input.accountId)
          .where('id', '=', input.conversationId)
          .where('inbox_id', '=', input.inboxId)
          .where('contact_id', '=', input.contactId)
          .executeTakeFirst()
        if (!conversation) throw notFound('conversation')
        if (conversation.status !== 'resolved') {
          throw new AppError(
            'conversation.not_resolved',
            'A conversation can be rated once it is resolved.',
          )
        }
        const now = clock.now()
        await tx
          .insertInto('conversation_ratings')
          .values({
            conversation_id: conversation.id,
            account_id: input.accountId,
            contact_id: conversation.contact_id,
            score: input.score,
            comment: input.comment,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .column('conversation_id')
              .doUpdateSet({ score: input.score, comment: input.comment, updated_at: now }),
          )
          .execute()
        const dto = toRatingDTO({ score: input.score, comment: input.comment, updated_at: now })
        events.push(
          await recordEvent(tx, {
            accountId: input.accountId,
            inboxId: conversation.inbox_id,
            conversationId: conversation.id,
            contactId: conversation.contact_id,
            audience: 'agents',
            event: {
              seq,
              type: 'conversation.rated',
              conversationId: conversation.id,
              inboxId: conversation.inbox_id,
              at: now,
              rating: dto,
            },
          }),
        )
        return dto
      })
      bus.publish(events)
      return rating
    },

    /** The conversation's rating, if the customer gave one. The caller checked who may see it. */
    async findRating(accountId: string, conversationId: string): Promise<RatingDTO | null> {
      const row = await k
        .selectFrom('conversation_ratings')
        .select(['score', 'comment', 'updated_at'])
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst()
      return row ? toRatingDTO(row) : null
    },
  }
}

export type RatingsUsecases = ReturnType<typeof createRatingsUsecases>
