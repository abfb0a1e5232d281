import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../../test/harness.js'
import { importMail, readMbox } from './email.import.js'
import type { IngestResult } from './email.ingest.js'

const msg = (headers: string[], body: string) =>
  `${headers.join('\n')}\nContent-Type: text/plain; charset=utf-8\n\n${body}\n`

// A history export, deliberately out of order: the customer's answer comes before the question
// it answers, and the team's reply sits between them.
const customerAnswer = msg(
  [
    'From: Zhang San <zhang@customer.test>',
    'To: support@acme.test',
    'Subject: Re: 发票',
    'Message-ID: <c@customer.test>',
    'In-Reply-To: <b@acme.test>',
    'References: <a@customer.test> <b@acme.test>',
    'Date: Tue, 3 Nov 2026 09:00:00 +0800',
  ],
  '收到了，谢谢。\n\n>From the archive: this line starts with From',
)
const teamReply = msg(
  [
    'From: Acme Support <support@acme.test>',
    'To: zhang@customer.test',
    'Subject: Re: 发票',
    'Message-ID: <b@acme.test>',
    'In-Reply-To: <a@customer.test>',
    'References: <a@customer.test>',
    'Date: Mon, 2 Nov 2026 18:00:00 +0800',
  ],
  '发票已开好，请查收附件。',
)
const question = msg(
  [
    'From: Zhang San <zhang@customer.test>',
    'To: support@acme.test',
    'Subject: 发票',
    'Message-ID: <a@customer.test>',
    'Date: Mon, 2 Nov 2026 10:00:00 +0800',
  ],
  '请问发票什么时候开？',
)
const mbox = [customerAnswer, teamReply, question, question]
  .map((m, i) => `From MAILER-DAEMON Mon Nov  2 10:00:0${i} 2026\n${m}`)
  .join('\n')

describe.each(dbKinds())('importing mail history on %s', (kind) => {
  let k: TestKefu
  let dir: string
  let inboxId: string
  beforeAll(async () => {
    k = await createTestKefu(kind)
    dir = mkdtempSync(join(tmpdir(), 'kefu-import-'))
    const cookie = await k.signIn('ada@acme.test')
    const res = await k.request('POST', '/api/inboxes/email', {
      cookie,
      body: {
        name: 'Support',
        mailbox: {
          imap: {
            host: '127.0.0.1',
            port: 1,
            tls: false,
            user: 'support@acme.test',
            password: 'x',
          },
          smtp: {
            host: '127.0.0.1',
            port: 1,
            tls: false,
            user: 'support@acme.test',
            password: 'x',
          },
          fromName: 'Acme Support',
          fromAddress: 'support@acme.test',
        },
      },
    })
    inboxId = res.json.inbox.id
  })
  afterAll(async () => {
    await k?.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  test('an mbox splits into its messages, with mboxrd ">From " lines unescaped', async () => {
    const file = join(dir, 'history.mbox')
    writeFileSync(file, mbox)
    const messages: string[] = []
    for await (const raw of readMbox(file)) messages.push(raw.toString())
    expect(messages).toHaveLength(4)
    expect(messages[0]).toContain('\r\nFrom the archive: this line starts with From')
  })

  test('history lands threaded, the team replies as outgoing, and duplicates once', async () => {
    const file = join(dir, 'history.mbox')
    writeFileSync(file, mbox)
    const results: IngestResult[] = []
    const counts = await importMail({
      ingest: k.services.email.ingest,
      target: { accountId: k.admin.accountId, inboxId, ownAddresses: ['support@acme.test'] },
      path: file,
      onResult: (r) => results.push(r),
    })
    expect(counts).toEqual({ imported: 3, duplicate: 1, quarantined: 0, skipped: 0 })
    expect(results.map((r) => r.status)).toEqual(['imported', 'imported', 'imported', 'duplicate'])
    const conversations = new Set(results.map((r) => r.conversationId))
    expect(conversations.size).toBe(1)
    expect(results[1]!.rule).toBe('pending-ref')
    const rows = await k.db.kysely
      .selectFrom('messages')
      .select(['external_id', 'direction', 'author_type'])
      .where('inbox_id', '=', inboxId)
      .execute()
    const byId = Object.fromEntries(rows.map((r) => [r.external_id, r]))
    expect(byId['b@acme.test']).toMatchObject({ direction: 'outgoing', author_type: 'agent' })
    expect(byId['a@customer.test']).toMatchObject({ direction: 'incoming' })

    // Importing the same history again changes nothing.
    const again: IngestResult[] = []
    await importMail({
      ingest: k.services.email.ingest,
      target: { accountId: k.admin.accountId, inboxId, ownAddresses: ['support@acme.test'] },
      path: file,
      onResult: (r) => again.push(r),
    })
    expect(again.every((r) => r.status === 'duplicate')).toBe(true)
  })

  test('a folder of .eml files imports the same way, and a broken file is quarantined', async () => {
    const folder = join(dir, 'eml')
    rmSync(folder, { recursive: true, force: true })
    mkdirSync(folder)
    writeFileSync(
      join(folder, '1.eml'),
      msg(
        [
          'From: li@customer.test',
          'To: support@acme.test',
          'Subject: 退货',
          'Message-ID: <eml1@customer.test>',
        ],
        '我想退货',
      ),
    )
    writeFileSync(join(folder, '2.eml'), 'this is not an email at all')
    writeFileSync(join(folder, 'notes.txt'), 'ignored')
    const results: IngestResult[] = []
    await importMail({
      ingest: k.services.email.ingest,
      target: { accountId: k.admin.accountId, inboxId, ownAddresses: ['support@acme.test'] },
      path: folder,
      onResult: (r) => results.push(r),
    })
    expect(results.map((r) => r.status)).toEqual(['imported', 'quarantined'])
  })
})
