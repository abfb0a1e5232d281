import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  artifact,
  CuttableProxy,
  type KefuProcess,
  launchBrowser,
  openDemoWidget,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// The spine, end to end: a visitor on a customer's website (another origin) chats with an agent
// in the inbox, in real Chromium against the real server; then the agent's network drops while
// the visitor keeps writing, and nothing is lost or doubled when it comes back.

const messageTexts = (page: Page) =>
  page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => e.textContent ?? ''))

async function waitFor(
  label: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${label}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('live chat from the demo website to the inbox and back', () => {
  let kefu: KefuProcess
  let browser: Browser
  let proxy: CuttableProxy

  beforeAll(async () => {
    kefu = await startKefuProcess()
    proxy = new CuttableProxy(kefu.port)
    await proxy.listen()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await kefu?.stop()
  })

  test('visitor and agent talk in real time, and a dropped agent connection loses nothing', async () => {
    // The agent works through a relay we can cut, so only their network drops.
    const agentContext = await browser.newContext({
      viewport: { width: 1360, height: 820 },
      locale: 'en-US',
    })
    const agent = await agentContext.newPage()
    await signInAgent(agent, `http://127.0.0.1:${proxy.port}/`)
    await agent.click('[data-testid="view-all"]')

    // The visitor browses the demo site on a different origin (localhost vs 127.0.0.1).
    const visitorContext = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    const site = await visitorContext.newPage()
    const widget = await openDemoWidget(site, kefu.port)
    await widget
      .locator('[data-testid="composer"]')
      .fill('Hello, is my tea shipped yet? 我的茶叶发货了吗？')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').first().waitFor()

    // The agent sees the new conversation appear without reloading, opens it and replies.
    const row = agent.locator('[data-testid="conversation-item"]').first()
    await row.waitFor()
    expect(await row.textContent()).toContain('Hello, is my tea shipped yet?')
    await row.click()
    await agent.locator('[data-testid="message"][data-direction="incoming"]').first().waitFor()
    await agent.fill('[data-testid="reply-input"]', 'Yes — it left our warehouse this morning.')
    await agent.click('[data-testid="reply-send"]')

    const reply = widget.locator('[data-testid="message"][data-direction="outgoing"]')
    await reply.first().waitFor()
    expect(await reply.first().textContent()).toContain('it left our warehouse')
    await site.screenshot({ path: artifact('widget-conversation.png') })
    await agent.screenshot({ path: artifact('inbox-conversation.png') })

    // The agent's network drops; the visitor writes twice meanwhile.
    proxy.cut()
    await agent.locator('[data-testid="connection"]:not([data-state="online"])').waitFor()
    for (const text of [
      'First message while you were away',
      'Second message while you were away',
    ]) {
      await widget.locator('[data-testid="composer"]').fill(text)
      await widget.locator('[data-testid="send"]').click()
    }
    await waitFor('both visitor messages stored', async () => {
      const sent = await widget
        .locator('[data-testid="message"][data-direction="incoming"][data-state="sent"]')
        .count()
      return sent === 3
    })

    // The connection returns: both messages appear once each, in order, without a reload.
    proxy.restore()
    await agent
      .locator('[data-testid="connection"][data-state="online"]')
      .waitFor({ timeout: 30_000 })
    await waitFor('missed messages shown', async () => {
      const texts = await messageTexts(agent)
      return texts.some((t) => t.includes('Second message while you were away'))
    })
    const texts = await messageTexts(agent)
    const first = texts.filter((t) => t.includes('First message while you were away'))
    const second = texts.filter((t) => t.includes('Second message while you were away'))
    expect(first).toHaveLength(1)
    expect(second).toHaveLength(1)
    expect(texts.findIndex((t) => t.includes('First message'))).toBeLessThan(
      texts.findIndex((t) => t.includes('Second message')),
    )
    // And the visitor's own view has no doubles either.
    const visitorTexts = await widget.locator('[data-testid="message"]').allTextContents()
    expect(
      visitorTexts.filter((t) => t.includes('First message while you were away')),
    ).toHaveLength(1)

    await agentContext.close()
    await visitorContext.close()
  })
})
