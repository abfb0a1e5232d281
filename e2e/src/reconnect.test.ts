import type { Browser, FrameLocator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type AdminFetch,
  adminApi,
  artifact,
  CuttableProxy,
  type HostSite,
  type KefuProcess,
  launchBrowser,
  serveHostSite,
  signInAgent,
  startKefuProcess,
  widgetToken,
} from './harness.js'

// The visitor's side of "realtime never loses a message": the widget loses its network, the
// visitor writes twice meanwhile, and when the network returns each message is sent once, in
// order — in the agent's inbox, in the widget, in the database, and after a reload.

const FIRST = 'First while offline 离线第一条'
const SECOND = 'Second while offline 离线第二条'

describe('messages written while the widget is offline', () => {
  let kefu: KefuProcess
  let browser: Browser
  let proxy: CuttableProxy
  let api: AdminFetch
  let shop: HostSite

  beforeAll(async () => {
    kefu = await startKefuProcess()
    proxy = new CuttableProxy(kefu.port)
    await proxy.listen()
    browser = await launchBrowser()
    api = await adminApi(kefu.url)
    // The shop is on the same site as Kefu (loopback, another port), so the widget may keep its
    // visitor across reloads; it loads the widget through the relay, so only it loses the network.
    shop = await serveHostSite({
      kefuOrigin: `http://127.0.0.1:${proxy.port}`,
      token: await widgetToken(api),
    })
  })
  afterAll(async () => {
    await browser?.close()
    await shop?.close()
    await proxy?.close()
    await kefu?.stop()
  })

  /** The visitor texts, as the server stored them, of the conversation that began with `first`. */
  async function storedTexts(first: string): Promise<string[]> {
    const list = await api('/api/conversations?view=all&status=open')
    const { conversations } = (await list.json()) as { conversations: { id: string }[] }
    const found: string[][] = []
    for (const { id } of conversations) {
      const res = await api(`/api/conversations/${id}`)
      const { messages } = (await res.json()) as {
        messages: { text: string | null; direction: string }[]
      }
      const incoming = messages.filter((m) => m.direction === 'incoming').map((m) => m.text ?? '')
      if (incoming[0] === first) found.push(incoming)
    }
    expect(found).toHaveLength(1)
    return found[0]!
  }

  const texts = (where: Page | FrameLocator, direction: 'incoming' | 'outgoing') =>
    where
      .locator(`[data-testid="message"][data-direction="${direction}"]`)
      .evaluateAll((els) => els.map((e) => e.querySelector('.bubble')?.textContent ?? ''))

  async function openShop(site: Page): Promise<FrameLocator> {
    await site.goto(shop.url)
    await site.click('#kefu-launcher')
    const widget = site.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    return widget
  }

  test('queued messages go once each, in order, when the connection returns', async () => {
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
    const widget = await openShop(site)
    const composer = widget.locator('[data-testid="composer"]')
    await composer.fill('Hello before the tunnel')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()
    const row = agent.locator('[data-testid="conversation-item"]').first()
    await row.waitFor()
    await row.click()
    await agent.locator('[data-testid="message"][data-direction="incoming"]').first().waitFor()

    // The network drops; the widget says so, and the visitor keeps writing.
    proxy.cut()
    await widget.locator('[data-testid="connection"]:not([data-state="online"])').waitFor()
    for (const text of [FIRST, SECOND]) {
      await composer.fill(text)
      await composer.press('Enter')
    }
    const waiting = widget.locator('[data-testid="message"][data-state="sending"]')
    await expect.poll(() => waiting.count()).toBe(2)
    // Shown at once, in order, each marked as still on its way.
    expect(await texts(widget, 'incoming')).toEqual(['Hello before the tunnel', FIRST, SECOND])
    // "Sending…" shows under each once it has waited a moment (quick sends never flash it).
    for (const message of await waiting.all()) {
      await message.getByText('Sending…').waitFor({ state: 'visible' })
    }
    // The widget's reconnect attempts fail for a while and it admits being offline.
    await widget.locator('[data-testid="connection"][data-state="offline"]').waitFor()
    expect(await widget.locator('.notice[role="status"]').textContent()).toContain(
      'Messages will be sent when the connection is back',
    )
    await site.locator('#kefu-frame').screenshot({ path: artifact('reconnect-widget-queued.png') })
    // Nothing has reached the server.
    expect(await storedTexts('Hello before the tunnel')).toEqual(['Hello before the tunnel'])

    // The network returns: both go out without the visitor doing anything.
    proxy.restore()
    await widget
      .locator('[data-testid="connection"][data-state="online"]')
      .waitFor({ timeout: 60_000 })
    await expect.poll(() => waiting.count(), { timeout: 30_000 }).toBe(0)
    const expected = ['Hello before the tunnel', FIRST, SECOND]
    await expect.poll(() => texts(agent, 'incoming'), { timeout: 30_000 }).toEqual(expected)
    expect(await texts(widget, 'incoming')).toEqual(expected)
    expect(await storedTexts('Hello before the tunnel')).toEqual(expected)
    await site.locator('#kefu-frame').screenshot({ path: artifact('reconnect-widget-sent.png') })

    // A reply proves the live connection is really back, and that no late copy slipped in.
    await agent.fill('[data-testid="reply-input"]', 'Got both, thanks.')
    await agent.click('[data-testid="reply-send"]')
    await expect.poll(() => texts(widget, 'outgoing')).toEqual(['Got both, thanks.'])
    expect(await texts(widget, 'incoming')).toEqual(expected)
    expect(await texts(agent, 'incoming')).toEqual(expected)

    // After a reload of either side, still once each.
    await site.reload()
    const again = await openShop(site)
    await expect.poll(() => texts(again, 'outgoing')).toEqual(['Got both, thanks.'])
    expect(await texts(again, 'incoming')).toEqual(expected)
    await agent.reload()
    await agent.locator('[data-testid="message"][data-direction="outgoing"]').first().waitFor()
    expect(await texts(agent, 'incoming')).toEqual(expected)
    expect(await storedTexts('Hello before the tunnel')).toEqual(expected)

    await agentContext.close()
    await visitorContext.close()
  })

  test('the browser going offline and back loses and doubles nothing either', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const site = await context.newPage()
    const widget = await openShop(site)
    const composer = widget.locator('[data-testid="composer"]')
    await composer.fill('Hello from the train')
    await composer.press('Enter')
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()

    // The browser itself reports the network gone (navigator.onLine, the offline event).
    await context.setOffline(true)
    await widget.locator('[data-testid="connection"][data-state="offline"]').waitFor()
    for (const text of ['In the tunnel 1', 'In the tunnel 2']) {
      await composer.fill(text)
      await composer.press('Enter')
    }
    const waiting = widget.locator('[data-testid="message"][data-state="sending"]')
    await expect.poll(() => waiting.count()).toBe(2)
    expect(await storedTexts('Hello from the train')).toEqual(['Hello from the train'])

    await context.setOffline(false)
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    await expect.poll(() => waiting.count(), { timeout: 30_000 }).toBe(0)
    const expected = ['Hello from the train', 'In the tunnel 1', 'In the tunnel 2']
    expect(await texts(widget, 'incoming')).toEqual(expected)
    expect(await storedTexts('Hello from the train')).toEqual(expected)
    await site.reload()
    const again = await openShop(site)
    await expect.poll(() => texts(again, 'incoming')).toEqual(expected)
    await context.close()
  })
})
