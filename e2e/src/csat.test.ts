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

// Customer satisfaction, end to end: the agent resolves a chat in the inbox, the visitor's widget
// asks "How did we do?" at once, the visitor gives four stars (by keyboard) with a comment, and the
// inbox shows the rating live, without a reload.

describe('rating a resolved chat', () => {
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

  test('the agent resolves, the visitor rates four stars with a comment, the inbox shows it live', async () => {
    const agentContext = await browser.newContext({
      viewport: { width: 1360, height: 820 },
      locale: 'en-US',
    })
    const agent = await agentContext.newPage()
    await signInAgent(agent, kefu.url)
    await agent.click('[data-testid="view-all"]')

    // The visitor chats from the demo site (another origin).
    const visitorContext = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    const site = await visitorContext.newPage()
    const widget = await openDemoWidget(site, kefu.port)
    await widget.locator('[data-testid="composer"]').fill('Can I change my delivery address?')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').first().waitFor()

    // The agent answers and resolves the conversation.
    const row = agent.locator('[data-testid="conversation-item"]').first()
    await row.waitFor()
    await row.click()
    await agent.locator('[data-testid="message"][data-direction="incoming"]').first().waitFor()
    await agent.fill('[data-testid="reply-input"]', 'Done — it goes to your office now.')
    await agent.click('[data-testid="reply-send"]')
    await widget.locator('[data-testid="message"][data-direction="outgoing"]').first().waitFor()
    expect(await agent.locator('[data-testid="conversation-rating"]').count()).toBe(0)
    await agent.click('[data-testid="resolve"]')

    // The widget asks at once, below the conversation.
    const card = widget.locator('[data-testid="csat"]')
    await card.waitFor()
    expect(await card.textContent()).toContain('How did we do?')
    const stars = widget.locator('[data-testid="csat-star"]')
    expect(await stars.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual([
      '1 star',
      '2 stars',
      '3 stars',
      '4 stars',
      '5 stars',
    ])
    expect(await widget.locator('[data-testid="csat-send"]').isDisabled()).toBe(true)

    // Four stars by keyboard: from the fifth star back one, then Enter.
    await widget.locator('[data-testid="csat-star"][data-score="5"]').focus()
    await site.keyboard.press('Shift+Tab')
    await site.keyboard.press('Enter')
    const four = widget.locator('[data-testid="csat-star"][data-score="4"]')
    expect(await four.getAttribute('aria-pressed')).toBe('true')
    expect(await four.evaluate((el) => el.matches(':focus-visible'))).toBe(true)
    const outline = await four.evaluate((el) => getComputedStyle(el).outlineStyle)
    expect(outline).toBe('solid')
    await widget
      .locator('textarea[data-testid="csat-comment"]')
      .fill('Very quick, thank you! 服务很好')
    await four.focus()
    await site.locator('#kefu-frame').screenshot({ path: artifact('csat-widget-card.png') })
    await widget.locator('button[data-testid="csat-send"]').click()

    const thanks = widget.locator('[data-testid="csat-thanks"]')
    await thanks.waitFor()
    expect(await thanks.textContent()).toContain('Thanks for your feedback')
    expect(await thanks.getAttribute('data-score')).toBe('4')
    await site.locator('#kefu-frame').screenshot({ path: artifact('csat-widget-thanks.png') })

    // The inbox shows it without a reload.
    const rating = agent.locator('[data-testid="conversation-rating"]')
    await rating.waitFor()
    expect(await rating.getAttribute('data-score')).toBe('4')
    const shown = await rating.textContent()
    expect(shown).toContain('★★★★☆')
    expect(shown).toContain('4/5')
    expect(shown).toContain('Very quick, thank you! 服务很好')
    await agent.locator('[data-testid="contact-rating"]').waitFor()
    await agent.screenshot({ path: artifact('csat-inbox-rating.png') })
    // With the contact panel closed, the header has room for the comment too.
    await agent.click('[aria-label="Hide details"][aria-pressed="true"]')
    await agent.locator('[data-testid="contact-panel"]').waitFor({ state: 'detached' })
    await agent.screenshot({ path: artifact('csat-inbox-rating-header.png') })

    // The visitor changes their mind: the inbox follows.
    await widget.getByRole('button', { name: 'Change' }).click()
    await widget.locator('[data-testid="csat-star"][data-score="5"]').click()
    await widget.locator('textarea[data-testid="csat-comment"]').fill('')
    await widget.locator('button[data-testid="csat-send"]').click()
    await widget.locator('[data-testid="csat-thanks"][data-score="5"]').waitFor()
    await agent.locator('[data-testid="conversation-rating"][data-score="5"]').waitFor()
    expect(await rating.textContent()).not.toContain('Very quick')

    await agentContext.close()
    await visitorContext.close()
  })
})
