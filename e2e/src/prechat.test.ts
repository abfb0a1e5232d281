import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  type AdminFetch,
  adminApi,
  artifact,
  type KefuProcess,
  launchBrowser,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// The pre-chat form, end to end: an admin sets it up on the inbox settings screen (a required
// email, a required custom field, an optional phone); a visitor cannot start the chat without
// valid answers, and nothing reaches the server until they are; the agent then sees the answers
// beside the conversation. A Chinese browser gets the form and its messages in Chinese.

describe('pre-chat form', () => {
  let kefu: KefuProcess
  let browser: Browser
  let api: AdminFetch
  let agentContext: BrowserContext
  let agent: Page

  beforeAll(async () => {
    kefu = await startKefuProcess()
    browser = await launchBrowser()
    api = await adminApi(kefu.url)
    agentContext = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      locale: 'en-US',
    })
    agent = await agentContext.newPage()
    await signInAgent(agent, kefu.url)
  })
  afterAll(async () => {
    await browser?.close()
    await kefu?.stop()
  })

  /** Open conversations the agent can see, straight from the API. */
  const openConversations = async () => {
    const res = await api('/api/conversations?view=all&status=open')
    expect(res.status).toBe(200)
    return ((await res.json()) as { conversations: unknown[] }).conversations
  }

  /** A visitor on the demo site with the chat open; `posts` lists every POST the browser makes. */
  async function visitor(locale: string) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale })
    const posts: string[] = []
    context.on('request', (request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname)
    })
    const site = await context.newPage()
    await site.goto(`http://localhost:${kefu.port}/demo`)
    await site.click('#kefu-launcher')
    const widget = site.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    await widget.locator('form[data-testid="prechat"]').waitFor()
    return { context, site, widget, posts }
  }

  const field = (widget: FrameLocator, key: string) =>
    widget.locator(`[data-testid="prechat-field"][data-key="${key}"]`)
  const errorOf = (widget: FrameLocator, key: string) =>
    widget.locator(`#prechat-${key}-error[data-testid="prechat-error"]`)

  test('the admin sets up the form on the inbox settings screen', async () => {
    await agent.click('[data-testid="settings-open"]')
    await agent.click('[data-testid="settings-inbox"][data-kind="widget"]')
    const editor = agent.locator('[data-testid="prechat-editor"]')
    await editor.waitFor()
    expect(await editor.getAttribute('data-count')).toBe('0')
    const rows = editor.locator('[data-testid="prechat-field-row"]')
    const add = editor.locator('[data-testid="prechat-add"]')

    // New fields come as name, email, phone; the first becomes a custom "order number".
    await add.click()
    await add.click()
    await add.click()
    await expect.poll(() => rows.count()).toBe(3)
    const custom = rows.nth(0)
    await custom.locator('[data-testid="prechat-kind"]').selectOption('')
    await custom.locator('[data-testid="prechat-key"]').fill('order_number')
    await custom.locator('[data-testid="prechat-required"]').check()
    await custom.locator('[data-testid="prechat-label-en"]').fill('Order number')
    await custom.locator('[data-testid="prechat-label-zh-CN"]').fill('订单号')
    // The email goes first.
    await custom.locator('[data-testid="prechat-down"]').click()
    const email = rows.nth(0)
    expect(await email.getAttribute('data-key')).toBe('email')
    await email.locator('[data-testid="prechat-required"]').check()
    await email.locator('[data-testid="prechat-label-en"]').fill('Your email')
    await email.locator('[data-testid="prechat-label-zh-CN"]').fill('您的邮箱')
    const phone = rows.nth(2)
    expect(await phone.getAttribute('data-key')).toBe('phone')
    await phone.locator('[data-testid="prechat-required"]').uncheck()
    await agent.screenshot({ path: artifact('prechat-settings.png'), fullPage: true })

    await agent.click('[data-testid="widget-settings-save"]')
    await agent.locator('[data-testid="widget-settings-saved"]').waitFor()

    // What the server stored is exactly what the screen showed.
    const res = await api('/api/inboxes')
    const { inboxes } = (await res.json()) as {
      inboxes: { kind: string; settings: { preChat?: { fields: unknown[] } } }[]
    }
    const widgetInbox = inboxes.find((i) => i.kind === 'widget')
    expect(widgetInbox?.settings.preChat?.fields).toEqual([
      expect.objectContaining({ key: 'email', type: 'email', required: true }),
      expect.objectContaining({
        key: 'order_number',
        type: 'text',
        required: true,
        label: expect.objectContaining({ en: 'Order number', 'zh-CN': '订单号' }),
      }),
      expect.objectContaining({ key: 'phone', type: 'tel', required: false }),
    ])
    await agent.click('[data-testid="settings-close"]')
  })

  test('empty and malformed answers are refused in the widget; valid ones start the chat', async () => {
    const { context, site, widget, posts } = await visitor('en-US')
    expect(
      await widget
        .locator('[data-testid="prechat-field"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))),
    ).toEqual(['email', 'order_number', 'phone'])
    expect(await widget.locator('label[for="prechat-order_number"]').textContent()).toContain(
      'Order number',
    )
    // Opening the chat put the focus in the first field.
    await expect
      .poll(() => field(widget, 'email').evaluate((el) => el === document.activeElement))
      .toBe(true)
    // No composer before the form is done.
    expect(await widget.locator('[data-testid="composer"]').count()).toBe(0)

    // Nothing filled in: both required fields say so, the optional phone does not.
    const before = posts.length
    await widget.locator('[data-testid="prechat-submit"]').click()
    await errorOf(widget, 'email').waitFor()
    expect(await errorOf(widget, 'email').textContent()).toBe('Please fill in this field')
    expect(await errorOf(widget, 'order_number').textContent()).toBe('Please fill in this field')
    expect(await errorOf(widget, 'phone').count()).toBe(0)
    expect(await field(widget, 'email').getAttribute('aria-invalid')).toBe('true')
    expect(await field(widget, 'email').getAttribute('aria-describedby')).toBe(
      'prechat-email-error',
    )
    // Focus goes to the first field to fix.
    expect(await field(widget, 'email').evaluate((el) => el === document.activeElement)).toBe(true)
    await site.locator('#kefu-frame').screenshot({ path: artifact('prechat-widget-required.png') })

    // A malformed email is refused too, while the filled-in custom field is accepted.
    await field(widget, 'email').fill('mei@example')
    await field(widget, 'order_number').fill('A-1001')
    await widget.locator('[data-testid="prechat-submit"]').click()
    await expect
      .poll(() => errorOf(widget, 'email').textContent())
      .toBe('Please enter a valid email address')
    expect(await errorOf(widget, 'order_number').count()).toBe(0)

    // Nothing was sent and no conversation exists.
    expect(posts.slice(before)).toEqual([])
    expect(await openConversations()).toEqual([])

    // Valid answers (the phone left empty, as it may be) start the chat.
    await field(widget, 'email').fill('mei@customer.test')
    await widget.locator('[data-testid="prechat-submit"]').click()
    const composer = widget.locator('[data-testid="composer"]')
    await composer.waitFor()
    expect(await widget.locator('[data-testid="prechat"]').count()).toBe(0)
    expect(posts.slice(before)).toContain('/api/widget/profile')
    await composer.fill('Hi, where is my order? 我的订单在哪里？')
    await widget.locator('[data-testid="send"]').click()
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()

    // The agent sees the answers beside the conversation.
    await agent.click('[data-testid="view-all"]')
    const row = agent.locator('[data-testid="conversation-item"]').first()
    await row.waitFor()
    await row.click()
    const panel = agent.locator('[data-testid="contact-panel"]')
    await panel.waitFor()
    await panel.locator('a[href^="mailto:"]').waitFor()
    expect(await panel.locator('a[href^="mailto:"]').textContent()).toBe('mei@customer.test')
    const answer = panel.locator('[data-testid="contact-attribute"][data-key="order_number"]')
    expect(await answer.locator('dd').textContent()).toBe('A-1001')
    expect(await panel.locator('[data-testid="contact-phone"] dd').textContent()).not.toMatch(/\d/)
    expect(await openConversations()).toHaveLength(1)
    await agent.screenshot({ path: artifact('prechat-inbox-contact.png') })

    await context.close()
  })

  test('a Chinese browser gets the form and its messages in Chinese', async () => {
    const { context, site, widget, posts } = await visitor('zh-CN')
    expect(await widget.locator('#prechat-title').textContent()).toBe(
      '开始对话前，请留下您的信息。',
    )
    expect(await widget.locator('label[for="prechat-email"]').textContent()).toContain('您的邮箱')
    expect(await widget.locator('label[for="prechat-order_number"]').textContent()).toContain(
      '订单号',
    )
    expect(await widget.locator('[data-testid="prechat-submit"]').textContent()).toBe('开始对话')

    const before = posts.length
    await widget.locator('[data-testid="prechat-submit"]').click()
    await errorOf(widget, 'email').waitFor()
    expect(await errorOf(widget, 'email').textContent()).toBe('请填写此项')
    expect(await errorOf(widget, 'order_number').textContent()).toBe('请填写此项')
    await field(widget, 'email').fill('不是邮箱')
    await widget.locator('[data-testid="prechat-submit"]').click()
    await expect.poll(() => errorOf(widget, 'email').textContent()).toBe('请输入有效的邮箱地址')
    expect(posts.slice(before)).toEqual([])
    await site.locator('#kefu-frame').screenshot({ path: artifact('prechat-widget-zh-CN.png') })
    await context.close()
  })
})
