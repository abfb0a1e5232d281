import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { VisitorServerFrame } from '@kefu/protocol'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase } from '../../db/dialects.js'
import { createServices } from '../../services.js'
import { createLogger } from '../../shared/logger.js'
import { startDovecot, type TestImapServer } from '../../test/dovecot.js'
import { createTestKefu, dbKinds, type TestKefu, testConfig } from '../../test/harness.js'
import { type CapturedMail, startSmtpListener } from '../../test/smtp.js'
import { localeFromAcceptLanguage } from '../widget/visitors.usecases.js'
import { composeContinuityEmail } from './email.continuity.js'

// Email continuity against a real SMTP listener and a real IMAP server (Dovecot). Time is the
// test's clock: it moves on by hand, so the delay and the batch window are checked exactly.

const SUPPORT = { user: 'support', password: 'imap-password-1' }
const DELAY = 60_000
const WINDOW = 5 * 60_000

async function until<T>(
  label: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out: ${label}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(dbKinds())('email continuity on %s', (kind) => {
  let k: TestKefu
  let imap: TestImapServer
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>
  let cookie: string
  let emailInboxId: string
  let skew = 0
  const clock = { now: () => Date.now() + skew }
  let n = 0

  const mailsTo = (address: string) =>
    smtp.mails.filter((m: CapturedMail) => m.envelope.to.includes(address))

  /** A visitor who gave an email in the pre-chat form and wrote once; no socket open. */
  async function visitorWithEmail(email: string | null) {
    const v = await k.startVisitor()
    if (email) {
      const profile = await k.request('POST', '/api/widget/profile', {
        bearer: v.visitorToken,
        body: { fields: { email } },
      })
      expect(profile.status, profile.text).toBe(200)
    }
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: `visitor-msg-${++n}`, text: 'Is my order shipped?' },
    })
    expect(sent.status, sent.text).toBe(201)
    const conversationId: string = sent.json.conversationId
    const row = await k.db.kysely
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow()
    return { ...v, conversationId, contactId: row.contact_id }
  }

  async function reply(conversationId: string, text: string, options: { private?: boolean } = {}) {
    const res = await k.request('POST', `/api/conversations/${conversationId}/messages`, {
      cookie,
      body: { clientId: `agent-msg-${++n}`, text, ...options },
    })
    expect(res.status, res.text).toBe(201)
    return res.json
  }

  const continuityRow = (conversationId: string) =>
    k.db.kysely
      .selectFrom('email_continuity')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst()

  const emailedLines = (conversationId: string) =>
    k.db.kysely
      .selectFrom('messages')
      .leftJoin('outbox', 'outbox.message_id', 'messages.id')
      .select(['messages.id', 'messages.meta', 'outbox.status', 'outbox.rfc_message_id'])
      .where('messages.conversation_id', '=', conversationId)
      .where('messages.direction', '=', 'activity')
      .where('messages.meta', 'like', '%"emailed"%')
      .execute()

  beforeAll(async () => {
    imap = await startDovecot([SUPPORT])
    smtp = await startSmtpListener({ user: 'support', password: 'smtp-password-1' })
    k = await createTestKefu(kind, {
      clock,
      config: { emailContinuity: { delayMs: DELAY, windowMs: WINDOW } },
    })
    cookie = await k.signIn('ada@acme.test')
    const res = await k.request('POST', '/api/inboxes/email', {
      cookie,
      body: {
        name: 'Support mail',
        mailbox: {
          imap: {
            host: '127.0.0.1',
            port: imap.port,
            tls: false,
            user: SUPPORT.user,
            password: SUPPORT.password,
            folder: 'INBOX',
          },
          smtp: {
            host: '127.0.0.1',
            port: smtp.port,
            tls: false,
            user: 'support',
            password: 'smtp-password-1',
          },
          fromName: 'Acme Support',
          fromAddress: 'support@acme.test',
          syncDays: 30,
        },
      },
    })
    expect(res.status, res.text).toBe(201)
    emailInboxId = res.json.inbox.id
    const settings = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie,
      body: {
        locale: 'en',
        preChat: { fields: [{ key: 'email', type: 'email', required: false }] },
        emailContinuity: { emailInboxId },
      },
    })
    expect(settings.status, settings.text).toBe(200)
    await k.services.email.start({ pollMs: 60_000, leaseMs: 30_000 })
  })

  afterAll(async () => {
    await k?.services.email.stop()
    await k?.cleanup()
    await smtp?.close()
    await imap?.stop()
  })

  test('only an email inbox of the same account can send continuity emails', async () => {
    for (const emailInboxId of [k.inbox.id, 'no-such-inbox']) {
      const res = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
        cookie,
        body: { emailContinuity: { emailInboxId } },
      })
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('inbox.continuity_invalid')
    }
    const extra = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie,
      body: { emailContinuity: { emailInboxId, sender: 'x' } },
    })
    expect(extra.status).toBe(400)
    const agent = await k.addAgent({ email: 'wu@acme.test', name: 'Wu', inboxIds: [k.inbox.id] })
    const asAgent = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie: await k.signIn(agent.email),
      body: { emailContinuity: null },
    })
    expect(asAgent.status).toBe(403)
    const inboxes = await k.request('GET', '/api/inboxes', { cookie })
    const site = inboxes.json.inboxes.find((i: { id: string }) => i.id === k.inbox.id)
    expect(site.settings.emailContinuity).toEqual({ emailInboxId })
    // Visitors never learn which mailbox answers them.
    const config = await k.request('GET', `/api/widget/config?inbox=${k.inbox.public_token}`)
    expect(config.text).not.toContain(emailInboxId)
  })

  test('two replies while the visitor is away become exactly one email carrying both', async () => {
    const v = await visitorWithEmail('mei@visitor.test')
    await reply(v.conversationId, 'Yes, it left the warehouse today.')
    await reply(v.conversationId, 'Internal: check the courier', { private: true })
    await reply(v.conversationId, 'Tracking: <b>SF1234</b> & more soon.')
    const row = await continuityRow(v.conversationId)
    expect(row?.due_at).not.toBeNull()

    // Not yet: a visitor who is just reconnecting would read it in the chat.
    await k.services.email.continuity.runDue()
    await pause(300)
    expect(mailsTo('mei@visitor.test')).toHaveLength(0)

    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [mail] = await until('continuity email', async () => {
      const m = mailsTo('mei@visitor.test')
      return m.length ? m : undefined
    })
    writeFileSync(join(tmpdir(), `kefu-continuity-${kind}.eml`), mail!.raw)
    expect(mail!.subject).toBe('Your conversation with Website')
    expect(mail!.replyTo).toMatch(/^support\+[a-z2-7]{42}@acme\.test$/)
    const text = mail!.text ?? ''
    expect(text).toContain('You have 2 new replies from Website')
    expect(text.indexOf('left the warehouse')).toBeLessThan(text.indexOf('SF1234'))
    expect(text).toContain('Ada Admin')
    expect(text).not.toContain('Internal: check the courier')
    // The HTML is escaped: the agent's text is never markup.
    const html = String((await simpleParser(mail!.raw)).html)
    expect(html).not.toContain('<b>SF1234</b>')
    expect(html).toContain('&#60;b&#62;SF1234')

    // Exactly one: more ticks send nothing more.
    await k.services.email.continuity.runDue()
    await pause(500)
    expect(mailsTo('mei@visitor.test')).toHaveLength(1)

    // Agents see one line with its delivery; the visitor's timeline shows none of it.
    const lines = await until('delivery recorded', async () => {
      const l = await emailedLines(v.conversationId)
      return l[0]?.status === 'sent' ? l : undefined
    })
    expect(lines).toHaveLength(1)
    expect(`<${lines[0]!.rfc_message_id}>`).toBe(mail!.messageId)
    const agentView = await k.request('GET', `/api/conversations/${v.conversationId}`, { cookie })
    const line = agentView.json.messages.find((m: { id: string }) => m.id === lines[0]!.id)
    expect(line.activity).toEqual({
      kind: 'emailed',
      actorName: null,
      to: 'mei@visitor.test',
      count: 2,
    })
    expect(line.delivery.status).toBe('sent')
    const widget = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
    expect(widget.json.messages.map((m: { direction: string }) => m.direction)).toEqual([
      'incoming',
      'outgoing',
      'outgoing',
    ])
  })

  test('a failed continuity email shows on its line, and an agent of the website inbox can retry it', async () => {
    const v = await visitorWithEmail('retry@visitor.test')
    await reply(v.conversationId, 'Your invoice is attached below.')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [first] = await until('first attempt', async () => {
      const m = mailsTo('retry@visitor.test')
      return m.length ? m : undefined
    })
    const [line] = await until('sent', async () => {
      const l = await emailedLines(v.conversationId)
      return l[0]?.status === 'sent' ? l : undefined
    })
    // As if the server had refused it after all (a bounce marks it the same way).
    await k.db.kysely
      .updateTable('outbox')
      .set({ status: 'failed', last_error: '552 Mailbox full' })
      .where('message_id', '=', line!.id)
      .execute()
    const agent = await k.addAgent({
      email: 'lu@acme.test',
      name: 'Lu',
      inboxIds: [k.inbox.id],
    })
    const agentCookie = await k.signIn(agent.email)
    const view = await k.request('GET', `/api/conversations/${v.conversationId}`, {
      cookie: agentCookie,
    })
    const shown = view.json.messages.find((m: { id: string }) => m.id === line!.id)
    expect(shown.delivery).toEqual({ status: 'failed', error: '552 Mailbox full' })
    const retry = await k.request(
      'POST',
      `/api/conversations/${v.conversationId}/messages/${line!.id}/retry`,
      { cookie: agentCookie },
    )
    expect(retry.status, retry.text).toBe(202)
    const mails = await until('resent', async () => {
      const m = mailsTo('retry@visitor.test')
      return m.length === 2 ? m : undefined
    })
    // The same message again: the visitor's answer threads whichever copy they answer.
    expect(mails[1]!.messageId).toBe(first!.messageId)
  })

  test('the batch window holds: a later reply waits for it and threads on the first email', async () => {
    const v = await visitorWithEmail('window@visitor.test')
    await reply(v.conversationId, 'First answer.')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [first] = await until('first email', async () => {
      const m = mailsTo('window@visitor.test')
      return m.length ? m : undefined
    })
    await until(
      'first sent',
      async () => (await emailedLines(v.conversationId))[0]?.status === 'sent',
    )

    await reply(v.conversationId, 'Second answer, a minute later.')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    await pause(500)
    expect(mailsTo('window@visitor.test')).toHaveLength(1)

    skew += WINDOW
    await k.services.email.continuity.runDue()
    const mails = await until('second email', async () => {
      const m = mailsTo('window@visitor.test')
      return m.length === 2 ? m : undefined
    })
    const second = mails[1]!
    expect(second.text).toContain('Second answer')
    expect(second.text).not.toContain('First answer')
    expect(second.subject).toBe('Re: Your conversation with Website')
    expect(second.inReplyTo).toBe(first!.messageId)
  })

  test('no email while the visitor is in the chat, nor when they came back before it was due', async () => {
    const v = await visitorWithEmail('present@visitor.test')
    const frames: VisitorServerFrame[] = []
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: k.inbox.id,
      contactId: v.contactId,
      send: (f) => frames.push(f),
    })
    await reply(v.conversationId, 'You are here, so no email.')
    expect(frames.some((f) => f.type === 'event' && f.event.type === 'message.created')).toBe(true)
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    leave()
    expect((await continuityRow(v.conversationId))?.due_at).toBeNull()

    // Away when the agent answers, back before the email was due: it reaches the chat instead.
    await reply(v.conversationId, 'Answer while away.')
    expect((await continuityRow(v.conversationId))?.due_at).not.toBeNull()
    const back = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: k.inbox.id,
      contactId: v.contactId,
      send: () => {},
    })
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    back()
    await pause(500)
    expect(mailsTo('present@visitor.test')).toHaveLength(0)
    expect((await continuityRow(v.conversationId))?.due_at).toBeNull()
    expect(await emailedLines(v.conversationId)).toHaveLength(0)
  })

  test('an agent reading the chat does not turn off the presence check; another website does not count as present', async () => {
    const v = await visitorWithEmail('seen@visitor.test')
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: k.inbox.id,
      contactId: v.contactId,
      send: () => {},
    })
    try {
      await reply(v.conversationId, 'You are in the chat, so no email.')
      // The agent read the visitor's message: a receipts row with the visitor's mark at 0.
      const read = await k.request('POST', `/api/conversations/${v.conversationId}/read`, {
        cookie,
      })
      expect(read.status, read.text).toBeLessThan(300)
      const row = await k.db.kysely
        .selectFrom('conversation_receipts')
        .select(['contact_read_seq', 'team_read_seq'])
        .where('conversation_id', '=', v.conversationId)
        .executeTakeFirst()
      expect(Number(row?.contact_read_seq)).toBe(0)
      expect(Number(row?.team_read_seq)).toBeGreaterThan(0)
      skew += DELAY + 1000
      await k.services.email.continuity.runDue()
      await pause(300)
      expect(mailsTo('seen@visitor.test')).toHaveLength(0)
      expect(await emailedLines(v.conversationId)).toHaveLength(0)
    } finally {
      leave()
    }

    // The same contact in another inbox's widget is not in this chat.
    const elsewhere = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: 'another-website-inbox',
      contactId: v.contactId,
      send: () => {},
    })
    try {
      expect(k.services.hub.visitorConnected(k.admin.accountId, k.inbox.id, v.contactId)).toBe(
        false,
      )
      await reply(v.conversationId, 'This one you have not seen.')
      skew += DELAY + 1000
      await k.services.email.continuity.runDue()
      const [mail] = await until('emailed', async () => {
        const m = mailsTo('seen@visitor.test')
        return m.length ? m : undefined
      })
      expect(mail!.text).toContain('This one you have not seen.')
    } finally {
      elsewhere()
    }
  })

  test('with read receipts, a reply the visitor read is not emailed and one left unread is, even while connected', async () => {
    const v = await visitorWithEmail('reader@visitor.test')
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: k.inbox.id,
      contactId: v.contactId,
      send: () => {},
    })
    try {
      const read = await reply(v.conversationId, 'This one you read in the chat.')
      const receipt = await k.request('POST', '/api/widget/read', {
        bearer: v.visitorToken,
        body: { conversationId: v.conversationId, seq: read.seq },
      })
      expect(receipt.status, receipt.text).toBe(200)
      await reply(v.conversationId, 'This one stays unread: the chat is closed.')
      skew += DELAY + 1000
      await k.services.email.continuity.runDue()
      const [mail] = await until('unread reply emailed', async () => {
        const m = mailsTo('reader@visitor.test')
        return m.length ? m : undefined
      })
      expect(mail!.text).toContain('This one stays unread')
      expect(mail!.text).not.toContain('you read in the chat')
      expect(mail!.text).toContain('You have a new reply from Website')
    } finally {
      leave()
    }
  })

  test("the email speaks the language the visitor's browser asked for", async () => {
    const res = await k.app.request('http://kefu.test/api/widget/session', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'http://kefu.test',
        'accept-language': 'zh-TW,zh;q=0.9,en;q=0.5',
      },
      body: JSON.stringify({ inbox: k.inbox.public_token }),
    })
    const { visitorToken } = (await res.json()) as { visitorToken: string }
    await k.request('POST', '/api/widget/profile', {
      bearer: visitorToken,
      body: { fields: { email: 'tw@visitor.test' } },
    })
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: visitorToken,
      body: { clientId: `visitor-msg-${++n}`, text: '請問何時出貨？' },
    })
    await reply(sent.json.conversationId, '今天下午出貨。')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [mail] = await until('email in Chinese', async () => {
      const m = mailsTo('tw@visitor.test')
      return m.length ? m : undefined
    })
    expect(mail!.subject).toBe('您與 Website 的對話')
    expect(mail!.text).toContain('Website 給您發來了一則新回覆')
    expect(mail!.text).toContain('今天下午出貨。')
  })

  test('no email without an address, nor with the setting off', async () => {
    const anonymous = await visitorWithEmail(null)
    await reply(anonymous.conversationId, 'Nobody to email.')
    expect(await continuityRow(anonymous.conversationId)).toBeUndefined()

    const v = await visitorWithEmail('off@visitor.test')
    const off = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie,
      body: {
        locale: 'en',
        preChat: { fields: [{ key: 'email', type: 'email', required: false }] },
      },
    })
    expect(off.status).toBe(200)
    try {
      await reply(v.conversationId, 'Setting is off.')
      expect(await continuityRow(v.conversationId)).toBeUndefined()
    } finally {
      const on = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
        cookie,
        body: {
          locale: 'en',
          preChat: { fields: [{ key: 'email', type: 'email', required: false }] },
          emailContinuity: { emailInboxId },
        },
      })
      expect(on.status).toBe(200)
    }
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    await pause(300)
    expect(mailsTo('off@visitor.test')).toHaveLength(0)
  })

  test('two Kefu processes ticking at once send one email', async () => {
    const url = k.services.config.databaseUrl
    const db2 = openDatabase(url)
    const second = createServices({
      config: testConfig({
        databaseUrl: url,
        emailContinuity: { delayMs: DELAY, windowMs: WINDOW },
      }),
      db: db2,
      clock,
      logger: createLogger({ level: 'silent' }),
    })
    try {
      const v = await visitorWithEmail('twice@visitor.test')
      await reply(v.conversationId, 'Only once, please.')
      skew += DELAY + 1000
      // The lease lets one process work; two ticks of the same process (same lease holder) are
      // kept apart by the claim inside the transaction.
      await Promise.all([
        k.services.email.continuity.runDue(),
        second.email.continuity.runDue(),
        k.services.email.continuity.runDue(),
        k.services.email.continuity.runDue(),
      ])
      await until('one email', async () => mailsTo('twice@visitor.test').length === 1)
      await pause(800)
      expect(mailsTo('twice@visitor.test')).toHaveLength(1)
      expect(await emailedLines(v.conversationId)).toHaveLength(1)
    } finally {
      await second.email.stop()
      await db2.close()
    }
  })

  test("the visitor's emailed answer lands in the same website chat and reopens it, for the team only; a stranger's does not", async () => {
    const v = await visitorWithEmail('lin@visitor.test')
    await reply(v.conversationId, 'We refunded you.')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [mail] = await until('email', async () => {
      const m = mailsTo('lin@visitor.test')
      return m.length ? m : undefined
    })
    const resolved = await k.request('POST', `/api/conversations/${v.conversationId}/status`, {
      cookie,
      body: { status: 'resolved' },
    })
    expect(resolved.status).toBe(200)

    const frames: VisitorServerFrame[] = []
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: k.inbox.id,
      contactId: v.contactId,
      send: (f) => frames.push(f),
    })
    const answer = (from: string, id: string, body: string, extra: string[] = []) =>
      [
        `From: ${from}`,
        `To: ${mail!.replyTo}`,
        `Subject: Re: ${mail!.subject}`,
        'Date: Mon, 23 Nov 2026 10:00:00 +0000',
        `Message-ID: <${id}>`,
        `In-Reply-To: ${mail!.messageId}`,
        `References: ${mail!.messageId}`,
        ...extra,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
        '',
      ].join('\r\n')
    try {
      await imap.deliver(
        SUPPORT,
        answer(
          'Lin <lin@visitor.test>',
          `lin-answer-${kind}@visitor.test`,
          'Thank you, received!\r\n\r\nOn Mon, Acme Support <support@acme.test> wrote:\r\n> We refunded you.',
        ),
      )
      const stored = await until('answer stored', async () =>
        k.db.kysely
          .selectFrom('messages')
          .select(['id', 'conversation_id', 'inbox_id', 'text', 'direction', 'author_id'])
          .where('external_id', '=', `lin-answer-${kind}@visitor.test`)
          .executeTakeFirst(),
      )
      expect(stored.conversation_id).toBe(v.conversationId)
      expect(stored.inbox_id).toBe(k.inbox.id)
      expect(stored.direction).toBe('incoming')
      expect(stored.author_id).toBe(v.contactId)
      expect(stored.text.trim()).toBe('Thank you, received!')
      const conversation = await k.request('GET', `/api/conversations/${v.conversationId}`, {
        cookie,
      })
      expect(conversation.json.conversation.status).toBe('open')
      // The team sees it; the visitor, who is not an identity-verified user, does not: the
      // address was only typed, so its owner's mail is not shown in the chat.
      expect(conversation.json.messages.map((m: { text: string }) => m.text.trim())).toContain(
        'Thank you, received!',
      )
      await pause(300)
      expect(
        frames.some(
          (f) =>
            f.type === 'event' &&
            f.event.type === 'message.created' &&
            f.event.message.id === stored.id,
        ),
      ).toBe(false)
      const widget = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
      expect(widget.json.messages.map((m: { id: string }) => m.id)).not.toContain(stored.id)
      expect(widget.json.messages.at(-1).text).toBe('We refunded you.')
      expect(widget.json.conversation.lastMessage.text).toBe('We refunded you.')
      const events = await k.request('GET', '/api/widget/events?since=0', {
        bearer: v.visitorToken,
      })
      expect(events.text).not.toContain('Thank you, received!')
      const listed = await k.request('GET', '/api/widget/conversations', {
        bearer: v.visitorToken,
      })
      expect(listed.json.conversations[0].lastMessage.text).toBe('We refunded you.')

      // Someone else answering the same email (a forward) gets a conversation of their own.
      await imap.deliver(
        SUPPORT,
        answer('Mallory <mallory@elsewhere.test>', `mallory-${kind}@elsewhere.test`, 'Let me in'),
      )
      const stranger = await until('stranger stored', async () =>
        k.db.kysely
          .selectFrom('messages')
          .select(['conversation_id', 'inbox_id'])
          .where('external_id', '=', `mallory-${kind}@elsewhere.test`)
          .executeTakeFirst(),
      )
      expect(stranger.conversation_id).not.toBe(v.conversationId)
      expect(stranger.inbox_id).toBe(emailInboxId)

      // An auto-reply to the email is kept but reopens nothing.
      await k.request('POST', `/api/conversations/${v.conversationId}/status`, {
        cookie,
        body: { status: 'resolved' },
      })
      await imap.deliver(
        SUPPORT,
        answer('lin@visitor.test', `lin-ooo-${kind}@visitor.test`, 'I am out of office.', [
          'Auto-Submitted: auto-replied',
        ]),
      )
      const ooo = await until('auto-reply stored', async () =>
        k.db.kysely
          .selectFrom('messages')
          .select('conversation_id')
          .where('external_id', '=', `lin-ooo-${kind}@visitor.test`)
          .executeTakeFirst(),
      )
      expect(ooo.conversation_id).toBe(v.conversationId)
      const after = await k.request('GET', `/api/conversations/${v.conversationId}`, { cookie })
      expect(after.json.conversation.status).toBe('resolved')
    } finally {
      leave()
    }
    // Rescanning the mailbox stores nothing twice.
    expect(
      await k.services.email.ingest.isStored(emailInboxId, `lin-answer-${kind}@visitor.test`),
    ).toBe(true)
  })

  test('an identity-verified visitor sees their emailed answer in the chat, live and on reload', async () => {
    const identity = await k.request('GET', `/api/inboxes/${k.inbox.id}/identity`, { cookie })
    const secret = identity.json.secret as string
    const v = await k.startVisitor()
    const userId = `verified-${kind}-1`
    const identified = await k.request('POST', '/api/widget/identify', {
      bearer: v.visitorToken,
      body: {
        id: userId,
        email: 'kai@visitor.test',
        hash: createHmac('sha256', secret).update(userId).digest('hex'),
      },
    })
    expect(identified.json.verified).toBe(true)
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: `visitor-msg-${++n}`, text: 'Where is my order?' },
    })
    const conversationId: string = sent.json.conversationId
    const contactId = (
      await k.db.kysely
        .selectFrom('conversations')
        .select('contact_id')
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow()
    ).contact_id
    await reply(conversationId, 'It ships tomorrow.')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [mail] = await until('email', async () => {
      const m = mailsTo('kai@visitor.test')
      return m.length ? m : undefined
    })
    const frames: VisitorServerFrame[] = []
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      inboxId: k.inbox.id,
      contactId,
      verified: true,
      send: (f) => frames.push(f),
    })
    try {
      await imap.deliver(
        SUPPORT,
        [
          'From: kai@visitor.test',
          `To: ${mail!.replyTo}`,
          `Subject: Re: ${mail!.subject}`,
          'Date: Mon, 23 Nov 2026 10:00:00 +0000',
          `Message-ID: <kai-${kind}@visitor.test>`,
          `In-Reply-To: ${mail!.messageId}`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Great, thanks.',
          '',
        ].join('\r\n'),
      )
      const stored = await until('answer stored', async () =>
        k.db.kysely
          .selectFrom('messages')
          .select(['id', 'conversation_id'])
          .where('external_id', '=', `kai-${kind}@visitor.test`)
          .executeTakeFirst(),
      )
      expect(stored.conversation_id).toBe(conversationId)
      await until('pushed to the widget', async () =>
        frames.some(
          (f) =>
            f.type === 'event' &&
            f.event.type === 'message.created' &&
            f.event.message.id === stored.id,
        ),
      )
      const widget = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
      expect(widget.json.messages.at(-1).text.trim()).toBe('Great, thanks.')
      const events = await k.request('GET', '/api/widget/events?since=0', {
        bearer: v.visitorToken,
      })
      expect(events.text).toContain('Great, thanks.')
    } finally {
      leave()
    }
  })

  test("only the contact's current address writes into a website chat by email: not whom it copies, not an old address", async () => {
    const v = await visitorWithEmail('ji@visitor.test')
    await reply(v.conversationId, 'Your parcel is on its way.')
    skew += DELAY + 1000
    await k.services.email.continuity.runDue()
    const [mail] = await until('email', async () => {
      const m = mailsTo('ji@visitor.test')
      return m.length ? m : undefined
    })
    const answer = (from: string, id: string, body: string, extra: string[] = []) =>
      [
        `From: ${from}`,
        `To: ${mail!.replyTo}`,
        ...extra,
        `Subject: Re: ${mail!.subject}`,
        'Date: Mon, 23 Nov 2026 10:00:00 +0000',
        `Message-ID: <${id}>`,
        `In-Reply-To: ${mail!.messageId}`,
        `References: ${mail!.messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
        '',
      ].join('\r\n')
    const conversationOf = (id: string) =>
      until(`${id} stored`, async () =>
        k.db.kysely
          .selectFrom('messages')
          .select(['conversation_id', 'inbox_id'])
          .where('external_id', '=', id)
          .executeTakeFirst(),
      )
    await imap.deliver(
      SUPPORT,
      answer('ji@visitor.test', `ji-cc-${kind}@visitor.test`, 'Thanks! Copying my friend.', [
        'Cc: Pat <pat@friend.test>',
      ]),
    )
    expect((await conversationOf(`ji-cc-${kind}@visitor.test`)).conversation_id).toBe(
      v.conversationId,
    )
    // Nobody an email names becomes a participant of the chat: not its recipient, not its copies.
    const participants = await k.db.kysely
      .selectFrom('conversation_participants')
      .select('address')
      .where('conversation_id', '=', v.conversationId)
      .execute()
    expect(participants).toEqual([])
    // The friend answering the thread gets an email conversation of their own.
    await imap.deliver(
      SUPPORT,
      answer('pat@friend.test', `pat-${kind}@friend.test`, 'Hi, I am the friend.'),
    )
    const pat = await conversationOf(`pat-${kind}@friend.test`)
    expect(pat.conversation_id).not.toBe(v.conversationId)
    expect(pat.inbox_id).toBe(emailInboxId)

    // The visitor gives another address: the old one no longer writes into the chat.
    const changed = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: { fields: { email: 'ji.new@visitor.test' } },
    })
    expect(changed.status, changed.text).toBe(200)
    await imap.deliver(
      SUPPORT,
      answer('ji@visitor.test', `ji-old-${kind}@visitor.test`, 'From my old address.'),
    )
    const old = await conversationOf(`ji-old-${kind}@visitor.test`)
    expect(old.conversation_id).not.toBe(v.conversationId)
    expect(old.inbox_id).toBe(emailInboxId)
  })
})

describe('continuity email text', () => {
  test('speaks the visitor language, escapes HTML and keeps the subject on one line', () => {
    const email = composeContinuityEmail({
      locale: 'zh-CN',
      siteName: 'Acme\r\nBcc: x@evil.test',
      timeZone: 'Asia/Shanghai',
      replies: [
        { author: '王芳', text: '您好 <script>alert(1)</script>', at: Date.UTC(2026, 10, 23, 2) },
        { author: null, text: '第二条', at: Date.UTC(2026, 10, 23, 3) },
      ],
      followUp: false,
    })
    expect(email.subject).toBe('您与 Acme Bcc: x@evil.test 的对话')
    expect(email.text).toContain('Acme Bcc: x@evil.test 给您发来了 2 条新回复')
    expect(email.text).toContain('王芳 · ')
    expect(email.text).toContain('客服 · ')
    expect(email.html).not.toContain('<script>')
    expect(email.html).toContain('&#60;script&#62;')
  })

  test('files sent with a reply are named, one line each', () => {
    const email = composeContinuityEmail({
      locale: 'en',
      siteName: 'Acme',
      timeZone: 'UTC',
      replies: [{ author: 'Ada', text: '', at: 0, files: ['in<voice>.pdf', 'two\r\nlines.png'] }],
      followUp: true,
    })
    expect(email.subject).toBe('Re: Your conversation with Acme')
    expect(email.text).toContain('📎 in<voice>.pdf\n📎 two lines.png')
    expect(email.html).toContain('📎 in&#60;voice&#62;.pdf')
  })

  test('reads the language from Accept-Language', () => {
    expect(localeFromAcceptLanguage('zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-TW')
    expect(localeFromAcceptLanguage('fr-FR,zh-CN;q=0.8,en;q=0.9')).toBe('en')
    expect(localeFromAcceptLanguage('zh-Hant-HK')).toBe('zh-TW')
    expect(localeFromAcceptLanguage('zh')).toBe('zh-CN')
    expect(localeFromAcceptLanguage('de, fr')).toBeNull()
    expect(localeFromAcceptLanguage(undefined)).toBeNull()
  })
})
