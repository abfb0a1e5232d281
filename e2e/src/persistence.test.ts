import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type KefuProcess, launchBrowser, openDemoWidget, startKefuProcess } from './harness.js'

// A visitor whose browser keeps the cross-site chat frame from saving anything (private windows,
// blocked third-party cookies; this test browser's contexts behave that way) still finds their
// conversation after a reload: the loader keeps the frame's values in the host page's storage.

describe('a returning visitor on a site that embeds Kefu from another site', () => {
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

  test('the conversation survives a reload of the host page', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    let widget = await openDemoWidget(page, kefu.port)
    // The frame (127.0.0.1) is third-party on the demo page (localhost) and may not save.
    expect(
      await widget.locator('body').evaluate(() => {
        try {
          return typeof window.localStorage
        } catch {
          return 'blocked'
        }
      }),
    ).toBe('blocked')

    await widget.locator('[data-testid="composer"]').fill('Is the green tea in stock?')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()

    // The host page (first party) holds the chat's values under the inbox's key.
    const kept = await page.evaluate(() =>
      Object.keys(localStorage).filter((key) => key.startsWith('kefu:')),
    )
    expect(kept).toHaveLength(1)

    await page.reload()
    widget = await openDemoWidget(page, kefu.port)
    const messages = widget.locator('[data-testid="message"]')
    await messages.first().waitFor()
    expect(await messages.allTextContents()).toEqual([
      expect.stringContaining('Is the green tea in stock?'),
    ])
    await context.close()
  })

  test('another browser profile does not get that conversation', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    const widget = await openDemoWidget(page, kefu.port)
    await widget.locator('[data-testid="composer"]').waitFor()
    expect(await widget.locator('[data-testid="message"]').count()).toBe(0)
    await context.close()
  })
})
