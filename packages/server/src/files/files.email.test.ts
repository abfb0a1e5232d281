import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, TEST_ORIGIN, type TestKefu } from '../test/harness.js'
import { startSmtpListener } from '../test/smtp.js'

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n')

describe.each(dbKinds())('files in email replies on %s', (kind) => {
  let k: TestKefu
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>
  let cookie: string
  let inboxId: string
  /** The file and the reply that carried it, from the first test. */
  let sent: { id: string; messageId: string }

  beforeAll(async () => {
    smtp = await startSmtpListener({ user: 'support', password: 'smtp-password-1' })
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
    const res = await k.request('POST', '/api/inboxes/email', {
      cookie,
      body: {
        name: 'Support',
        mailbox: {
          // Never polled here: only the sending side is under test.
          imap: {
            host: '127.0.0.1',
            port: 1,
            tls: false,
            user: 'x',
            password: 'y',
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
    inboxId = res.json.inbox.id
  })
  afterAll(async () => {
    await k?.cleanup()
    await smtp?.close()
  })

  test("an agent's email reply carries the files attached to it", async () => {
    const started = await k.request('POST', '/api/conversations/email', {
      cookie,
      body: {
        inboxId,
        clientId: `start-files-${kind}`,
        to: 'lilei@customer.test',
        subject: '发票',
        text: 'Your invoice follows.',
      },
    })
    expect(started.status, started.text).toBe(201)
    const conversationId = started.json.conversationId as string
    await k.services.email.sender.drain()
    const before = smtp.mails.length

    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(PDF)]), '发票 2026.pdf')
    const upload = await k.app.request(
      `${TEST_ORIGIN}/api/conversations/${conversationId}/attachments`,
      { method: 'POST', headers: { cookie, origin: TEST_ORIGIN }, body: form },
    )
    expect(upload.status).toBe(201)
    const { id } = (await upload.json()) as { id: string }
    const reply = await k.request('POST', `/api/conversations/${conversationId}/messages`, {
      cookie,
      body: {
        clientId: `reply-files-${kind}`,
        text: '',
        attachmentIds: [id],
        email: { to: ['lilei@customer.test'] },
      },
    })
    expect(reply.status, reply.text).toBe(201)
    await k.services.email.sender.drain()
    const mails = await smtp.waitFor(before + 1)
    const parsed = await simpleParser(mails.at(-1)!.raw)
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['发票 2026.pdf', 'application/pdf'],
    ])
    expect(Buffer.from(parsed.attachments[0]!.content).equals(PDF)).toBe(true)
    sent = { id, messageId: reply.json.id }
  })

  test('when its delivery status changes, the reply is announced with its files', async () => {
    const { id, messageId } = sent
    // The reply's delivery status changed (sent): clients replace the message whole with the
    // message.updated one, so it carries the file, with a URL that works.
    const events = await k.request('GET', '/api/events?since=0', { cookie })
    const updated = events.json.events.filter(
      (e: { type: string; message?: { id: string } }) =>
        e.type === 'message.updated' && e.message?.id === messageId,
    )
    expect(updated.length).toBeGreaterThan(0)
    for (const e of updated) {
      expect(e.message.attachments).toHaveLength(1)
      expect(e.message.attachments[0]).toMatchObject({ id, filename: '发票 2026.pdf' })
      const file = await k.app.request(`${TEST_ORIGIN}${e.message.attachments[0].url}`)
      expect(file.status).toBe(200)
    }
  })

  test("an agent's download of a message's file leaves with the same safe headers as a chat file", async () => {
    const { id } = sent
    const download = await k.app.request(`${TEST_ORIGIN}/api/attachments/${id}`, {
      headers: { cookie, origin: TEST_ORIGIN },
    })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/octet-stream')
    expect(download.headers.get('x-content-type-options')).toBe('nosniff')
    expect(download.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="__ 2026.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%202026.pdf`,
    )
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true)
  })
})
