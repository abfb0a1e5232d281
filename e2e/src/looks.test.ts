import type { Browser, BrowserContextOptions, Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  adminApi,
  artifact,
  type HostSite,
  type KefuProcess,
  launchBrowser,
  serveHostSite,
  startKefuProcess,
  widgetToken,
} from './harness.js'

// How the widget looks on the customer's site: on a phone it takes the whole screen and the page
// under it does not move; a page whose CSS would wreck any element it reaches changes nothing in
// the widget; a Chinese browser gets Chinese.

const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-US',
}

const SHOP_BODY = `<header id="bar">Acme Tea 阿克米茶铺</header>
<main><h1 id="hero">Fine tea, shipped fresh</h1>
<p>Green, white and oolong tea from small farms. 来自小茶园的绿茶、白茶和乌龙茶。</p>
<button id="buy">Buy now</button></main>`

const SHOP_STYLE = `<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; }
  #bar { position: sticky; top: 0; padding: 12px 16px; background: #23395d; color: #fff; }
  main { padding: 16px; }
  #buy { position: fixed; left: 16px; bottom: 16px; padding: 14px 20px; }
</style>`

/** A page that would break anything its rules reach: every element and every iframe. */
const HOSTILE_STYLE = `<style>
  * { font-size: 40px !important; display: block; margin: 12px; padding: 12px;
      line-height: 3 !important; letter-spacing: 4px; color: red !important;
      background: yellow; box-sizing: content-box; font-family: serif !important; }
  button, [role="button"] { all: unset; width: 10px !important; height: 10px !important; }
  iframe { width: 50px !important; height: 50px !important; border: 9px solid red !important; }
  svg { width: 200px !important; height: 200px !important; }
</style>`

interface Box {
  x: number
  y: number
  width: number
  height: number
}

const round = (b: Box | null): Box | null =>
  b && {
    x: Math.round(b.x),
    y: Math.round(b.y),
    width: Math.round(b.width),
    height: Math.round(b.height),
  }

/** What the widget looks like, measured: the launcher, the panel and styles inside the frame. */
async function measureWidget(page: Page, frame: Frame) {
  const launcher = round(await page.locator('#kefu-launcher').boundingBox())
  const panel = round(await page.locator('#kefu-frame').boundingBox())
  const inside = await frame.evaluate(() => {
    const pick = (selector: string) => {
      const el = document.querySelector(selector)
      if (!el) return null
      const s = getComputedStyle(el)
      const r = el.getBoundingClientRect()
      return {
        font: `${s.fontWeight} ${s.fontSize}/${s.lineHeight} ${s.fontFamily}`,
        color: s.color,
        background: s.backgroundColor,
        height: Math.round(r.height),
      }
    }
    return {
      title: pick('.head h1'),
      composer: pick('textarea[data-testid="composer"]'),
      send: pick('[data-testid="send"]'),
    }
  })
  return { launcher, panel, inside }
}

function chatFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/frame'))
  if (!frame) throw new Error('no chat frame')
  return frame
}

