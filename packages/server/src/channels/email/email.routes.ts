import { Hono } from 'hono'
import { z } from 'zod'
import { canSeeInbox, type Principal } from '../../agents/access.js'
import { requireAgent } from '../../agents/auth.routes.js'
import { findOrCreateContactByEmail } from '../../contacts/contacts.repository.js'
import { serveFile } from '../../files/files.serve.js'
import { toInboxDTO } from '../../inboxes/inboxes.usecases.js'
import type { Services } from '../../services.js'
import { AppError, forbidden, notFound } from '../../shared/errors.js'
import type { AppEnv } from '../../shared/http.js'
import { newId } from '../../shared/ids.js'
import { clientId, messageText, readJson, readOptionalJson } from '../../shared/validation.js'
import { describeImapError, describeSmtpError, imapClient, smtpTransport } from './email.clients.js'
import {
  type MailboxSettingsInput,
  mailboxSettingsSchema,
  sameServer,
  toMailboxDTO,
} from './email.mailboxes.js'
import { sanitizeEmailHtml } from './email.sanitize.js'

/** Inline images up to this size are embedded in the sanitized HTML. */
const INLINE_IMAGE_MAX = 2 * 1024 * 1024

const adminOnly = (p: Principal) => {
  if (p.role !== 'admin') throw forbidden('Only admins can manage mailboxes.')
}

