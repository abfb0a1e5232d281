import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
import { base32, type Signer } from '../../shared/secrets.js'

// Which conversation an incoming email belongs to. The rules, in order:
//   1. In-Reply-To names a message Kefu stored or sent in this inbox;
//   2. any id in References does (newest first);
//   3. a signed conversation token in a plus-address (support+TOKEN@…) that Kefu put in Reply-To;
//   4. an earlier mail of a conversation referenced this message before it arrived (out of order).
// The conversation is one of this inbox, or one of another inbox this inbox emailed about (a
// website chat whose visitor got the agents' replies by email: email continuity).
// A match only counts when the sender takes part in that conversation: replies to a newsletter or
// a forwarded thread must not merge different customers. No subject matching.
// In a website chat only one address takes part: its contact's current email. The visitor typed
// it and nobody verified it, so whoever else its owner copies in (or the owner of an address the
// visitor no longer gives) starts an email conversation of their own instead of writing into the
// chat.

export type ThreadRule = 'in-reply-to' | 'references' | 'token' | 'pending-ref' | 'new'

type Q = Kysely<Database> | Transaction<Database>

export interface ThreadInput {
  inboxId: string
  from: string
  messageId: string | null
  inReplyTo: string | null
  references: string[]
  /** Every recipient address (To, Cc, Delivered-To) — where a plus-address token may be. */
  recipients: string[]
}

export interface ThreadDecision {
  conversationId: string | null
  rule: ThreadRule
  /** Referenced ids that matched nothing yet: kept, so the mail they name can join later. */
  unmatchedRefs: string[]
  /** A rule matched a conversation the sender is not part of; a new one was chosen instead. */
  refusedConversationId: string | null
}

const MAX_REFERENCES = 20

const TOKEN_RE = /\+([a-z2-7]{26})([a-z2-7]{16})@/i

/** The plus-address token for a conversation: its id in base32 plus a truncated HMAC of it. */
export function conversationToken(signer: Signer, conversationId: string): string {
  const id = base32(Buffer.from(conversationId.replace(/-/g, ''), 'hex'))
  return `${id}${signer.sign(conversationId)}`
}

/** support@acme.com + token → support+TOKEN@acme.com */
export function replyToAddress(address: string, token: string): string {
  const at = address.lastIndexOf('@')
  return `${address.slice(0, at)}+${token}${address.slice(at)}`
}

function conversationIdFromToken(signer: Signer, recipients: string[]): string | null {
  for (const address of recipients) {
    const m = TOKEN_RE.exec(address)
    if (!m?.[1] || !m[2]) continue
    const hex = fromBase32(m[1].toLowerCase()).subarray(0, 16).toString('hex')
    if (hex.length !== 32) continue
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    if (signer.verify(id, m[2])) return id
  }
  return null
}

function fromBase32(s: string): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of s) {
    value = (value << 5) | alphabet.indexOf(ch)
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export async function decideThread(
  q: Q,
  signer: Signer,
  input: ThreadInput,
): Promise<ThreadDecision> {
  const byExternalId = async (id: string) =>
    (
      await q
        .selectFrom('messages')
        .select('conversation_id')
        .where('inbox_id', '=', input.inboxId)
        .where('external_id', '=', id)
        .executeTakeFirst()
    )?.conversation_id ??
    // Mail this inbox sent or received about a conversation of another inbox (a website chat's
    // email continuity) is known by its email facts.
    (
      await q
        .selectFrom('email_messages')
        .innerJoin('messages', 'messages.id', 'email_messages.message_id')
        .select('messages.conversation_id')
        .where('email_messages.inbox_id', '=', input.inboxId)
        .where('email_messages.rfc_message_id', '=', id)
        .executeTakeFirst()
    )?.conversation_id ??
    null

  const candidates: { conversationId: string; rule: ThreadRule }[] = []
  // A References header can list thousands of ids; the thread's root and its newest ones are
  // what matters (and all a well-behaved client keeps).
  const references =
    input.references.length > MAX_REFERENCES
      ? [input.references[0]!, ...input.references.slice(-(MAX_REFERENCES - 1))]
      : input.references
  const unmatchedRefs: string[] = []
  if (input.inReplyTo) {
    const c = await byExternalId(input.inReplyTo)
    if (c) candidates.push({ conversationId: c, rule: 'in-reply-to' })
    else unmatchedRefs.push(input.inReplyTo)
  }
  for (const ref of [...references].reverse()) {
    if (ref === input.inReplyTo) continue
    const c = await byExternalId(ref)
    if (c) candidates.push({ conversationId: c, rule: 'references' })
    else unmatchedRefs.push(ref)
  }
  const fromToken = conversationIdFromToken(signer, input.recipients)
  if (fromToken) candidates.push({ conversationId: fromToken, rule: 'token' })
  if (input.messageId) {
    const pending = await q
      .selectFrom('email_pending_refs')
      .select('conversation_id')
      .where('inbox_id', '=', input.inboxId)
      .where('ref_id', '=', input.messageId)
      .orderBy('created_at')
      .executeTakeFirst()
    if (pending) candidates.push({ conversationId: pending.conversation_id, rule: 'pending-ref' })
  }

  let refused: string | null = null
  for (const candidate of candidates) {
    const exists = await q
      .selectFrom('conversations')
      .select('id')
      .where('id', '=', candidate.conversationId)
      .where((eb) =>
        eb.or([
          eb('inbox_id', '=', input.inboxId),
          // A conversation of another inbox counts only once this inbox has emailed about it.
          eb.exists(
            eb
              .selectFrom('email_messages')
              .innerJoin('messages', 'messages.id', 'email_messages.message_id')
              .select('email_messages.message_id')
              .whereRef('messages.conversation_id', '=', 'conversations.id')
              .where('email_messages.inbox_id', '=', input.inboxId),
          ),
        ]),
      )
      .executeTakeFirst()
    if (!exists) continue
    if (await takesPart(q, candidate.conversationId, input.from)) {
      return { ...candidate, unmatchedRefs, refusedConversationId: null }
    }
    refused ??= candidate.conversationId
  }
  return { conversationId: null, rule: 'new', unmatchedRefs, refusedConversationId: refused }
}

/** The conversation's inbox is a website's (a chat that email continuity emailed about). */
export async function isWebsiteConversation(q: Q, conversationId: string): Promise<boolean> {
  const row = await q
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .select('inboxes.kind')
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst()
  return row?.kind === 'widget'
}

/** Whether `address` (lower case) may write into the conversation by email. */
async function takesPart(q: Q, conversationId: string, address: string): Promise<boolean> {
  const conversation = await q
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select(['inboxes.kind', 'contacts.email'])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst()
  if (!conversation) return false
  if (conversation.kind === 'widget') return conversation.email?.toLowerCase() === address
  const participant = await q
    .selectFrom('conversation_participants')
    .select('address')
    .where('conversation_id', '=', conversationId)
    .where('address', '=', address)
    .executeTakeFirst()
  return participant !== undefined
}
