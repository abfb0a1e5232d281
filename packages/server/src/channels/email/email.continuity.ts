import type { Locale, WidgetSettings } from '@kefu/protocol'
import type { Kysely, Transaction } from 'kysely'
import type {
  ConversationsUsecases,
  DeliveryHandler,
} from '../../conversations/conversations.usecases.js'
import type { Database } from '../../db/schema.js'
import { parseSettings } from '../../inboxes/inboxes.usecases.js'
import type { CoreDeps } from '../../shared/deps.js'
import { AppError } from '../../shared/errors.js'
import type { Leases } from '../../shared/leases.js'
import { queueOutbox } from './email.outbox.js'

// Email continuity: a website visitor who left an email address and is no longer in the chat gets
// the agents' replies by email, and their answer comes back into the same chat (threading knows
// the email's Message-ID and the signed Reply-To token).
//
// An agent's reply, in its own transaction, arms one row per conversation with a due time (a short
// delay first, so a visitor who is just reconnecting reads it in the chat instead; then at most one
// email per batch window). When it is due, the replies the visitor has not seen are emailed: those
// after their read receipt, or, for a widget that reports none, all of them unless the visitor is
// connected (the hub of this process) or came back after them. A timer, held by one process at a time through a lease, picks up due
// rows; each is claimed inside the transaction that writes the team's timeline line and the
// outbox row, so two processes or two ticks never send it twice and a restart loses nothing. The
// outbox then sends it like any email reply: Message-ID stored first, retries, failures shown on
// the line. The visitor's timeline never shows any of it.

type Q = Kysely<Database> | Transaction<Database>

export interface ContinuityOptions {
  /** The first email waits this long after the reply that armed it. */
  delayMs: number
  /** At least this long between two emails of one conversation. */
  windowMs: number
}

export const DEFAULT_CONTINUITY: ContinuityOptions = { delayMs: 90_000, windowMs: 5 * 60_000 }

/** Who is in the chat right now: the realtime hub (per process, see hub.visitorConnected). */
export interface VisitorPresence {
  visitorConnected(accountId: string, inboxId: string, contactId: string): boolean
}

const LEASE = 'email-continuity'
const LEASE_MS = 30_000
const TICK_MS = 5_000
const BATCH = 20
/** Replies carried by one email at most; any more wait for the next one. */
const MAX_REPLIES = 50

/** PUT settings: continuity must name an email inbox of the same account. */
export async function assertContinuityTarget(
  q: Q,
  accountId: string,
  settings: WidgetSettings,
): Promise<void> {
  const id = settings.emailContinuity?.emailInboxId
  if (!id) return
  const inbox = await q
    .selectFrom('inboxes')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('kind', '=', 'email')
    .executeTakeFirst()
  if (!inbox) {
    throw new AppError(
      'inbox.continuity_invalid',
      'Email continuity must name an email inbox of this account.',
    )
  }
}

/** The email inbox that sends a website inbox's continuity emails, when it can: set, same account, kind email, mailbox configured. */
async function sendingInbox(q: Q, accountId: string, websiteInboxId: string) {
  const site = await q
    .selectFrom('inboxes')
    .select(['name', 'settings'])
    .where('account_id', '=', accountId)
    .where('id', '=', websiteInboxId)
    .where('kind', '=', 'widget')
    .executeTakeFirst()
  if (!site) return undefined
  const settings = parseSettings(site.settings)
  const target = settings.emailContinuity?.emailInboxId
  if (!target) return undefined
  const inbox = await q
    .selectFrom('inboxes')
    .innerJoin('email_mailboxes', 'email_mailboxes.inbox_id', 'inboxes.id')
    .select('inboxes.id')
    .where('inboxes.account_id', '=', accountId)
    .where('inboxes.id', '=', target)
    .where('inboxes.kind', '=', 'email')
    .executeTakeFirst()
  return inbox ? { id: inbox.id, siteName: site.name, siteLocale: settings.locale } : undefined
}

