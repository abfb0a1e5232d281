import type { Kysely, Transaction } from 'kysely'
import { findOrCreateContactByEmail } from '../../contacts/contacts.repository.js'
import type { ConversationsUsecases } from '../../conversations/conversations.usecases.js'
import type { Database } from '../../db/schema.js'
import type { BlobStore } from '../../shared/blobs.js'
import type { CoreDeps } from '../../shared/deps.js'
import { newId } from '../../shared/ids.js'
import type { Signer } from '../../shared/secrets.js'
import { EmailParseError, type ParsedEmail, parseEmail } from './email.parse.js'
import { decideThread, isWebsiteConversation, type ThreadRule } from './email.threading.js'

// One road for every incoming email, from IMAP or from an import: parse, then — in one
// transaction — store the message (threaded), its email facts and the IMAP cursor. A message that
// cannot be parsed is quarantined with its raw bytes, and the cursor moves past it all the same,
// so one poison message never blocks the ones after it.

type Tx = Transaction<Database>

export interface ImapPosition {
  uidvalidity: number
  uid: number
}

export type IngestStatus = 'imported' | 'duplicate' | 'quarantined' | 'skipped' | 'bounce'

export interface IngestResult {
  status: IngestStatus
  messageId: string | null
  conversationId: string | null
  rule: ThreadRule | null
  reason?: string
}

export interface IngestTarget {
  accountId: string
  inboxId: string
  /** The mailbox's own addresses: mail from them is never a customer's. */
  ownAddresses: string[]
  /** Importing history: mail from our own addresses is the team's earlier replies, kept as
   * outgoing messages in their conversations (from IMAP it is skipped instead). */
  importing?: boolean
}

