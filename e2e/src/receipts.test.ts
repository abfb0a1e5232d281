import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  artifact,
  type KefuProcess,
  launchBrowser,
  openDemoWidget,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// Read receipts both ways, the tab-title notice and several conversations per visitor, end to
// end: the agent reads → the visitor sees "Read"; the agent replies while the widget is closed →
// the host page's title counts it; the visitor opens the widget → the agent sees "Seen"; then the
// visitor starts a second conversation from the list, and both exist for both sides.

const DEMO_TITLE = 'Acme Tea — Kefu demo site'

describe('read receipts, title notice and several conversations', () => {
  let kefu: KefuProcess
  let browser: Browser

  beforeAll(async () => {
    kefu = await startKefuProcess()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await kefu?.stop()
  })

  test('"Seen" and "Read" follow each side, the title counts replies, and a second conversation stands apart', async () => {
    const agentContext = await browser.newContext({
      viewport: { width: 1360, height: 820 },
      locale: 'en-US',
    })
    const agent = await agentContext.newPage()
    await signInAgent(agent, kefu.url)
    await agent.click('[data-testid="view-all"]')

    const visitorContext = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    const site = await visitorContext.newPage()
    const widget = await openDemoWidget(site, kefu.port)
    expect(await site.title()).toBe(DEMO_TITLE)
    await widget.locator('[data-testid="composer"]').fill('Is the jasmine tea back in stock?')
    await widget.locator('[data-testid="send"]').click()
    const mine = widget.locator('[data-testid="message"][data-direction="incoming"]')
    await mine.and(widget.locator('[data-state="sent"]')).first().waitFor()
    expect(await widget.locator('[data-testid="read-receipt"]').count()).toBe(0)
    // The visitor closes the chat and keeps browsing.
    await site.click('#kefu-launcher')
    await site.locator('#kefu-frame.open').waitFor({ state: 'detached' })

    // The agent opens the conversation: the visitor's message is read.
    const rows = agent.locator('[data-testid="conversation-item"]')
    await rows.first().click()
    await agent.locator('[data-testid="message"][data-direction="incoming"]').first().waitFor()
    await widget.locator('[data-testid="read-receipt"]').waitFor({ state: 'attached' })
    expect(await mine.first().locator('[data-testid="read-receipt"]').textContent()).toBe('Read')

    // The agent replies while the widget is closed: the host page's title counts it.
    await agent.fill('[data-testid="reply-input"]', 'Yes — it came in this morning.')
    await agent.click('[data-testid="reply-send"]')
    await site.waitForFunction((title) => document.title === `(1) ${title}`, DEMO_TITLE)
    await site.locator('#kefu-badge:not([hidden])').waitFor({ state: 'attached' })
    const reply = agent.locator('[data-testid="message"][data-direction="outgoing"]')
    await reply.first().waitFor()
    expect(await agent.locator('[data-testid="seen"]').count()).toBe(0)

    // The visitor opens the widget: the title comes back, and the agent sees "Seen" live.
    await site.click('#kefu-launcher')
    await widget.locator('[data-testid="message"][data-direction="outgoing"]').first().waitFor()
    await site.waitForFunction((title) => document.title === title, DEMO_TITLE)
    const seen = agent.locator('[data-testid="seen"]')
    await seen.waitFor()
    expect(await seen.textContent()).toContain('Seen')
    expect(await reply.first().locator('[data-testid="seen"]').count()).toBe(1)
    await agent.screenshot({ path: artifact('receipts-inbox-seen.png') })
    await site.locator('#kefu-frame').screenshot({ path: artifact('receipts-widget-read.png') })

    // The visitor starts a second conversation from the list.
    await widget.locator('[data-testid="conversations-button"]').click()
    const items = widget.locator('[data-testid="conversation-item"]')
    await items.first().waitFor()
    expect(await items.count()).toBe(1)
    await widget.locator('[data-testid="new-conversation"]').click()
    expect(await widget.locator('[data-testid="message"]').count()).toBe(0)
    await widget.locator('[data-testid="composer"]').fill('Another thing: can I change my address?')
    await widget.locator('[data-testid="send"]').click()
    await mine.and(widget.locator('[data-state="sent"]')).first().waitFor()
    expect(await widget.locator('[data-testid="message"]').count()).toBe(1)

    // Two separate conversations in the inbox…
    await agent.waitForFunction(
      () => document.querySelectorAll('[data-testid="conversation-item"]').length === 2,
    )
    // …and in the visitor's list, the new one first.
    await widget.locator('[data-testid="conversations-button"]').click()
    await widget
      .locator('[data-testid="conversation-list"]')
      .locator('[data-testid="conversation-item"]')
      .nth(1)
      .waitFor()
    expect(await items.count()).toBe(2)
    expect(await items.first().textContent()).toContain('Another thing')
    expect(await items.nth(1).textContent()).toContain('it came in this morning')
    await site.locator('#kefu-frame').screenshot({ path: artifact('receipts-widget-list.png') })

    // A reply in the first conversation while the visitor looks at the list: its row counts it.
    await agent.fill('[data-testid="reply-input"]', 'We can also gift-wrap it.')
    await agent.click('[data-testid="reply-send"]')
    await widget.locator('[data-testid="conversation-item"][data-unread="1"]').waitFor()
    expect(await items.first().textContent()).toContain('gift-wrap')
    await site.locator('#kefu-frame').screenshot({
      path: artifact('receipts-widget-list-unread.png'),
    })

    // Opening it shows its own history, and reads it.
    await items.first().click()
    await widget.getByText('We can also gift-wrap it.').waitFor()
    expect(await widget.getByText('Another thing').count()).toBe(0)
    await agent.waitForFunction(() => {
      const replies = document.querySelectorAll(
        '[data-testid="message"][data-direction="outgoing"]',
      )
      return replies[replies.length - 1]?.querySelector('[data-testid="seen"]') !== null
    })

    await agentContext.close()
    await visitorContext.close()
  })
})
