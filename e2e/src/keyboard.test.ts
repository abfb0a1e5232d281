import type { Browser, Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { artifact, type KefuProcess, launchBrowser, startKefuProcess } from './harness.js'

// The widget with the keyboard alone: Tab reaches the launcher, Enter opens the chat with the
// focus in the composer, Enter sends, and both Escape and the close button close it again with
// the focus back on the launcher. Every control on the way shows where the focus is and has a
// name a screen reader can read.

interface Focused {
  tag: string
  name: string
  /** A visible focus ring: an outline or a box shadow. */
  ring: boolean
  focusVisible: boolean
}

/** What has the focus in `root` (a document, or the launcher's shadow root). */
function describeFocus(where: 'page' | 'frame'): Focused | null {
  let el: Element | null = document.activeElement
  if (where === 'page') el = (el?.shadowRoot?.activeElement as Element | null) ?? el
  if (!el || el === document.body) return null
  const labelled = el.getAttribute('aria-labelledby')
  const name = (
    el.getAttribute('aria-label') ??
    (labelled ? document.getElementById(labelled)?.textContent : null) ??
    (el as HTMLInputElement).labels?.[0]?.textContent ??
    el.getAttribute('title') ??
    el.textContent ??
    ''
  ).trim()
  const style = getComputedStyle(el)
  const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 1
  return {
    tag: el.tagName.toLowerCase(),
    name,
    ring: outline || style.boxShadow !== 'none',
    focusVisible: el.matches(':focus-visible'),
  }
}

const pageFocus = (page: Page) => page.evaluate(describeFocus, 'page' as const)
const frameFocus = (frame: Frame) => frame.evaluate(describeFocus, 'frame' as const)

describe('the widget by keyboard', () => {
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

  test('Tab, Enter, type, Enter, Escape — and the focus is always visible and named', async () => {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    const site = await context.newPage()
    await site.goto(`http://localhost:${kefu.port}/demo`)
    const launcher = site.locator('#kefu-launcher')
    await launcher.waitFor()

    // Tab from the top of the page reaches the launcher (the demo page has no other controls).
    await site.keyboard.press('Tab')
    expect(await pageFocus(site)).toEqual({
      tag: 'button',
      name: 'Open chat',
      ring: true,
      focusVisible: true,
    })
    expect(await launcher.getAttribute('aria-expanded')).toBe('false')
    await site.screenshot({ path: artifact('keyboard-launcher-focus.png') })

    // Enter opens the chat, and the focus lands in the composer.
    await site.keyboard.press('Enter')
    expect(await launcher.getAttribute('aria-expanded')).toBe('true')
    expect(await launcher.getAttribute('aria-label')).toBe('Close chat')
    const widget = site.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    const frame = site.frames().find((f) => f.url().includes('/widget/frame'))
    if (!frame) throw new Error('no chat frame')
    await expect.poll(() => frameFocus(frame)).toMatchObject({ tag: 'textarea' })
    const composer = await frameFocus(frame)
    expect(composer?.name).toBe('Write a message…')
    expect(composer?.ring).toBe(true)

    // Typing and Enter send.
    await site.keyboard.type('Hello, typed without a mouse 键盘输入')
    await site.keyboard.press('Enter')
    const sent = widget.locator('[data-testid="message"][data-state="sent"]')
    await sent.waitFor()
    expect(await sent.textContent()).toContain('Hello, typed without a mouse 键盘输入')
    expect(await widget.locator('[data-testid="composer"]').inputValue()).toBe('')
    expect((await frameFocus(frame))?.tag).toBe('textarea')

    // Escape closes the chat and the focus returns to the launcher.
    await site.keyboard.press('Escape')
    await expect.poll(() => launcher.getAttribute('aria-expanded')).toBe('false')
    expect(await pageFocus(site)).toMatchObject({ name: 'Open chat', focusVisible: true })
    await site.locator('#kefu-frame').waitFor({ state: 'hidden' })

    // Open again; Shift+Tab walks back through the chat's controls to its close button. Each
    // stop has a name and a visible focus ring.
    await site.keyboard.press('Enter')
    await expect.poll(() => frameFocus(frame)).toMatchObject({ tag: 'textarea' })
    const stops: Focused[] = []
    for (let i = 0; i < 12; i++) {
      await site.keyboard.press('Shift+Tab')
      const now = await frameFocus(frame)
      if (!now) break
      stops.push(now)
      if (now.name === 'Close chat') break
    }
    expect(stops.at(-1)).toMatchObject({ tag: 'button', name: 'Close chat' })
    for (const stop of stops) {
      expect(stop.name, `${stop.tag} has a name`).not.toBe('')
      expect(stop.ring, `${stop.tag} "${stop.name}" shows focus`).toBe(true)
      expect(stop.focusVisible).toBe(true)
    }
    await site.locator('#kefu-frame').screenshot({ path: artifact('keyboard-close-focus.png') })
    // The host page redrawing the launcher (here: switching the language there and back) leaves
    // the focus where the visitor put it.
    for (const [locale, placeholder, close] of [
      ['zh-CN', '输入消息…', '关闭对话'],
      ['en', 'Write a message…', 'Close chat'],
    ] as const) {
      await site.evaluate(
        (l) => (window as unknown as { Kefu: { setLocale(l: string): void } }).Kefu.setLocale(l),
        locale,
      )
      await widget.getByPlaceholder(placeholder).waitFor()
      expect(await frameFocus(frame)).toMatchObject({ tag: 'button', name: close })
    }

    // Enter on the close button closes, and the focus is on the launcher again.
    await site.keyboard.press('Enter')
    await expect.poll(() => launcher.getAttribute('aria-expanded')).toBe('false')
    expect(await pageFocus(site)).toMatchObject({ name: 'Open chat', focusVisible: true })
    await context.close()
  })
})