export function createEmailIngest(
  deps: CoreDeps & { conversations: ConversationsUsecases; blobs: BlobStore; signer: Signer },
) {
  const k = deps.db.kysely

  async function advanceCursor(
    q: Tx | Kysely<Database>,
    inboxId: string,
    at: ImapPosition | undefined,
  ) {
    if (!at) return
    // Only forward: a late duplicate must never move the cursor back.
    await q
      .updateTable('email_sync_state')
      .set({ last_uid: at.uid, uidvalidity: at.uidvalidity, updated_at: deps.clock.now() })
      .where('inbox_id', '=', inboxId)
      .where((eb) =>
        eb.or([
          eb('last_uid', '<', at.uid),
          eb('uidvalidity', 'is', null),
          eb('uidvalidity', '!=', at.uidvalidity),
        ]),
      )
      .execute()
  }

  async function quarantine(
    target: IngestTarget,
    raw: Buffer,
    reason: string,
    error: string,
    at?: ImapPosition,
  ) {
    await k.transaction().execute(async (tx) => {
      const rawKey = await deps.blobs.put(raw, tx)
      // The same broken bytes (a re-import, a rescan) are one quarantine entry, not one per try.
      const known = await tx
        .selectFrom('email_quarantine')
        .select('id')
        .where('inbox_id', '=', target.inboxId)
        .where('raw_key', '=', rawKey)
        .where('resolved_at', 'is', null)
        .executeTakeFirst()
      if (known) {
        await advanceCursor(tx, target.inboxId, at)
        return
      }
      await tx
        .insertInto('email_quarantine')
        .values({
          id: newId(),
          account_id: target.accountId,
          inbox_id: target.inboxId,
          uidvalidity: at?.uidvalidity ?? null,
          uid: at?.uid ?? null,
          reason,
          // Parser messages can quote the input; keep them short and never with credentials.
          error: error.slice(0, 500),
          raw_key: rawKey,
          created_at: deps.clock.now(),
          resolved_at: null,
        })
        .execute()
      await advanceCursor(tx, target.inboxId, at)
    })
  }

  return {
    advanceCursor: (inboxId: string, at: ImapPosition) => advanceCursor(k, inboxId, at),
    quarantine,

    /** Whether a Message-ID is already stored (received or sent) in this inbox. */
    async isStored(inboxId: string, messageId: string): Promise<boolean> {
      const row = await k
        .selectFrom('messages')
        .select('id')
        .where('inbox_id', '=', inboxId)
        .where('external_id', '=', messageId)
        .executeTakeFirst()
      return !!row || !!(await storedElsewhere(inboxId, messageId))
    },

    async ingest(target: IngestTarget, raw: Buffer, at?: ImapPosition): Promise<IngestResult> {
      const none = { messageId: null, conversationId: null, rule: null }
      let parsed: ParsedEmail
      try {
        parsed = await parseEmail(raw, { receivedAt: new Date(deps.clock.now()) })
      } catch (err) {
        const reason = err instanceof EmailParseError ? err.reason : 'unparseable'
        await quarantine(target, raw, reason, err instanceof Error ? err.message : String(err), at)
        return { status: 'quarantined', ...none, reason }
      }

      const own = new Set(target.ownAddresses.map((a) => a.toLowerCase()))
      const from = parsed.from?.address.toLowerCase() ?? null
      if (!from) {
        await quarantine(target, raw, 'no_sender', 'The message has no usable From address.', at)
        return { status: 'quarantined', ...none, reason: 'no_sender' }
      }
      const ours = own.has(from)
      if (ours && !target.importing) {
        // Our own outgoing mail (a copy in the inbox, or a loop): never a customer's message.
        await advanceCursor(k, target.inboxId, at)
        return { status: 'skipped', ...none, messageId: parsed.messageId, reason: 'own_address' }
      }

      if (parsed.deliveryReport?.originalMessageId) {
        const bounced = await recordBounce(target, parsed, at)
        if (bounced) return bounced
      }

      const elsewhere = parsed.messageId
        ? await storedElsewhere(target.inboxId, parsed.messageId)
        : undefined
      if (elsewhere) {
        await advanceCursor(k, target.inboxId, at)
        return {
          status: 'duplicate',
          messageId: parsed.messageId,
          conversationId: elsewhere.conversation_id,
          rule: null,
        }
      }

      const externalId = parsed.messageId ?? `hash:${parsed.contentHash}`
      let rule: ThreadRule = 'new'
      let pendingRefs: string[] = []
      const recipients = [...parsed.to, ...parsed.cc].map((a) => a.address.toLowerCase())
      const now = deps.clock.now()
      // The customer of the team's own reply is its first outside recipient.
      const customer = ours
        ? [...parsed.to, ...parsed.cc].find((a) => !own.has(a.address.toLowerCase()))
        : parsed.from
      if (!customer) {
        await quarantine(target, raw, 'no_recipient', 'Our own message names no customer.', at)
        return { status: 'quarantined', ...none, reason: 'no_recipient' }
      }
      const contactId = await findOrCreateContactByEmail(k, {
        accountId: target.accountId,
        address: customer.address,
        name: customer.name || null,
        now,
      })
      const rawKey = await deps.blobs.put(raw)

      const stored = await deps.conversations.receiveMessage({
        accountId: target.accountId,
        inboxId: target.inboxId,
        contactId,
        externalId,
        text: parsed.newText.trim() ? parsed.newText : parsed.text,
        html: parsed.html,
        subject: parsed.subject,
        quiet: parsed.isAutomatic,
        outgoing: ours ? { authorName: parsed.from?.name || null } : undefined,
        chooseConversation: async (tx) => {
          const decision = await decideThread(tx, deps.signer, {
            inboxId: target.inboxId,
            // Our reply belongs where its customer takes part.
            from: ours ? customer.address.toLowerCase() : from,
            messageId: parsed.messageId,
            inReplyTo: parsed.inReplyTo,
            references: parsed.references,
            recipients,
          })
          rule = decision.rule
          pendingRefs = decision.unmatchedRefs
          const chosen = decision.conversationId
            ? await tx
                .selectFrom('conversations')
                .select(['inbox_id', 'contact_id'])
                .where('id', '=', decision.conversationId)
                .executeTakeFirst()
            : undefined
          if (chosen && chosen.inbox_id !== target.inboxId) {
            // A website chat (email continuity). Its widget shows what arrived by email only to
            // an identity-verified user: the address was typed, and nobody checked it.
            const audience = 'verified' as const
            // A website visitor answering the email about their chat writes as that chat's contact.
            return ours
              ? { conversationId: decision.conversationId, audience }
              : { conversationId: decision.conversationId, contactId: chosen.contact_id, audience }
          }
          return { conversationId: decision.conversationId }
        },
        within: async (tx, result) => {
          for (const file of parsed.attachments) {
            // Over-size attachments keep their name and size but no content (and no blob).
            const key = file.truncated ? '' : await deps.blobs.put(file.content, tx)
            await tx
              .insertInto('attachments')
              .values({
                id: newId(),
                account_id: target.accountId,
                message_id: result.message.id,
                filename: file.filename,
                content_type: file.contentType,
                size: file.size,
                storage_key: key,
                content_id: file.contentId,
                inline: file.inline ? 1 : 0,
                created_at: now,
              })
              .execute()
          }
          await tx
            .insertInto('email_messages')
            .values({
              message_id: result.message.id,
              inbox_id: target.inboxId,
              rfc_message_id: parsed.messageId,
              subject: parsed.subject,
              from_address: from,
              from_name: parsed.from?.name || null,
              to_json: JSON.stringify(parsed.to),
              cc_json: JSON.stringify(parsed.cc),
              in_reply_to: parsed.inReplyTo,
              references_json: JSON.stringify(parsed.references),
              quoted_text: parsed.quotedText || null,
              raw_key: rawKey,
              thread_rule: rule,
              is_automatic: parsed.isAutomatic ? 1 : 0,
              automatic_reason: parsed.automaticReason,
              date_from_header: parsed.dateFromHeader ? 1 : 0,
              sent_at: Date.parse(parsed.date),
            })
            .execute()
          // A website chat takes email only from its contact's address (see email.threading.ts):
          // nobody the email names becomes a participant of it.
          const participants = (await isWebsiteConversation(tx, result.conversationId))
            ? new Set<string>()
            : new Set([from, ...recipients].filter((a) => !own.has(a) && !isPlusOf(a, own)))
          for (const address of participants) {
            await tx
              .insertInto('conversation_participants')
              .values({ conversation_id: result.conversationId, address })
              .onConflict((oc) => oc.columns(['conversation_id', 'address']).doNothing())
              .execute()
          }
          for (const ref of pendingRefs) {
            await tx
              .insertInto('email_pending_refs')
              .values({
                inbox_id: target.inboxId,
                ref_id: ref,
                conversation_id: result.conversationId,
                created_at: now,
              })
              .onConflict((oc) => oc.columns(['inbox_id', 'ref_id', 'conversation_id']).doNothing())
              .execute()
          }
          if (parsed.messageId) {
            // This message has arrived: nothing waits for it any more.
            await tx
              .deleteFrom('email_pending_refs')
              .where('inbox_id', '=', target.inboxId)
              .where('ref_id', '=', parsed.messageId)
              .execute()
          }
          await advanceCursor(tx, target.inboxId, at)
        },
      })
      if (stored.duplicate) {
        await advanceCursor(k, target.inboxId, at)
        return {
          status: 'duplicate',
          messageId: parsed.messageId,
          conversationId: stored.conversationId,
          rule: null,
        }
      }
      return {
        status: 'imported',
        messageId: parsed.messageId,
        conversationId: stored.conversationId,
        rule,
      }
    },
  }

  /** Mail this inbox received before but stored in another inbox's conversation (a website chat's
   * email continuity): its message there carries the Message-ID, so a rescan must not add it twice. */
  function storedElsewhere(inboxId: string, messageId: string) {
    return k
      .selectFrom('email_messages')
      .innerJoin('messages', 'messages.id', 'email_messages.message_id')
      .select(['messages.id', 'messages.conversation_id'])
      .where('email_messages.inbox_id', '=', inboxId)
      .where('email_messages.rfc_message_id', '=', messageId)
      .where('messages.inbox_id', '!=', inboxId)
      .executeTakeFirst()
  }

  /** A delivery report about mail Kefu sent marks that message failed instead of opening a conversation. */
  async function recordBounce(
    target: IngestTarget,
    parsed: ParsedEmail,
    at?: ImapPosition,
  ): Promise<IngestResult | undefined> {
    const original = parsed.deliveryReport?.originalMessageId
    if (!original) return undefined
    const row = await k
      .selectFrom('outbox')
      .select(['id', 'message_id'])
      .where('inbox_id', '=', target.inboxId)
      .where('rfc_message_id', '=', original)
      .executeTakeFirst()
    if (!row) return undefined
    const detail = [parsed.deliveryReport?.recipient, parsed.deliveryReport?.status]
      .filter(Boolean)
      .join(' ')
    await k.transaction().execute(async (tx) => {
      await tx
        .updateTable('outbox')
        .set({
          status: 'bounced',
          last_error: `Delivery failed${detail ? `: ${detail}` : ''}`.slice(0, 500),
          updated_at: deps.clock.now(),
        })
        .where('id', '=', row.id)
        .execute()
      await advanceCursor(tx, target.inboxId, at)
    })
    await deps.conversations.announceMessageUpdate(target.accountId, row.message_id)
    const conversationId =
      (
        await k
          .selectFrom('messages')
          .select('conversation_id')
          .where('id', '=', row.message_id)
          .executeTakeFirst()
      )?.conversation_id ?? null
    return { status: 'bounce', messageId: parsed.messageId, conversationId, rule: null }
  }
}

/** support+token@acme.com is one of our own addresses when support@acme.com is. */
function isPlusOf(address: string, own: Set<string>): boolean {
  const m = /^([^+@]+)\+[^@]*(@.+)$/.exec(address)
  return !!m && own.has(`${m[1]}${m[2]}`)
}

export type EmailIngest = ReturnType<typeof createEmailIngest>
