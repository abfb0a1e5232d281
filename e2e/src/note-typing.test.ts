import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type KefuProcess,
  launchBrowser,
  openDemoWidget,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// An internal note is for the team only: while the agent writes one, the customer must not see
// "typing…". Only a reply shows it.

describe('typing while writing a note', () => {
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

  test('the customer sees the agent typing a reply, never a note', async () => {
    const agentContext = await browser.newContext({ locale: 'en-US' })
    const agent = await agentContext.newPage()
    // Every typing frame the inbox sends, in order.
    const typingFrames: boolean[] = []
    agent.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        const data = JSON.parse(String(frame.payload)) as { type?: string; typing?: boolean }
        if (data.type === 'typing') typingFrames.push(data.typing === true)
      }),
    )
    await signInAgent(agent, kefu.url)
    await agent.click('[data-testid="view-all"]')

    const visitorContext = await browser.newContext({ locale: 'en-US' })
    const site = await visitorContext.newPage()
    const widget = await openDemoWidget(site, kefu.port)
    await widget.locator('[data-testid="composer"]').fill('Is anyone there?')
    await widget.locator('[data-testid="send"]').click()
    const frame = site.frames().find((f) => f.url().includes('/widget/frame'))
    if (!frame) throw new Error('no chat frame')
    // Counts every time the typing line appears in the widget.
    await frame.evaluate(() => {
      const w = window as unknown as { typingShown: number }
      w.typingShown = 0
      new MutationObserver((records) => {
        for (const record of records) {
          for (const node of Array.from(record.addedNodes)) {
            if (node instanceof Element && node.matches('[data-testid="typing"]')) w.typingShown++
          }
        }
      }).observe(document.body, { childList: true, subtree: true })
    })
    const typingShown = () =>
      frame.evaluate(() => (window as unknown as { typingShown: number }).typingShown)

    await agent.locator('[data-testid="conversation-item"]').first().click()
    await agent.locator('[data-testid="message"][data-direction="incoming"]').first().waitFor()

    // A note, typed key by key and added.
    await agent.click('[data-testid="mode-note"]')
    await agent
      .locator('[data-testid="reply-input"]')
      .pressSequentially('Refund approved by Li, do not mention yet', { delay: 20 })
    await agent.keyboard.press('Enter')
    await agent
      .locator('[data-testid="message"][data-direction="note"][data-state="sent"]')
      .waitFor()

    // Then a reply: its typing frame comes after anything the note could have sent.
    await agent.click('[data-testid="mode-reply"]')
    await agent.locator('[data-testid="reply-input"]').pressSequentially('Yes, ', { delay: 20 })
    await expect.poll(() => typingFrames.length).toBeGreaterThan(0)
    expect(typingFrames).toEqual([true])
    const indicator = widget.locator('[data-testid="typing"]')
    await indicator.waitFor()
    expect(await indicator.textContent()).toContain('Ada is typing')
    expect(await typingShown()).toBe(1)

    await agentContext.close()
    await visitorContext.close()
  })
})
