import { writeFileSync } from 'node:fs'
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startDovecot, type TestImapServer } from '../../packages/server/src/test/dovecot.js'
import { type CapturedMail, startSmtpListener } from '../../packages/server/src/test/smtp.js'
import {
  type AdminFetch,
  adminApi,
  artifact,
  type KefuProcess,
  launchBrowser,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// Email continuity end to end: an admin picks the email inbox on the website inbox's settings
// screen; a visitor leaves their email in the pre-chat form and closes the page; the agent's reply
// is emailed to them (real SMTP); their answer, delivered into the real IMAP mailbox, shows up in
// the agent's timeline and, when the visitor comes back, in the chat.

const SUPPORT = { user: 'support', password: 'e2e-imap-password' }
const VISITOR_EMAIL = 'mei@visitor.test'

describe('email continuity', () => {
  let kefu: KefuProcess
  let imap: TestImapServer
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>
  let browser: Browser
  let api: AdminFetch
  let agent: Page
  let visitorContext: BrowserContext
  let emailInboxId: string
  let mail: CapturedMail

  /**
   * The demo site from Kefu's own address: the chat frame is then first-party and keeps its
   * visitor across visits (a third-party frame may be denied storage by the browser).
   */
  async function openChat(page: Page): Promise<FrameLocator> {
    await page.goto(`${kefu.url}/demo`)
    await page.click('#kefu-launcher')
    const widget = page.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    return widget
  }

  beforeAll(async () => {
    imap = await startDovecot([SUPPORT])
    smtp = await startSmtpListener({ user: 'support', password: 'e2e-smtp-password' })
    // A short delay and window, so the test does not wait minutes.
    kefu = await startKefuProcess({
      EMAIL_CONTINUITY_DELAY_SECONDS: '1',
      EMAIL_CONTINUITY_WINDOW_SECONDS: '5',
    })
    browser = await launchBrowser()
    api = await adminApi(kefu.url)
    const created = await api('/api/inboxes/email', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Support mailbox',
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
            password: 'e2e-smtp-password',
          },
          fromName: 'Acme Support',
          fromAddress: 'support@acme.test',
          syncDays: 7,
        },
      }),
    })
    expect(created.status).toBe(201)
    emailInboxId = ((await created.json()) as { inbox: { id: string } }).inbox.id
    // The pre-chat form asks for the email the replies go to.
    const inboxes = (await (await api('/api/inboxes')).json()) as {
      inboxes: { id: string; kind: string }[]
    }
    const site = inboxes.inboxes.find((i) => i.kind === 'widget')!
    const form = await api(`/api/inboxes/${site.id}/settings`, {
      method: 'PUT',
      body: JSON.stringify({
        preChat: { fields: [{ key: 'email', type: 'email', required: true }] },
      }),
    })
    expect(form.status).toBe(200)
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      locale: 'en-US',
    })
    agent = await context.newPage()
    await signInAgent(agent, kefu.url)
  })
  afterAll(async () => {
    await browser?.close()
    await kefu?.stop()
    await smtp?.close()
    await imap?.stop()
  })

  test('the admin picks the email inbox that writes to visitors who left', async () => {
    await agent.click('[data-testid="settings-open"]')
    await agent.click('[data-testid="settings-inbox"][data-kind="widget"]')
    const card = agent.locator('[data-testid="email-continuity"]')
    await card.waitFor()
    const select = card.locator('[data-testid="email-continuity-inbox"]')
    expect(await select.inputValue()).toBe('')
    await select.selectOption(emailInboxId)
    await card.scrollIntoViewIfNeeded()
    await agent.screenshot({ path: artifact('continuity-settings.png') })
    await agent.click('[data-testid="widget-settings-save"]')
    await agent.locator('[data-testid="widget-settings-saved"]').waitFor()

    const res = await api('/api/inboxes')
    const { inboxes } = (await res.json()) as {
      inboxes: { kind: string; settings: { emailContinuity?: { emailInboxId: string } } }[]
    }
    const site = inboxes.find((i) => i.kind === 'widget')
    expect(site?.settings.emailContinuity).toEqual({ emailInboxId })
    await agent.click('[data-testid="settings-close"]')
  })

  test("the agent's reply reaches the visitor who closed the page, by email", async () => {
    visitorContext = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    const site = await visitorContext.newPage()
    const widget = await openChat(site)
    await widget.locator('[data-testid="prechat-field"][data-key="email"]').fill(VISITOR_EMAIL)
    await widget.locator('[data-testid="prechat-submit"]').click()
    await widget.locator('[data-testid="composer"]').fill('Hi, is my parcel on its way?')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()
    await site.close()

    await agent.click('[data-testid="view-all"]')
    const row = agent.locator('[data-testid="conversation-item"]', { hasText: 'parcel' }).first()
    await row.waitFor()
    await row.click()
    await agent.fill('[data-testid="reply-input"]', 'Yes! It left our warehouse this morning.')
    await agent.click('[data-testid="reply-send"]')

    const mails = await smtp.waitFor(1, 30_000)
    mail = mails[0]!
    writeFileSync(artifact('continuity-email.eml'), mail.raw)
    console.log(`--- the continuity email ---\n${mail.raw.toString()}`)
    expect(mail.envelope.to).toEqual([VISITOR_EMAIL])
    expect(mail.subject).toBe('Your conversation with Website')
    expect(mail.text).toContain('It left our warehouse this morning.')
    expect(mail.replyTo).toMatch(/^support\+[a-z2-7]{42}@acme\.test$/)

    // Agents see that it went out; the visitor's chat stays as it was.
    const line = agent.locator('[data-testid="message"][data-direction="activity"]', {
      hasText: `Reply emailed to ${VISITOR_EMAIL}`,
    })
    await line.waitFor()
    await line.locator('[data-testid="delivery-status"][data-status="sent"]').waitFor()
    await agent.screenshot({ path: artifact('continuity-agent-emailed.png') })
  })

  test("the visitor's emailed answer lands in the same chat: the agent sees it live; the chat of a visitor who only typed the address does not show it", async () => {
    await imap.deliver(
      SUPPORT,
      [
        `From: Mei <${VISITOR_EMAIL}>`,
        `To: ${mail.replyTo}`,
        `Subject: Re: ${mail.subject}`,
        `Message-ID: <mei-answer@visitor.test>`,
        `In-Reply-To: ${mail.messageId}`,
        `References: ${mail.messageId}`,
        'Date: Mon, 23 Nov 2026 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Great, thank you! 谢谢！',
        '',
        'On Mon, 23 Nov 2026, Acme Support <support@acme.test> wrote:',
        '> Yes! It left our warehouse this morning.',
        '',
      ].join('\r\n'),
    )
    const incoming = agent.locator('[data-testid="message"][data-direction="incoming"]', {
      hasText: 'Great, thank you!',
    })
    await incoming.waitFor({ timeout: 30_000 })
    expect(await incoming.textContent()).not.toContain('left our warehouse')
    await agent.screenshot({ path: artifact('continuity-agent-answer.png') })

    const site = await visitorContext.newPage()
    const widget = await openChat(site)
    // Not an identity-verified user: the chat shows the agents' replies, not what arrived by
    // email from the address the visitor typed.
    await widget
      .locator('[data-testid="message"]', { hasText: 'left our warehouse' })
      .first()
      .waitFor()
    const shown = await widget
      .locator('[data-testid="message"]')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''))
    expect(shown).not.toContainEqual(expect.stringContaining('Great, thank you!'))
    expect(shown).not.toContainEqual(expect.stringContaining('emailed'))
    await site.screenshot({ path: artifact('continuity-widget-return.png') })
    // One conversation, in the website inbox: the answer did not open an email conversation.
    const res = await api('/api/conversations?view=all&status=open')
    const { conversations } = (await res.json()) as { conversations: { inboxId: string }[] }
    expect(conversations.filter((c) => c.inboxId === emailInboxId)).toHaveLength(0)
  })
})
