import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startDovecot, type TestImapServer } from '../../packages/server/src/test/dovecot.js'
import { startSmtpListener } from '../../packages/server/src/test/smtp.js'
import {
  artifact,
  type KefuProcess,
  launchBrowser,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// Email end to end: a customer's mail delivered into a real IMAP server appears live in the agent's
// inbox; the agent answers in the browser; the SMTP listener receives a reply that threads.

const SUPPORT = { user: 'support', password: 'e2e-imap-password' }

let kefu: KefuProcess
let imap: TestImapServer
let smtp: Awaited<ReturnType<typeof startSmtpListener>>
let browser: Browser

beforeAll(async () => {
  imap = await startDovecot([SUPPORT])
  smtp = await startSmtpListener({ user: 'support', password: 'e2e-smtp-password' })
  kefu = await startKefuProcess()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await kefu?.stop()
  await smtp?.close()
  await imap?.stop()
})

test('mail delivered to the mailbox appears live, and the agent’s reply threads', async () => {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, locale: 'en-US' })
  await signInAgent(page, kefu.url)

  // The admin adds the mailbox (through the API the settings screen uses).
  const created = await page.evaluate(
    async ({ imapPort, smtpPort }) => {
      const res = await fetch('/api/inboxes/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Support mailbox',
          mailbox: {
            imap: {
              host: '127.0.0.1',
              port: imapPort,
              tls: false,
              user: 'support',
              password: 'e2e-imap-password',
              folder: 'INBOX',
            },
            smtp: {
              host: '127.0.0.1',
              port: smtpPort,
              tls: false,
              user: 'support',
              password: 'e2e-smtp-password',
            },
            fromName: 'Acme Support',
            fromAddress: 'support@acme.test',
            syncDays: 7,
          },
        }),
      })
      return { status: res.status, body: await res.json() }
    },
    { imapPort: imap.port, smtpPort: smtp.port },
  )
  expect(created.status).toBe(201)
  const inboxId = created.body.inbox.id as string
  await expect
    .poll(
      async () =>
        (
          await page.evaluate(
            async (id) => (await fetch(`/api/inboxes/${id}/health`)).json(),
            inboxId,
          )
        ).lastSyncAt,
      { timeout: 20_000 },
    )
    .not.toBeNull()

  await page.click('[data-testid="view-all"]')
  await imap.deliver(
    SUPPORT,
    [
      'From: "Chen Jing" <chen@customer.test>',
      'To: support@acme.test',
      'Subject: 退款进度',
      'Message-ID: <refund-1@customer.test>',
      'Date: Mon, 23 Nov 2026 09:30:00 +0800',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '你好，我上周申请的退款什么时候到账？',
      '',
    ].join('\r\n'),
  )
  const row = page.locator('[data-testid="conversation-item"]', { hasText: '退款' }).first()
  await row.waitFor({ timeout: 15_000 })
  await row.click()
  await page
    .locator('[data-testid="message"][data-direction="incoming"]', { hasText: '什么时候到账' })
    .waitFor()
  await page.fill('[data-testid="reply-input"]', '您好，退款已处理，3 个工作日内到账。')
  await page.click('[data-testid="reply-send"]')

  const [sent] = await smtp.waitFor(1)
  expect(sent!.envelope.to).toEqual(['chen@customer.test'])
  expect(sent!.inReplyTo).toBe('<refund-1@customer.test>')
  expect(sent!.references).toContain('<refund-1@customer.test>')
  expect(sent!.subject).toBe('Re: 退款进度')
  expect(sent!.text).toContain('退款已处理')
  await page.locator('[data-testid="thread-rule"]').first().waitFor()
  await page.screenshot({ path: artifact('inbox-email-conversation.png') })
  await page.close()
})