export function emailRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  const auth = requireAgent(s)
  const k = s.db.kysely

  const emailInbox = async (accountId: string, inboxId: string) => {
    const inbox = await k
      .selectFrom('inboxes')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', inboxId)
      .where('kind', '=', 'email')
      .executeTakeFirst()
    if (!inbox) throw notFound('inbox')
    return inbox
  }

  app.post('/inboxes/email', auth, async (c) => {
    const actor = c.get('principal')
    adminOnly(actor)
    const body = await readJson(
      c,
      z.strictObject({ name: z.string().trim().min(1).max(100), mailbox: mailboxSettingsSchema }),
    )
    const now = s.clock.now()
    const id = newId()
    await k.transaction().execute(async (tx) => {
      await tx
        .insertInto('inboxes')
        .values({
          id,
          account_id: actor.accountId,
          kind: 'email',
          name: body.name,
          public_token: null,
          settings: '{}',
          created_at: now,
          updated_at: now,
        })
        .execute()
      await tx.insertInto('inbox_members').values({ inbox_id: id, agent_id: actor.id }).execute()
    })
    const mailbox = await s.email.mailboxes.save(id, body.mailbox)
    await s.hub.refreshScopes(actor.accountId, (p) => s.agents.inboxScope(p))
    s.email.watch(id, actor.accountId)
    const inbox = await emailInbox(actor.accountId, id)
    return c.json({ inbox: toInboxDTO(inbox), mailbox: toMailboxDTO(mailbox) }, 201)
  })

  app.get('/inboxes/:id/mailbox', auth, async (c) => {
    const actor = c.get('principal')
    adminOnly(actor)
    const inbox = await emailInbox(actor.accountId, c.req.param('id'))
    const mailbox = await s.email.mailboxes.find(inbox.id)
    if (!mailbox) throw notFound('mailbox')
    return c.json(toMailboxDTO(mailbox))
  })

  app.put('/inboxes/:id/mailbox', auth, async (c) => {
    const actor = c.get('principal')
    adminOnly(actor)
    const inbox = await emailInbox(actor.accountId, c.req.param('id'))
    const body = await readJson(c, mailboxSettingsSchema)
    const mailbox = await s.email.mailboxes.save(inbox.id, body)
    s.email.watch(inbox.id, actor.accountId)
    return c.json(toMailboxDTO(mailbox))
  })

  app.post('/inboxes/:id/mailbox/test', auth, async (c) => {
    const actor = c.get('principal')
    adminOnly(actor)
    const inbox = await emailInbox(actor.accountId, c.req.param('id'))
    const body = await readOptionalJson(c, mailboxSettingsSchema)
    const stored = await s.email.mailboxes
      .find(inbox.id)
      .then((m) => m && s.email.mailboxes.credentials(inbox.id))
    return c.json(await testConnection(body, stored))
  })

  app.get('/inboxes/:id/health', auth, async (c) => {
    const actor = c.get('principal')
    const inbox = await emailInbox(actor.accountId, c.req.param('id'))
    if (!canSeeInbox(c.get('scope'), inbox.id)) throw notFound('inbox')
    const state = await k
      .selectFrom('email_sync_state')
      .selectAll()
      .where('inbox_id', '=', inbox.id)
      .executeTakeFirst()
    const quarantined = await k
      .selectFrom('email_quarantine')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('inbox_id', '=', inbox.id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst()
    const now = s.clock.now()
    return c.json({
      connected: state?.connected === 1,
      lastSyncAt: state?.last_sync_at ?? null,
      lagMs: state?.last_sync_at ? now - state.last_sync_at : null,
      lastError: state?.last_error ?? null,
      lastErrorAt: state?.last_error_at ?? null,
      quarantined: Number(quarantined?.n ?? 0),
    })
  })

  app.get('/inboxes/:id/quarantine', auth, async (c) => {
    const actor = c.get('principal')
    adminOnly(actor)
    const inbox = await emailInbox(actor.accountId, c.req.param('id'))
    const rows = await k
      .selectFrom('email_quarantine')
      .select(['id', 'uid', 'reason', 'error', 'created_at', 'resolved_at'])
      .where('inbox_id', '=', inbox.id)
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute()
    return c.json({
      items: rows.map((r) => ({
        id: r.id,
        uid: r.uid,
        reason: r.reason,
        error: r.error,
        createdAt: r.created_at,
        resolvedAt: r.resolved_at,
      })),
    })
  })

  app.post('/inboxes/:id/quarantine/:qid/reprocess', auth, async (c) => {
    const actor = c.get('principal')
    adminOnly(actor)
    const inbox = await emailInbox(actor.accountId, c.req.param('id'))
    const row = await k
      .selectFrom('email_quarantine')
      .selectAll()
      .where('inbox_id', '=', inbox.id)
      .where('id', '=', c.req.param('qid'))
      .executeTakeFirst()
    if (!row) throw notFound('quarantine_item')
    const raw = await s.email.blobs.get(row.raw_key)
    if (!raw) throw notFound('quarantine_item')
    const mailbox = await s.email.mailboxes.credentials(inbox.id)
    const result = await s.email.ingest.ingest(
      { accountId: actor.accountId, inboxId: inbox.id, ownAddresses: [mailbox.fromAddress] },
      raw,
    )
    if (result.status !== 'quarantined') {
      await k
        .updateTable('email_quarantine')
        .set({ resolved_at: s.clock.now() })
        .where('id', '=', row.id)
        .execute()
    }
    return c.json(result)
  })

  /** What Kefu knows of one email message: headers, quoted part, sanitized HTML. */
  app.get('/messages/:id/email', auth, async (c) => {
    const actor = c.get('principal')
    const row = await k
      .selectFrom('email_messages')
      .innerJoin('messages', 'messages.id', 'email_messages.message_id')
      .select([
        'messages.account_id',
        'messages.inbox_id',
        'messages.html',
        'email_messages.subject',
        'email_messages.from_address',
        'email_messages.from_name',
        'email_messages.to_json',
        'email_messages.cc_json',
        'email_messages.quoted_text',
        'email_messages.thread_rule',
        'email_messages.is_automatic',
        'email_messages.automatic_reason',
        'email_messages.date_from_header',
        'email_messages.sent_at',
      ])
      .where('email_messages.message_id', '=', c.req.param('id'))
      .where('messages.account_id', '=', actor.accountId)
      .executeTakeFirst()
    if (!row || !canSeeInbox(c.get('scope'), row.inbox_id)) throw notFound('message')
    const files = await k
      .selectFrom('attachments')
      .select(['id', 'filename', 'content_type', 'size', 'storage_key', 'content_id', 'inline'])
      .where('message_id', '=', c.req.param('id'))
      .execute()
    // Inline images become data: URLs: the sandboxed frame has an opaque origin and would not
    // be sent the agent's cookie, and nothing in it may reach out on its own anyway.
    const inlineImages = new Map<string, string>()
    for (const f of files) {
      if (!f.content_id || !f.storage_key || f.size > INLINE_IMAGE_MAX) continue
      if (!/^image\/(png|jpe?g|gif|webp)$/i.test(f.content_type)) continue
      const bytes = await s.email.blobs.get(f.storage_key)
      if (bytes)
        inlineImages.set(
          f.content_id,
          `data:${f.content_type.toLowerCase()};base64,${bytes.toString('base64')}`,
        )
    }
    const sanitized = row.html
      ? sanitizeEmailHtml(row.html, { cidUrl: (cid) => inlineImages.get(cid) ?? null })
      : null
    return c.json({
      subject: row.subject,
      from: row.from_address ? { name: row.from_name ?? '', address: row.from_address } : null,
      to: JSON.parse(row.to_json),
      cc: JSON.parse(row.cc_json),
      quotedText: row.quoted_text,
      html: sanitized?.html ?? null,
      remoteImages: sanitized?.remoteImages ?? 0,
      threadRule: row.thread_rule,
      isAutomatic: row.is_automatic === 1,
      automaticReason: row.automatic_reason,
      dateFromHeader: row.date_from_header === 1,
      sentAt: row.sent_at,
      attachments: files.map((f) => ({
        id: f.id,
        filename: f.filename,
        contentType: f.content_type,
        size: f.size,
        inline: f.inline === 1,
        available: f.storage_key !== '',
      })),
    })
  })

  /** Downloads an attachment: always as a download, never rendered by the browser. */
  app.get('/attachments/:id', auth, async (c) => {
    const actor = c.get('principal')
    const file = await k
      .selectFrom('attachments')
      .innerJoin('messages', 'messages.id', 'attachments.message_id')
      .select([
        'attachments.filename',
        'attachments.content_type',
        'attachments.storage_key',
        'messages.inbox_id',
      ])
      .where('attachments.id', '=', c.req.param('id'))
      .where('attachments.account_id', '=', actor.accountId)
      .executeTakeFirst()
    if (!file || !canSeeInbox(c.get('scope'), file.inbox_id) || !file.storage_key)
      throw notFound('attachment')
    const bytes = await s.email.blobs.get(file.storage_key)
    if (!bytes) throw notFound('attachment')
    return serveFile(c, {
      filename: file.filename,
      contentType: file.content_type,
      bytes,
      download: true,
    })
  })

  /** A new outbound email conversation: follow-ups (回访) start from the team's side. */
  app.post('/conversations/email', auth, async (c) => {
    const actor = c.get('principal')
    const body = await readJson(
      c,
      z.strictObject({
        inboxId: z.string().max(64),
        clientId,
        to: z.email().max(254),
        name: z.string().trim().max(100).optional(),
        cc: z.array(z.email().max(254)).max(50).optional(),
        bcc: z.array(z.email().max(254)).max(50).optional(),
        subject: z
          .string()
          .trim()
          .min(1)
          .max(300)
          .refine((v) => !/[\r\n]/.test(v), 'must not contain line breaks'),
        text: messageText,
      }),
    )
    await emailInbox(actor.accountId, body.inboxId)
    const contactId = await findOrCreateContactByEmail(k, {
      accountId: actor.accountId,
      address: body.to,
      name: body.name ?? null,
      now: s.clock.now(),
    })
    const started = await s.conversations.startOutbound({
      principal: actor,
      scope: c.get('scope'),
      inboxId: body.inboxId,
      contactId,
      subject: body.subject,
      text: body.text,
      clientId: body.clientId,
      delivery: { to: [body.to], cc: body.cc, bcc: body.bcc },
    })
    return c.json(started, 201)
  })

  app.post('/conversations/:id/messages/:messageId/retry', auth, async (c) => {
    const actor = c.get('principal')
    const row = await k
      .selectFrom('outbox')
      .innerJoin('messages', 'messages.id', 'outbox.message_id')
      .select(['outbox.id', 'outbox.status', 'messages.inbox_id'])
      .where('outbox.message_id', '=', c.req.param('messageId'))
      .where('messages.conversation_id', '=', c.req.param('id'))
      .where('outbox.account_id', '=', actor.accountId)
      .executeTakeFirst()
    // The conversation's inbox decides (a website chat's continuity email is sent by another).
    if (!row || !canSeeInbox(c.get('scope'), row.inbox_id)) throw notFound('message')
    if (row.status !== 'failed' && row.status !== 'bounced') {
      throw new AppError('message.not_failed', 'Only a failed delivery can be retried.')
    }
    await k
      .updateTable('outbox')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: s.clock.now(),
        updated_at: s.clock.now(),
      })
      .where('id', '=', row.id)
      .where('status', 'in', ['failed', 'bounced'])
      .execute()
    await s.conversations.announceMessageUpdate(actor.accountId, c.req.param('messageId'))
    s.email.sender.nudge()
    return c.body(null, 202)
  })

  return app
}

