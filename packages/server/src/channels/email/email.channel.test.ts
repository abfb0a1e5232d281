import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase } from '../../db/dialects.js'
import { createServices } from '../../services.js'
import { createLogger } from '../../shared/logger.js'
import { startDovecot, type TestImapServer } from '../../test/dovecot.js'
import { createTestKefu, dbKinds, type TestKefu, testConfig } from '../../test/harness.js'
import { startSmtpListener } from '../../test/smtp.js'

// The email channel against a real IMAP server (Dovecot) and a real SMTP listener. The fallback
// poll is set far beyond every wait below, so mail that arrives in time arrived through IDLE.

const TIMING = { pollMs: 60_000, leaseMs: 30_000 }

const SUPPORT = { user: 'support', password: 'imap-password-1' }

let counter = 0
function mail(o: {
  from: string
  to?: string
  subject: string
  id?: string | null
  inReplyTo?: string
  references?: string[]
  body: string
  headers?: string[]
}): string {
  const id = o.id === undefined ? `m${++counter}.${Date.now()}@customer.test` : o.id
  return [
    `From: ${o.from}`,
    `To: ${o.to ?? 'support@acme.test'}`,
    `Subject: ${o.subject}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    ...(id ? [`Message-ID: <${id}>`] : []),
    ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
    ...(o.references ? [`References: ${o.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    '',
  ].join('\r\n')
}

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

describe.each(dbKinds())('email channel on %s', (kind) => {
  let k: TestKefu
  let imap: TestImapServer
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>
  let inboxId: string
  let cookie: string

  const emailMessages = () =>
    k.db.kysely
      .selectFrom('messages')
      .innerJoin('email_messages', 'email_messages.message_id', 'messages.id')
      .select([
        'messages.id',
        'messages.conversation_id',
        'messages.text',
        'messages.direction',
        'email_messages.rfc_message_id',
        'email_messages.thread_rule',
        'email_messages.is_automatic',
      ])
      .where('messages.inbox_id', '=', inboxId)
      .orderBy('messages.seq')
      .execute()
  const byRfcId = async (id: string) => (await emailMessages()).find((m) => m.rfc_message_id === id)

  beforeAll(async () => {
    imap = await startDovecot([SUPPORT])
    smtp = await startSmtpListener({ user: 'support', password: 'smtp-password-1' })
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
    const res = await k.request('POST', '/api/inboxes/email', {
      cookie,
      body: {
        name: 'Support 客服邮箱',
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
    expect(JSON.stringify(res.json)).not.toContain('imap-password-1')
    inboxId = res.json.inbox.id
    await k.services.email.start(TIMING)
  })
  afterAll(async () => {
    await k?.services.email.stop()
    await k?.cleanup()
    await smtp?.close()
    await imap?.stop()
  })

  test('new mail shows up as a conversation while the poller idles', async () => {
    await until(
      'synced',
      async () =>
        (await k.request('GET', `/api/inboxes/${inboxId}/health`, { cookie })).json.lastSyncAt,
    )
    await imap.deliver(
      SUPPORT,
      mail({
        from: '"Li Lei" <lilei@customer.test>',
        subject: '订单 1024 没到',
        id: 'first@customer.test',
        body: '你好，我的订单还没到。',
      }),
    )
    const stored = await until('first mail stored', () => byRfcId('first@customer.test'))
    expect(stored.text).toContain('我的订单还没到')
    expect(stored.thread_rule).toBe('new')
    const health = (await k.request('GET', `/api/inboxes/${inboxId}/health`, { cookie })).json
    expect(health).toMatchObject({ connected: true, lastError: null, quarantined: 0 })
  })

  test("an agent's reply is sent with threading headers, and the customer's answer lands in the same conversation", async () => {
    const first = await until('first', () => byRfcId('first@customer.test'))
    const reply = await k.request('POST', `/api/conversations/${first.conversation_id}/messages`, {
      cookie,
      body: { clientId: `email-reply-${kind}`, text: '您好，包裹明天到。' },
    })
    expect(reply.status, reply.text).toBe(201)
    const [sent] = await smtp.waitFor(1)
    expect(sent!.inReplyTo).toBe('<first@customer.test>')
    expect(sent!.references).toContain('<first@customer.test>')
    expect(sent!.subject).toBe('Re: 订单 1024 没到')
    expect(sent!.envelope.to).toEqual(['lilei@customer.test'])
    expect(sent!.replyTo).toMatch(/^support\+[a-z2-7]{42}@acme\.test$/)
    const ours = sent!.messageId!.replace(/[<>]/g, '')
    await until(
      'delivery recorded',
      async () =>
        (
          await k.db.kysely
            .selectFrom('outbox')
            .select('status')
            .where('rfc_message_id', '=', ours)
            .executeTakeFirst()
        )?.status === 'sent',
    )

    await imap.deliver(
      SUPPORT,
      mail({
        from: 'lilei@customer.test',
        subject: 'Re: 订单 1024 没到',
        id: 'second@customer.test',
        inReplyTo: ours,
        references: ['first@customer.test', ours],
        body: '好的，谢谢！\r\n\r\n在 2026年11月23日 10:05，Acme Support <support@acme.test> 写道：\r\n> 您好，包裹明天到。',
      }),
    )
    const answer = await until('answer stored', () => byRfcId('second@customer.test'))
    expect(answer.conversation_id).toBe(first.conversation_id)
    expect(answer.thread_rule).toBe('in-reply-to')
    expect(answer.text.trim()).toBe('好的，谢谢！')
  })

  test("a stranger's reply with the same References opens a new conversation", async () => {
    const first = await until('first', () => byRfcId('first@customer.test'))
    await imap.deliver(
      SUPPORT,
      mail({
        from: 'stranger@elsewhere.test',
        subject: 'Re: 订单 1024 没到',
        id: 'stranger@elsewhere.test',
        inReplyTo: 'first@customer.test',
        references: ['first@customer.test'],
        body: 'Unsubscribe me',
      }),
    )
    const stored = await until('stranger stored', () => byRfcId('stranger@elsewhere.test'))
    expect(stored.conversation_id).not.toBe(first.conversation_id)
    expect(stored.thread_rule).toBe('new')
  })

  test('an auto-reply to our email is stored and flagged, and reopens nothing', async () => {
    const first = await until('first', () => byRfcId('first@customer.test'))
    await k.request('POST', `/api/conversations/${first.conversation_id}/status`, {
      cookie,
      body: { status: 'resolved' },
    })
    const sentBefore = smtp.mails.length
    await imap.deliver(
      SUPPORT,
      mail({
        from: 'lilei@customer.test',
        subject: 'Automatic reply: Re: 订单 1024 没到',
        id: 'ooo@customer.test',
        inReplyTo: 'second@customer.test',
        headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
        body: 'I am out of office until Monday.',
      }),
    )
    const stored = await until('auto-reply stored', () => byRfcId('ooo@customer.test'))
    expect(stored.is_automatic).toBe(1)
    expect(stored.conversation_id).toBe(first.conversation_id)
    const conversation = (
      await k.request('GET', `/api/conversations/${first.conversation_id}`, { cookie })
    ).json.conversation
    expect(conversation.status).toBe('resolved')
    await new Promise((r) => setTimeout(r, 300))
    expect(smtp.mails.length).toBe(sentBefore)
  })

  test('a poison message is quarantined and the next one still arrives', async () => {
    const bomb = `${Array.from({ length: 3000 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(50)}`).join('\r\n')}\r\nFrom: bomb@evil.test\r\nSubject: bomb\r\nMessage-ID: <bomb@evil.test>\r\n\r\nboom\r\n`
    await imap.deliver(SUPPORT, bomb)
    await imap.deliver(
      SUPPORT,
      mail({
        from: 'next@customer.test',
        subject: 'after the bomb',
        id: 'after-bomb@customer.test',
        body: 'Still here?',
      }),
    )
    await until('next stored', () => byRfcId('after-bomb@customer.test'))
    const q = await k.request('GET', `/api/inboxes/${inboxId}/quarantine`, { cookie })
    expect(q.json.items.length).toBe(1)
    expect(q.json.items[0].reason).toBe('header_bomb')
    const again = await k.request(
      'POST',
      `/api/inboxes/${inboxId}/quarantine/${q.json.items[0].id}/reprocess`,
      { cookie },
    )
    expect(again.json.status).toBe('quarantined')
    expect(
      (await k.request('GET', `/api/inboxes/${inboxId}/quarantine`, { cookie })).json.items,
    ).toHaveLength(1)
    expect(
      (await k.request('GET', `/api/inboxes/${inboxId}/health`, { cookie })).json.quarantined,
    ).toBe(1)
  })

  test('a restart mid-stream loses nothing and stores nothing twice', async () => {
    await k.services.email.stop()
    for (let i = 0; i < 3; i++) {
      await imap.deliver(
        SUPPORT,
        mail({
          from: `batch${i}@customer.test`,
          subject: `batch ${i}`,
          id: `batch-${i}@customer.test`,
          body: `message ${i}`,
        }),
      )
    }
    await k.services.email.start(TIMING)
    for (let i = 0; i < 3; i++) await until(`batch ${i}`, () => byRfcId(`batch-${i}@customer.test`))
    const all = await emailMessages()
    const ids = all.map((m) => m.rfc_message_id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('a UIDVALIDITY change rescans without duplicates', async () => {
    const before = (await emailMessages()).length
    await k.services.email.stop()
    await k.db.kysely
      .updateTable('email_sync_state')
      .set({ uidvalidity: 1, last_uid: 0 })
      .where('inbox_id', '=', inboxId)
      .execute()
    await k.services.email.start(TIMING)
    await until('rescanned', async () => {
      const state = await k.db.kysely
        .selectFrom('email_sync_state')
        .selectAll()
        .where('inbox_id', '=', inboxId)
        .executeTakeFirst()
      return state && state.uidvalidity !== 1 && state.last_uid > 0 && state.last_sync_at
    })
    await new Promise((r) => setTimeout(r, 500))
    expect((await emailMessages()).length).toBe(before)
  })

  test('two Kefu processes on one database ingest each message once', async () => {
    const url = k.services.config.databaseUrl
    const db2 = openDatabase(url)
    const second = createServices({
      config: testConfig({ databaseUrl: url }),
      db: db2,
      logger: createLogger({ level: 'silent' }),
    })
    await second.email.start(TIMING)
    try {
      for (let i = 0; i < 5; i++) {
        await imap.deliver(
          SUPPORT,
          mail({
            from: `pair${i}@customer.test`,
            subject: `pair ${i}`,
            id: `pair-${i}@customer.test`,
            body: `pair ${i}`,
          }),
        )
      }
      for (let i = 0; i < 5; i++) await until(`pair ${i}`, () => byRfcId(`pair-${i}@customer.test`))
      await new Promise((r) => setTimeout(r, 1000))
      const ids = (await emailMessages()).map((m) => m.rfc_message_id)
      expect(new Set(ids).size).toBe(ids.length)
    } finally {
      await second.email.stop()
      await db2.close()
    }
  })

  test('an agent starts an outbound email conversation; header injection is refused', async () => {
    const before = smtp.mails.length
    const injected = await k.request('POST', '/api/conversations/email', {
      cookie,
      body: {
        inboxId,
        clientId: `outbound-bad-${kind}`,
        to: 'wang@customer.test',
        subject: 'Hi\r\nBcc: victim@x.test',
        text: 'x',
      },
    })
    expect(injected.status).toBe(400)
    const badAddress = await k.request('POST', '/api/conversations/email', {
      cookie,
      body: {
        inboxId,
        clientId: `outbound-bad2-${kind}`,
        to: 'wang@customer.test\r\nBcc: v@x.test',
        subject: 'Hi',
        text: 'x',
      },
    })
    expect(badAddress.status).toBe(400)

    const res = await k.request('POST', '/api/conversations/email', {
      cookie,
      body: {
        inboxId,
        clientId: `outbound-${kind}`,
        to: 'Wang@Customer.test',
        name: '王先生',
        subject: '回访：您的订单体验',
        text: '王先生您好，想了解一下您对上次服务的评价。',
      },
    })
    expect(res.status, res.text).toBe(201)
    const mails = await smtp.waitFor(before + 1)
    const sent = mails.at(-1)!
    expect(sent.subject).toBe('回访：您的订单体验')
    expect(sent.envelope.to).toEqual(['wang@customer.test'])
    expect(sent.text).toContain('想了解一下')
    const conversation = (
      await k.request('GET', `/api/conversations/${res.json.conversationId}`, { cookie })
    ).json
    expect(conversation.conversation).toMatchObject({
      subject: '回访：您的订单体验',
      assigneeId: k.admin.id,
    })
    await until('sent', async () => {
      const detail = (
        await k.request('GET', `/api/conversations/${res.json.conversationId}`, { cookie })
      ).json
      return detail.messages[0]?.delivery?.status === 'sent'
    })
  })

  test('the connection test reports a refused login without echoing any password', async () => {
    const res = await k.request('POST', `/api/inboxes/${inboxId}/mailbox/test`, {
      cookie,
      body: {
        imap: {
          host: '127.0.0.1',
          port: imap.port,
          tls: false,
          user: SUPPORT.user,
          password: 'wrong-secret-XYZ',
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
      },
    })
    expect(res.status).toBe(200)
    expect(res.json.imap).toEqual({
      ok: false,
      error: 'The IMAP server refused the user name or password.',
    })
    expect(res.json.smtp).toEqual({ ok: true, error: null })
    expect(res.text).not.toContain('wrong-secret-XYZ')
    const stored = await k.request('POST', `/api/inboxes/${inboxId}/mailbox/test`, { cookie })
    expect(stored.json.imap.ok).toBe(true)
    const mailbox = await k.request('GET', `/api/inboxes/${inboxId}/mailbox`, { cookie })
    expect(mailbox.text).not.toContain('imap-password-1')
    expect(mailbox.json.imap.passwordSet).toBe(true)
    const asAgent = await k.addAgent({
      email: `mb-agent-${kind}@acme.test`,
      name: 'Agent',
      inboxIds: [inboxId],
    })
    const agentCookie = await k.signIn(asAgent.email)
    expect(
      (await k.request('GET', `/api/inboxes/${inboxId}/mailbox`, { cookie: agentCookie })).status,
    ).toBe(403)
  })

  test('attachments are kept, inline images show in the sanitized HTML, files download as files', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d4948445200000001000000010806000000',
      'hex',
    ).toString('base64')
    const raw = [
      'From: "Zhou Li" <zhou@customer.test>',
      'To: support@acme.test',
      'Subject: 截图和发票',
      'Message-ID: <with-files@customer.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>请看截图：<img src="cid:shot1@customer.test"> <img src="https://tracker.example/p.gif"></p><script>alert(1)</script>',
      '--rel',
      'Content-Type: image/png',
      'Content-ID: <shot1@customer.test>',
      'Content-Disposition: inline; filename="shot.png"',
      'Content-Transfer-Encoding: base64',
      '',
      png,
      '--rel--',
      '--outer',
      'Content-Type: application/pdf; name="=?UTF-8?B?5Y+R56WoLnBkZg==?="',
      'Content-Disposition: attachment; filename="=?UTF-8?B?5Y+R56WoLnBkZg==?="',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 invoice').toString('base64'),
      '--outer--',
      '',
    ].join('\r\n')
    await imap.deliver(SUPPORT, raw)
    const stored = await until('with files', () => byRfcId('with-files@customer.test'))
    const details = (await k.request('GET', `/api/messages/${stored.id}/email`, { cookie })).json
    expect(details.html).toContain('data:image/png;base64,')
    expect(details.html).not.toContain('<script')
    expect(details.html).not.toMatch(/\ssrc="https:/)
    expect(details.html).toContain('data-kefu-src="https://tracker.example/p.gif"')
    expect(details.remoteImages).toBe(1)
    const pdf = details.attachments.find((a: { filename: string }) => a.filename === '发票.pdf')
    expect(pdf).toMatchObject({ contentType: 'application/pdf', inline: false, available: true })
    const download = await k.request('GET', `/api/attachments/${pdf.id}`, { cookie })
    expect(download.status).toBe(200)
    // RFC 6266: an ASCII fallback name, then the exact UTF-8 one (RFC 5987).
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="__.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf`,
    )
    expect(download.headers.get('x-content-type-options')).toBe('nosniff')
    expect(download.text).toBe('%PDF-1.4 invoice')
    const outsider = await k.addAgent({ email: `files-outsider-${kind}@acme.test`, name: 'Out' })
    const outsiderCookie = await k.signIn(outsider.email)
    expect(
      (await k.request('GET', `/api/attachments/${pdf.id}`, { cookie: outsiderCookie })).status,
    ).toBe(404)
    expect(
      (await k.request('GET', `/api/messages/${stored.id}/email`, { cookie: outsiderCookie }))
        .status,
    ).toBe(404)
  })

  test('a stored password never follows the settings to another server', async () => {
    const evil = { host: '127.0.0.9', port: 2525, tls: false, user: SUPPORT.user }
    const test = await k.request('POST', `/api/inboxes/${inboxId}/mailbox/test`, {
      cookie,
      body: {
        imap: { ...evil, folder: 'INBOX' },
        smtp: { host: '127.0.0.1', port: smtp.port, tls: false, user: 'support' },
        fromName: 'Acme Support',
        fromAddress: 'support@acme.test',
      },
    })
    expect(test.json.imap).toEqual({ ok: false, error: 'Enter the IMAP password for this server.' })
    expect(test.json.smtp.ok).toBe(true)
    const save = await k.request('PUT', `/api/inboxes/${inboxId}/mailbox`, {
      cookie,
      body: {
        imap: { ...evil, folder: 'INBOX' },
        smtp: { host: '127.0.0.1', port: smtp.port, tls: false, user: 'support' },
        fromName: 'Acme Support',
        fromAddress: 'support@acme.test',
      },
    })
    expect(save.status).toBe(400)
    expect(save.json.error.code).toBe('mailbox.password_required')
  })
})