describe('the widget on the customer’s page', () => {
  let kefu: KefuProcess
  let browser: Browser
  let token: string
  const sites: HostSite[] = []

  beforeAll(async () => {
    kefu = await startKefuProcess()
    browser = await launchBrowser()
    token = await widgetToken(await adminApi(kefu.url))
  })
  afterAll(async () => {
    await browser?.close()
    for (const site of sites) await site.close()
    await kefu?.stop()
  })

  /** The shop on its own site (localhost), embedding Kefu from 127.0.0.1. */
  async function shop(head: string, embed = true): Promise<string> {
    const site = await serveHostSite({ kefuOrigin: kefu.url, token, head, body: SHOP_BODY, embed })
    sites.push(site)
    return site.url.replace('127.0.0.1', 'localhost')
  }

  test('on a phone the open chat fills the screen and the page under it does not move', async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    // The shop adds the tag later, as a tag manager would: the page is measured before and after.
    await page.goto(await shop(SHOP_STYLE, false))
    const layout = () =>
      page.evaluate(() => {
        const box = (id: string) => {
          const r = document.getElementById(id)!.getBoundingClientRect()
          return [r.x, r.y, r.width, r.height].map(Math.round)
        }
        const root = document.documentElement
        return {
          bar: box('bar'),
          hero: box('hero'),
          buy: box('buy'),
          scroll: [root.scrollWidth, root.scrollHeight, scrollX, scrollY],
        }
      })
    const before = await layout()
    await page.evaluate(
      ({ src, inbox }) => {
        const script = document.createElement('script')
        script.src = src
        script.async = true
        script.dataset.inbox = inbox
        document.body.append(script)
      },
      { src: `${kefu.url}/widget.js`, inbox: token },
    )
    const launcher = page.locator('#kefu-launcher')
    await launcher.waitFor()
    await expect.poll(() => launcher.isVisible()).toBe(true)
    expect(await layout()).toEqual(before)
    const closedBox = round(await launcher.boundingBox())
    if (!closedBox) throw new Error('no launcher box')
    // In the bottom right corner, clear of the edges, big enough for a thumb (44 px at least).
    expect(closedBox.width).toBeGreaterThanOrEqual(44)
    expect(closedBox.height).toBeGreaterThanOrEqual(44)
    expect(closedBox.x).toBeGreaterThan(375 / 2)
    expect(closedBox.y).toBeGreaterThan(667 / 2)
    expect(closedBox.x + closedBox.width).toBeLessThanOrEqual(375 - 8)
    expect(closedBox.y + closedBox.height).toBeLessThanOrEqual(667 - 8)
    await page.screenshot({ path: artifact('looks-phone-closed.png') })

    await launcher.tap()
    const widget = page.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    const panel = page.locator('#kefu-frame')
    await expect
      .poll(async () => round(await panel.boundingBox()))
      .toEqual({ x: 0, y: 0, width: 375, height: 667 })
    // The launcher steps aside (the chat has its own close button), and the page stays put.
    await launcher.waitFor({ state: 'hidden' })
    expect(await layout()).toEqual(before)
    // Nothing of the chat sticks out of the screen.
    const inside = await chatFrame(page).evaluate(() => ({
      width: document.documentElement.scrollWidth,
      composer: document.querySelector('[data-testid="composer"]')!.getBoundingClientRect().bottom,
    }))
    expect(inside.width).toBeLessThanOrEqual(375)
    expect(inside.composer).toBeLessThanOrEqual(667)
    // A touch screen does not get the keyboard popped over the conversation on open.
    expect(
      await chatFrame(page).evaluate(() => document.activeElement?.tagName.toLowerCase()),
    ).not.toBe('textarea')
    await page.screenshot({ path: artifact('looks-phone-open.png') })

    await widget.getByRole('button', { name: 'Close chat' }).tap()
    await launcher.waitFor({ state: 'visible' })
    expect(round(await launcher.boundingBox())).toEqual(closedBox)
    expect(await layout()).toEqual(before)
    await context.close()
  })

  test('CSS on the host page that breaks every element it reaches changes nothing in the widget', async () => {
    const measure = async (head: string, name: string) => {
      const context = await browser.newContext({
        viewport: { width: 1200, height: 800 },
        locale: 'en-US',
      })
      const page = await context.newPage()
      await page.goto(await shop(head))
      await page.locator('#kefu-launcher').click()
      await page
        .frameLocator('#kefu-frame')
        .locator('[data-testid="connection"][data-state="online"]')
        .waitFor()
      // The pointer leaves the launcher (hover grows it), and the opening animation ends.
      await page.mouse.move(300, 300)
      await expect
        .poll(() => page.locator('#kefu-frame').evaluate((el) => getComputedStyle(el).transform))
        .toBe('none')
      await expect
        .poll(() => page.locator('#kefu-launcher').evaluate((el) => getComputedStyle(el).transform))
        .toBe('none')
      const widget = await measureWidget(page, chatFrame(page))
      const heroSize = await page.locator('#hero').evaluate((el) => getComputedStyle(el).fontSize)
      await page.screenshot({ path: artifact(name) })
      await context.close()
      return { widget, heroSize }
    }
    const plain = await measure(SHOP_STYLE, 'looks-desktop-plain.png')
    const hostile = await measure(SHOP_STYLE + HOSTILE_STYLE, 'looks-desktop-hostile-css.png')
    // The hostile page really is hostile to its own elements…
    expect(plain.heroSize).not.toBe('40px')
    expect(hostile.heroSize).toBe('40px')
    // …and the widget is exactly as on the plain page.
    expect(plain.widget.panel?.width).toBe(370)
    expect(plain.widget.launcher).toMatchObject({ width: 58, height: 58 })
    expect(plain.widget.inside.composer).not.toBeNull()
    expect(hostile.widget).toEqual(plain.widget)
  })

  test('a Chinese browser gets the widget in Chinese', async () => {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      locale: 'zh-CN',
    })
    const page = await context.newPage()
    await page.goto(await shop(SHOP_STYLE))
    const launcher = page.locator('#kefu-launcher')
    await launcher.waitFor()
    expect(await launcher.getAttribute('aria-label')).toBe('打开在线客服')
    await launcher.click()
    expect(await launcher.getAttribute('aria-label')).toBe('关闭在线客服')
    const widget = page.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    expect(await chatFrame(page).evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    const composer = widget.locator('[data-testid="composer"]')
    expect(await composer.getAttribute('placeholder')).toBe('输入消息…')
    expect(await widget.locator('[data-testid="send"]').getAttribute('aria-label')).toBe('发送')
    await widget.getByRole('button', { name: '关闭对话' }).waitFor()
    expect(await widget.getByRole('log').getAttribute('aria-label')).toBe('对话记录')
    await composer.fill('你好，我想问一下发货时间。')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()
    await page.screenshot({ path: artifact('looks-zh-CN.png') })
    await context.close()
  })
})