type Credentials = Awaited<ReturnType<Services['email']['mailboxes']['credentials']>>

/** Tries IMAP login and SMTP greeting+auth; answers what failed in words that carry no secret. */
async function testConnection(
  input: MailboxSettingsInput | undefined,
  stored: Credentials | undefined,
) {
  const imap = input?.imap ?? stored?.imap
  const smtp = input?.smtp ?? stored?.smtp
  // The stored password is only ever sent to the server it was stored for: otherwise a session
  // could point the test at its own host and collect it.
  const imapPassword =
    input?.imap.password ??
    (stored && sameServer(input?.imap, stored.imap) ? stored.imap.password : undefined)
  const smtpPassword =
    input?.smtp.password ??
    (stored && sameServer(input?.smtp, stored.smtp) ? stored.smtp.password : undefined)
  const result = {
    imap: { ok: false, error: null as string | null },
    smtp: { ok: false, error: null as string | null },
  }
  if (imap && imapPassword) {
    const client = imapClient({ ...imap, password: imapPassword })
    try {
      await client.connect()
      await client.mailboxOpen(imap.folder ?? 'INBOX', { readOnly: true })
      result.imap.ok = true
      await client.logout()
    } catch (err) {
      result.imap.error = describeImapError(err)
      client.close()
    }
  } else result.imap.error = imap ? 'Enter the IMAP password for this server.' : 'No IMAP settings.'
  if (smtp && smtpPassword) {
    const transport = smtpTransport({ ...smtp, password: smtpPassword })
    try {
      await transport.verify()
      result.smtp.ok = true
    } catch (err) {
      result.smtp.error = describeSmtpError(err)
    } finally {
      transport.close()
    }
  } else result.smtp.error = smtp ? 'Enter the SMTP password for this server.' : 'No SMTP settings.'
  return result
}