/** Arms the conversation's row in the reply's transaction (the website inbox's delivery). */
export function continuityDelivery(deps: CoreDeps, options: ContinuityOptions): DeliveryHandler {
  return async (tx, { conversation, message }) => {
    if (message.direction !== 'outgoing' || message.author.type !== 'agent') return
    if (!conversation.contact_email) return
    // Armed even while the visitor is in the chat: a reply they leave unread (read receipts) is
    // emailed too. Whether it was seen is decided when the email is due.
    if (!(await sendingInbox(tx, conversation.account_id, conversation.inbox_id))) return
    const now = deps.clock.now()
    const row = await tx
      .selectFrom('email_continuity')
      .select(['due_at', 'covered_seq', 'last_email_at'])
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirst()
    // Already waiting: this reply rides along in that email.
    if (row && row.due_at !== null) return
    const due = Math.max(
      now + options.delayMs,
      row?.last_email_at != null ? Number(row.last_email_at) + options.windowMs : 0,
    )
    // Replies since the last email were settled when it was due (seen, or emailed).
    const covered = Math.max(Number(row?.covered_seq ?? 0), message.seq - 1)
    await tx
      .insertInto('email_continuity')
      .values({
        conversation_id: conversation.id,
        account_id: conversation.account_id,
        due_at: due,
        covered_seq: covered,
        last_email_at: null,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column('conversation_id')
          .doUpdateSet({ due_at: due, covered_seq: covered, updated_at: now }),
      )
      .execute()
  }
}

export interface ContinuityDeps extends CoreDeps {
  conversations: ConversationsUsecases
  leases: Leases
  presence: VisitorPresence
  options: ContinuityOptions
  /** Sends queued outbox rows now. */
  nudgeSender(): void
}

export function createEmailContinuity(deps: ContinuityDeps) {
  const k = deps.db.kysely
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = true

  const tick = () => {
    if (stopped || running) return
    running = runDue()
      .catch((err) => deps.logger.error({ err }, 'email continuity pass failed; retrying later'))
      .finally(() => {
        running = undefined
      })
  }

  /** Emails every conversation whose time has come (under the cluster-wide lease); how many were queued. */
  async function runDue(): Promise<number> {
    if (!(await deps.leases.acquire(LEASE, LEASE_MS, deps.clock.now()))) return 0
    const due = await k
      .selectFrom('email_continuity')
      .select(['conversation_id', 'account_id', 'due_at'])
      .where('due_at', '<=', deps.clock.now())
      .orderBy('due_at')
      .limit(BATCH)
      .execute()
    let queued = 0
    for (const row of due) {
      if (row.due_at === null) continue
      try {
        if (await emailConversation(row.account_id, row.conversation_id, Number(row.due_at))) {
          queued++
        }
      } catch (err) {
        // One broken conversation must not hold up the others; it is tried again next tick.
        deps.logger.error({ err, conversationId: row.conversation_id }, 'continuity email failed')
      }
    }
    if (queued) deps.nudgeSender()
    return queued
  }

  /** Claims the row (still due at `dueAt`) and queues the email, in one transaction. */
  async function emailConversation(
    accountId: string,
    conversationId: string,
    dueAt: number,
  ): Promise<boolean> {
    const line = await deps.conversations.recordActivity({
      accountId,
      conversationId,
      build: async (tx, conversation) => {
        const now = deps.clock.now()
        const row = await tx
          .selectFrom('email_continuity')
          .select(['covered_seq', 'last_email_at'])
          .where('conversation_id', '=', conversationId)
          .where('due_at', '=', dueAt)
          .executeTakeFirst()
        // Another process or tick took it.
        if (!row) return null
        const newest = await tx
          .selectFrom('messages')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('conversation_id', '=', conversationId)
          .where('direction', '=', 'outgoing')
          .executeTakeFirst()
        const newestSeq = Number(newest?.seq ?? 0)
        const settle = (extra: { last_email_at?: number } = {}) =>
          tx
            .updateTable('email_continuity')
            .set({ due_at: null, covered_seq: newestSeq, updated_at: now, ...extra })
            .where('conversation_id', '=', conversationId)
            .execute()

        const to = conversation.contact_email
        const inbox = await sendingInbox(tx, accountId, conversation.inbox_id)
        // The widget reports what it showed (open and visible): then unread is exactly known.
        // A conversation whose widget never reported a read falls back to presence: a visitor in
        // the chat now has fetched everything on reconnecting. (The row alone says nothing: an
        // agent's read creates it with the visitor's mark at 0.)
        const receipt = await tx
          .selectFrom('conversation_receipts')
          .select('contact_read_seq')
          .where('conversation_id', '=', conversationId)
          .where('contact_read_seq', '>', 0)
          .executeTakeFirst()
        const present = deps.presence.visitorConnected(
          accountId,
          conversation.inbox_id,
          conversation.contact_id,
        )
        if (!to || !inbox || (present && !receipt)) {
          await settle()
          return null
        }
        const visitor = await tx
          .selectFrom('visitors')
          .select(['last_seen_at', 'locale'])
          .where('contact_id', '=', conversation.contact_id)
          .where('inbox_id', '=', conversation.inbox_id)
          .orderBy('last_seen_at', 'desc')
          .limit(1)
          .executeTakeFirst()
        const seenSeq = Math.max(Number(row.covered_seq), Number(receipt?.contact_read_seq ?? 0))
        const replies = await tx
          .selectFrom('messages')
          .leftJoin('agents', 'agents.id', 'messages.author_id')
          .select([
            'messages.id',
            'messages.text',
            'messages.seq',
            'messages.created_at',
            'agents.name',
          ])
          .where('messages.conversation_id', '=', conversationId)
          .where('messages.direction', '=', 'outgoing')
          .where('messages.author_type', '=', 'agent')
          .where('messages.seq', '>', seenSeq)
          // Without receipts: a visitor whose session came back after a reply has fetched it.
          .where('messages.created_at', '>', receipt ? 0 : Number(visitor?.last_seen_at ?? 0))
          .orderBy('messages.seq')
          .limit(MAX_REPLIES)
          .execute()
        if (replies.length === 0) {
          await settle()
          return null
        }
        // Files sent with the replies are named; the chat has them (their links expire).
        const files = await tx
          .selectFrom('attachments')
          .select(['message_id', 'filename'])
          .where(
            'message_id',
            'in',
            replies.map((r) => r.id),
          )
          .orderBy('created_at')
          .execute()
        const account = await tx
          .selectFrom('accounts')
          .select('timezone')
          .where('id', '=', accountId)
          .executeTakeFirst()
        const locale = (visitor?.locale as Locale | null) ?? inbox.siteLocale ?? 'en'
        const email = composeContinuityEmail({
          locale,
          siteName: inbox.siteName,
          timeZone: account?.timezone ?? 'UTC',
          replies: replies.map((r) => ({
            author: r.name,
            text: r.text,
            at: Number(r.created_at),
            files: files.filter((f) => f.message_id === r.id).map((f) => f.filename),
          })),
          followUp: row.last_email_at !== null,
        })
        const lastSeq = Number(replies.at(-1)?.seq ?? newestSeq)
        return {
          text: `Emailed ${replies.length === 1 ? '1 reply' : `${replies.length} replies`} to ${to}`,
          activity: { kind: 'emailed', actorName: null, to, count: replies.length },
          within: async (tx2, message) => {
            await tx2
              .updateTable('email_continuity')
              .set({
                // More than one email's worth: the rest goes after the window.
                due_at: lastSeq < newestSeq ? now + deps.options.windowMs : null,
                covered_seq: Math.min(lastSeq, newestSeq),
                last_email_at: now,
                updated_at: now,
              })
              .where('conversation_id', '=', conversationId)
              .execute()
            await queueOutbox(tx2, {
              accountId,
              // Sent from the email inbox's mailbox; the line stays in the website chat.
              inboxId: inbox.id,
              messageId: message.id,
              payload: {
                to: [to],
                cc: [],
                bcc: [],
                subject: email.subject,
                text: email.text,
                html: email.html,
              },
              now,
            })
          },
        }
      },
    })
    return line !== null
  }

  return {
    runDue,

    start(): void {
      stopped = false
      clearInterval(timer)
      timer = setInterval(tick, TICK_MS)
      timer.unref()
      tick()
    },

    async stop(): Promise<void> {
      stopped = true
      clearInterval(timer)
      await running
      await deps.leases.release(LEASE).catch(() => {})
    },
  }
}

export type EmailContinuity = ReturnType<typeof createEmailContinuity>

// ---------- the email itself ----------

interface Words {
  subject: (site: string) => string
  intro: (site: string, count: number) => string
  support: string
  footer: string
}

const WORDS: Record<Locale, Words> = {
  en: {
    subject: (site) => `Your conversation with ${site}`,
    intro: (site, count) =>
      count === 1
        ? `You have a new reply from ${site}:`
        : `You have ${count} new replies from ${site}:`,
    support: 'Support',
    footer: 'Reply to this email to answer; your reply reaches us in the same conversation.',
  },
  'zh-CN': {
    subject: (site) => `您与 ${site} 的对话`,
    intro: (site, count) =>
      count === 1 ? `${site} 给您发来了一条新回复：` : `${site} 给您发来了 ${count} 条新回复：`,
    support: '客服',
    footer: '直接回复这封邮件即可继续对话，您的回复会回到同一个会话中。',
  },
  'zh-TW': {
    subject: (site) => `您與 ${site} 的對話`,
    intro: (site, count) =>
      count === 1 ? `${site} 給您發來了一則新回覆：` : `${site} 給您發來了 ${count} 則新回覆：`,
    support: '客服',
    footer: '直接回覆這封郵件即可繼續對話，您的回覆會回到同一個對話中。',
  },
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Subject, plain text and simple HTML (every piece of text escaped) of one continuity email. */
export function composeContinuityEmail(input: {
  locale: Locale
  siteName: string
  timeZone: string
  replies: { author: string | null; text: string; at: number; files?: string[] }[]
  /** A later email of the same conversation: "Re:" keeps mail clients' threads together. */
  followUp: boolean
}): { subject: string; text: string; html: string } {
  const w = WORDS[input.locale] ?? WORDS.en
  // Header-safe: the site name is an admin's text, but a subject must stay on one line.
  const site = input.siteName.replace(/[\r\n]+/g, ' ').trim()
  const subject = `${input.followUp ? 'Re: ' : ''}${w.subject(site)}`
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat(input.locale, {
      timeZone: input.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    })
  } catch {
    format = new Intl.DateTimeFormat(input.locale, { dateStyle: 'medium', timeStyle: 'short' })
  }
  const items = input.replies.map((r) => ({
    who: r.author?.trim() || w.support,
    when: format.format(new Date(r.at)),
    text: r.text.trim(),
    // File names are the sender's text: one line each, never markup.
    files: (r.files ?? []).map((f) => `📎 ${f.replace(/[\r\n]+/g, ' ')}`),
  }))
  const intro = w.intro(site, items.length)
  const text = [
    intro,
    '',
    ...items.flatMap((i) => [`${i.who} · ${i.when}`, ...(i.text ? [i.text] : []), ...i.files, '']),
    '--',
    w.footer,
    '',
  ].join('\n')
  const html = [
    `<div style="font-family: sans-serif; font-size: 14px; color: #111827">`,
    `<p>${escapeHtml(intro)}</p>`,
    ...items.map(
      (i) =>
        `<div style="margin: 0 0 16px; padding-left: 12px; border-left: 3px solid #d1d5db">` +
        `<div style="color: #6b7280; font-size: 12px">${escapeHtml(i.who)} · ${escapeHtml(i.when)}</div>` +
        (i.text ? `<div style="white-space: pre-wrap">${escapeHtml(i.text)}</div>` : '') +
        i.files.map((f) => `<div style="color: #374151">${escapeHtml(f)}</div>`).join('') +
        '</div>',
    ),
    `<p style="color: #6b7280; font-size: 12px">${escapeHtml(w.footer)}</p>`,
    '</div>',
  ].join('\n')
  return { subject, text, html }
}
