import type { Transaction } from 'kysely'
import { z } from 'zod'
import type {
  ConversationsUsecases,
  DeliveryHandler,
} from '../../conversations/conversations.usecases.js'
import type { Database, OutboxTable } from '../../db/schema.js'
import { messageFiles } from '../../files/files.usecases.js'
import type { CoreDeps } from '../../shared/deps.js'
import { AppError } from '../../shared/errors.js'
import { newId } from '../../shared/ids.js'
import type { Leases } from '../../shared/leases.js'
import type { Signer } from '../../shared/secrets.js'
import { describeSmtpError, smtpTransport } from './email.clients.js'
import type { Mailboxes } from './email.mailboxes.js'
import { conversationToken, isWebsiteConversation, replyToAddress } from './email.threading.js'

// Agents' email replies go through an outbox: the row is written in the reply's own transaction
// (so a crash never loses a reply), and a sender delivers it after commit. Its Message-ID is
// chosen and stored before the first attempt, so retries resend the same message and the
// customer's answer threads back whatever happened in between.

const BACKOFF_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 2 * 3600_000]
const MAX_ATTEMPTS = BACKOFF_MS.length + 1
/** A row left 'sending' this long belonged to a process that died mid-send. */
const STUCK_MS = 5 * 60_000

const address = z
  .email()
  .max(254)
  .transform((a) => a.toLowerCase())

export const emailDeliverySchema = z
  .strictObject({
    to: z.array(address).max(50).optional(),
    cc: z.array(address).max(50).optional(),
    bcc: z.array(address).max(50).optional(),
  })
  .optional()

export interface OutboxPayload {
  to: string[]
  cc: string[]
  bcc: string[]
  subject: string
  /** The body when it is not the message's own text (an email continuity digest of replies). */
  text?: string
  html?: string
}

/** Queues an email reply in the reply's transaction: recipients default to the customer. */
export function emailDelivery(deps: CoreDeps): DeliveryHandler {
  return async (tx, { conversation, message, options }) => {
    const parsed = emailDeliverySchema.safeParse(options)
    if (!parsed.success) {
      throw new AppError(
        'request.invalid',
        parsed.error.issues[0]?.message ?? 'Invalid recipients.',
      )
    }
    const to = parsed.data?.to?.length
      ? parsed.data.to
      : conversation.contact_email
        ? [conversation.contact_email]
        : []
    if (to.length === 0) {
      throw new AppError(
        'message.no_recipient',
        'This contact has no email address; add a recipient.',
      )
    }
    const subject = conversation.subject || '(no subject)'
    // The first message of a conversation we start is not a reply to anything.
    const earlier = await tx
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('seq', '<', message.seq)
      .where('direction', 'in', ['incoming', 'outgoing'])
      .limit(1)
      .executeTakeFirst()
    const payload: OutboxPayload = {
      to,
      cc: parsed.data?.cc ?? [],
      bcc: parsed.data?.bcc ?? [],
      subject: !earlier || /^re:/i.test(subject) ? subject : `Re: ${subject}`,
    }
    await queueOutbox(tx, {
      accountId: conversation.account_id,
      inboxId: conversation.inbox_id,
      messageId: message.id,
      payload,
      now: deps.clock.now(),
    })
  }
}

/**
 * Queues one email in the transaction that stores its message (a reply, a continuity email's
 * line): the sender delivers it after commit, from `inboxId`'s mailbox.
 */
export async function queueOutbox(
  tx: Transaction<Database>,
  input: {
    accountId: string
    inboxId: string
    messageId: string
    payload: OutboxPayload
    now: number
  },
): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({
      id: newId(),
      account_id: input.accountId,
      inbox_id: input.inboxId,
      message_id: input.messageId,
      status: 'pending',
      attempts: 0,
      next_attempt_at: input.now,
      last_error: null,
      rfc_message_id: null,
      payload: JSON.stringify(input.payload),
      created_at: input.now,
      updated_at: input.now,
    })
    .execute()
}

export interface SenderDeps extends CoreDeps {
  mailboxes: Mailboxes
  conversations: ConversationsUsecases
  leases: Leases
  signer: Signer
}

export class EmailSender {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false

  constructor(
    private readonly deps: SenderDeps,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.stopped = false
    clearInterval(this.timer)
    this.timer = setInterval(() => this.nudge(), this.intervalMs)
    this.timer.unref()
    this.nudge()
  }

  /** Send what is due now (called after a reply commits, and on a timer for retries). */
  nudge(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.drain()
      .catch((err) => this.deps.logger.error({ err }, 'email outbox pass failed; retrying later'))
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.nudge()
        }
      })
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.running
  }

  /** Sends every due row once; exported for tests that want to wait for delivery. */
  async drain(): Promise<void> {
    const k = this.deps.db.kysely
    const now = this.deps.clock.now()
    await k
      .updateTable('outbox')
      .set({ status: 'pending', updated_at: now })
      .where('status', '=', 'sending')
      .where('updated_at', '<', now - STUCK_MS)
      .execute()
    const due = await k
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(20)
      .execute()
    for (const row of due) {
      if (this.stopped) return
      // Claiming is one conditional update, so two processes never send the same row.
      const claimed = await k
        .updateTable('outbox')
        .set({ status: 'sending', updated_at: this.deps.clock.now() })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst()
      if (Number(claimed.numUpdatedRows) !== 1) continue
      await this.send(row)
    }
  }

  private async send(row: OutboxTable): Promise<void> {
    const k = this.deps.db.kysely
    let sent = false
    try {
      const creds = await this.deps.mailboxes.credentials(row.inbox_id)
      const rfcId =
        row.rfc_message_id ?? (await this.assignMessageId(row, creds.fromAddress, creds.fromName))
      const payload = JSON.parse(row.payload) as OutboxPayload
      const message = await k
        .selectFrom('messages')
        .select(['text', 'conversation_id', 'seq'])
        .where('id', '=', row.message_id)
        .executeTakeFirstOrThrow()
      const thread = await this.threadHeaders(row.inbox_id, message.conversation_id, message.seq)
      const signer = this.deps.signer
      const transport = smtpTransport(creds.smtp)
      try {
        await transport.sendMail({
          from: { name: creds.fromName, address: creds.fromAddress },
          replyTo: replyToAddress(
            creds.fromAddress,
            conversationToken(signer, message.conversation_id),
          ),
          to: payload.to,
          cc: payload.cc,
          bcc: payload.bcc,
          subject: payload.subject,
          messageId: `<${rfcId}>`,
          inReplyTo: thread.inReplyTo ? `<${thread.inReplyTo}>` : undefined,
          references: thread.references.map((r) => `<${r}>`),
          text: payload.text ?? message.text,
          html: payload.html ?? textToHtml(message.text),
          // Files the agent attached to the reply go along as ordinary attachments.
          attachments: await messageFiles(this.deps.db, row.message_id),
          // Replies written by people: auto-responders may answer (RFC 3834 says they should not
          // answer Auto-Submitted mail, which this is not).
          headers: { 'X-Kefu-Conversation': message.conversation_id },
        })
      } finally {
        transport.close()
      }
      sent = true
      await k
        .updateTable('outbox')
        .set({
          status: 'sent',
          attempts: row.attempts + 1,
          last_error: null,
          updated_at: this.deps.clock.now(),
        })
        .where('id', '=', row.id)
        .execute()
    } catch (err) {
      if (sent) {
        // The server took the mail; only our bookkeeping failed. Never send it twice: the stuck
        // 'sending' row is left for a person to look at rather than retried.
        this.deps.logger.error({ err, outboxId: row.id }, 'email sent but not recorded')
        return
      }
      const attempts = row.attempts + 1
      const failed = attempts >= MAX_ATTEMPTS
      const error = describeSmtpError(err)
      this.deps.logger.warn({ outboxId: row.id, attempts, error }, 'email delivery failed')
      await k
        .updateTable('outbox')
        .set({
          status: failed ? 'failed' : 'pending',
          attempts,
          last_error: error,
          next_attempt_at: this.deps.clock.now() + (BACKOFF_MS[attempts - 1] ?? BACKOFF_MS.at(-1)!),
          updated_at: this.deps.clock.now(),
        })
        .where('id', '=', row.id)
        .execute()
    }
    await this.deps.conversations.announceMessageUpdate(row.account_id, row.message_id)
  }

  /** Picks and stores the Message-ID before anything is sent. */
  private async assignMessageId(
    row: OutboxTable,
    fromAddress: string,
    fromName: string,
  ): Promise<string> {
    const domain = fromAddress.split('@')[1] ?? 'kefu.invalid'
    const rfcId = `${newId()}@${domain}`
    const payload = JSON.parse(row.payload) as OutboxPayload
    await this.deps.db.kysely.transaction().execute(async (tx) => {
      await tx
        .updateTable('outbox')
        .set({ rfc_message_id: rfcId })
        .where('id', '=', row.id)
        .execute()
      await tx
        .updateTable('messages')
        .set({ external_id: rfcId })
        .where('id', '=', row.message_id)
        .execute()
      const prior = await this.threadHeaders(
        row.inbox_id,
        '',
        Number.MAX_SAFE_INTEGER,
        tx,
        row.message_id,
      )
      await tx
        .insertInto('email_messages')
        .values({
          message_id: row.message_id,
          inbox_id: row.inbox_id,
          rfc_message_id: rfcId,
          subject: payload.subject,
          from_address: fromAddress,
          from_name: fromName,
          to_json: JSON.stringify(payload.to.map((a) => ({ name: '', address: a }))),
          cc_json: JSON.stringify(payload.cc.map((a) => ({ name: '', address: a }))),
          in_reply_to: prior.inReplyTo,
          references_json: JSON.stringify(prior.references),
          quoted_text: null,
          raw_key: null,
          thread_rule: null,
          is_automatic: 0,
          automatic_reason: null,
          date_from_header: 1,
          sent_at: this.deps.clock.now(),
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .execute()
      const conversation = await tx
        .selectFrom('messages')
        .select('conversation_id')
        .where('id', '=', row.message_id)
        .executeTakeFirstOrThrow()
      // A website chat's emails (continuity) go to an address the visitor typed: its replies are
      // taken from the contact's current email only, so no recipient becomes a participant.
      const website = await isWebsiteConversation(tx, conversation.conversation_id)
      for (const a of website ? [] : [...payload.to, ...payload.cc, ...payload.bcc]) {
        await tx
          .insertInto('conversation_participants')
          .values({ conversation_id: conversation.conversation_id, address: a })
          .onConflict((oc) => oc.columns(['conversation_id', 'address']).doNothing())
          .execute()
      }
    })
    return rfcId
  }

  /** In-Reply-To is the latest earlier email of the conversation; References its chain plus it. */
  private async threadHeaders(
    inboxId: string,
    conversationId: string,
    beforeSeq: number,
    q = this.deps.db.kysely,
    ofMessageId?: string,
  ): Promise<{ inReplyTo: string | null; references: string[] }> {
    let conversation = conversationId
    let seq = beforeSeq
    if (ofMessageId) {
      const own = await q
        .selectFrom('messages')
        .select(['conversation_id', 'seq'])
        .where('id', '=', ofMessageId)
        .executeTakeFirstOrThrow()
      conversation = own.conversation_id
      seq = own.seq
    }
    const previous = await q
      .selectFrom('email_messages')
      .innerJoin('messages', 'messages.id', 'email_messages.message_id')
      .select(['email_messages.rfc_message_id', 'email_messages.references_json'])
      .where('messages.conversation_id', '=', conversation)
      // The email's inbox, not the message's: a website chat's emails (continuity) thread too.
      .where('email_messages.inbox_id', '=', inboxId)
      .where('messages.seq', '<', seq)
      .where('email_messages.rfc_message_id', 'is not', null)
      .orderBy('messages.seq', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (!previous?.rfc_message_id) return { inReplyTo: null, references: [] }
    const chain = (JSON.parse(previous.references_json) as string[]).filter(
      (r) => r !== previous.rfc_message_id,
    )
    // Keep the thread's root and the most recent ids; long chains are trimmed in the middle.
    const trimmed = chain.length > 19 ? [chain[0]!, ...chain.slice(-18)] : chain
    return { inReplyTo: previous.rfc_message_id, references: [...trimmed, previous.rfc_message_id] }
  }
}

function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<div style="font-family: sans-serif; white-space: pre-wrap">${escaped}</div>`
}
