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

// Nobody can answer: the agent is signed in but set themselves offline, and the admin chose the
// offline form on the website inbox's settings screen. The visitor sees the team's name and
// when it replies, leaves an email and a message (an empty email is refused in their language),
// is thanked with the address, and keeps the chat; the conversation reaches the agent's inbox
// with the visitor's email on the contact.

describe('offline form', () => {
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
      viewport: { width: 1360, height: 1000 },
      locale: 'en-US',
    })
    agent = await agentContext.newPage()
    await signInAgent(agent, kefu.url)
  })
  afterAll(async () => {
    await browser?.close()
    await kefu?.stop()
  })

  async function visitor(locale: string, timezoneId = 'UTC') {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 860 },
      locale,
      timezoneId,
    })
    const posts: string[] = []
    context.on('request', (request) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname)
    })
    const site = await context.newPage()
    await site.goto(`http://localhost:${kefu.port}/demo`)
    await site.click('#kefu-launcher')
    const widget = site.frameLocator('#kefu-frame')
    await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
    return { context, site, widget, posts }
  }

  const errorOf = (widget: FrameLocator, key: string) =>
    widget.locator(`#offline-${key}-error[data-testid="offline-error"]`)

  test('the agent goes offline and the admin picks the offline form in the inbox settings', async () => {
    await agent.locator('[data-testid="availability"]').selectOption('offline')
    await expect
      .poll(async () => {
        const me = (await (await api('/api/auth/me')).json()) as {
          agent: { availability: string }
        }
        return me.agent.availability
      })
      .toBe('offline')

    await agent.click('[data-testid="settings-open"]')
    await agent.click('[data-testid="settings-inbox"][data-kind="widget"]')
    const panel = agent.locator('[data-testid="hours"]')
    await panel.locator('[data-testid="hours-save"]').waitFor()
    await panel.locator('[data-testid="hours-team-name"]').fill('Acme Care')
    await panel.locator('[data-testid="hours-reply-time"]').selectOption('hours')
    await panel.locator('[data-testid="hours-when-unavailable"]').selectOption('offline-form')
    await panel.locator('[data-testid="hours-enabled"]').check()
    const monday = panel.locator('[data-testid="hours-day"][data-day="mon"]')
    await monday.locator('[data-testid="hours-add"]').click()
    await panel.locator('[data-testid="hours-copy-monday"]').click()
    await panel.locator('[data-testid="hours-add-holiday"]').click()
    await panel.locator('[data-testid="hours-holiday"] input[type="date"]').fill('2026-10-01')
    // Business hours stay off for this test: only agents' availability decides.
    await panel.locator('[data-testid="hours-enabled"]').uncheck()
    await panel.scrollIntoViewIfNeeded()
    await panel.screenshot({ path: artifact('offline-hours-settings.png') })
    await panel.locator('[data-testid="hours-save"]').click()
    await expect
      .poll(() => panel.locator('[data-testid="hours-saved"]').textContent())
      .toBe('Saved.')

    const inboxes = (await (await api('/api/inboxes')).json()) as {
      inboxes: { id: string; kind: string }[]
    }
    const id = inboxes.inboxes.find((i) => i.kind === 'widget')?.id
    const stored = (await (await api(`/api/inboxes/${id}/hours`)).json()) as {
      hours: Record<string, unknown>
    }
    expect(stored.hours).toMatchObject({
      teamName: 'Acme Care',
      enabled: false,
      whenUnavailable: 'offline-form',
      replyTime: 'hours',
      weekly: {
        mon: [{ from: '09:00', to: '17:00' }],
        fri: [{ from: '09:00', to: '17:00' }],
      },
      holidays: [{ date: '2026-10-01' }],
    })
    await agent.click('[data-testid="settings-close"]')
  })

  test('a visitor leaves an email and a message; the agent gets the conversation', async () => {
    const { context, site, widget, posts } = await visitor('en-US')
    const form = widget.locator('[data-testid="offline-form"]')
    await form.waitFor()
    expect(await widget.locator('h1').textContent()).toBe('Acme Care')
    expect(await widget.locator('[data-testid="status-line"]').textContent()).toBe(
      'We’re away — we reply in a few hours',
    )
    expect(await widget.locator('[data-testid="composer"]').count()).toBe(0)
    await site.locator('#kefu-frame').screenshot({ path: artifact('offline-widget-en.png') })

    // An empty email is refused in the widget, and nothing is sent.
    const before = posts.length
    await widget.locator('[data-testid="offline-text"]').fill('Do you ship to Shanghai?')
    await widget.locator('[data-testid="offline-submit"]').click()
    await errorOf(widget, 'email').waitFor()
    expect(await errorOf(widget, 'email').textContent()).toBe('Please fill in this field')
    expect(
      await widget
        .locator('[data-testid="offline-email"]')
        .evaluate((el) => el === document.activeElement),
    ).toBe(true)
    expect(posts.slice(before)).toEqual([])
    await site.locator('#kefu-frame').screenshot({ path: artifact('offline-widget-en-error.png') })

    await widget.locator('[data-testid="offline-email"]').fill('mia@customer.test')
    await widget.locator('[data-testid="offline-name"]').fill('Mia')
    await widget.locator('[data-testid="offline-submit"]').click()
    const thanks = widget.locator('[data-testid="offline-thanks"]')
    await thanks.waitFor()
    expect(await thanks.textContent()).toBe('Thanks — we’ll reply by email to mia@customer.test')
    expect(posts.slice(before)).toEqual(['/api/widget/offline'])
    // The visitor keeps the chat: the message is shown and the composer is back.
    await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()
    await widget.locator('[data-testid="composer"]').waitFor()
    expect(await widget.locator('[data-testid="offline-form"]').count()).toBe(0)
    await site.locator('#kefu-frame').screenshot({ path: artifact('offline-widget-en-thanks.png') })

    // The agent — signed in, but offline — sees it live in their inbox, with the email.
    await agent.click('[data-testid="view-all"]')
    const row = agent.locator('[data-testid="conversation-item"]').first()
    await row.waitFor()
    expect(await row.textContent()).toContain('Do you ship to Shanghai?')
    await row.click()
    const contact = agent.locator('[data-testid="contact-panel"] a[href^="mailto:"]')
    await contact.waitFor()
    expect(await contact.textContent()).toBe('mia@customer.test')
    await agent.screenshot({ path: artifact('offline-inbox.png') })
    await context.close()
  })

  test('a Chinese visitor out of hours sees when the team is back and a Chinese form', async () => {
    // Open only on the day after tomorrow (UTC) from 09:00: out of hours now.
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][
      new Date(Date.now() + 2 * 86_400_000).getUTCDay()
    ] as string
    const inboxes = (await (await api('/api/inboxes')).json()) as {
      inboxes: { id: string; kind: string }[]
    }
    const id = inboxes.inboxes.find((i) => i.kind === 'widget')?.id
    const put = await api(`/api/inboxes/${id}/hours`, {
      method: 'PUT',
      body: JSON.stringify({
        teamName: 'Acme 客服',
        timezone: 'UTC',
        enabled: true,
        weekly: { [day]: [{ from: '09:00', to: '17:00' }] },
        holidays: [],
        whenUnavailable: 'offline-form',
        replyTime: 'day',
      }),
    })
    expect(put.status).toBe(200)

    const { context, site, widget, posts } = await visitor('zh-CN', 'Asia/Shanghai')
    await widget.locator('[data-testid="offline-form"]').waitFor()
    expect(await widget.locator('h1').textContent()).toBe('Acme 客服')
    // 09:00 UTC is 17:00 in Shanghai, on a named weekday.
    expect(await widget.locator('[data-testid="status-line"]').textContent()).toMatch(
      /^我们暂时不在，周[一二三四五六日] 17:00 回来$/,
    )
    expect(await widget.locator('#offline-title').textContent()).toContain('请留下邮箱和留言')
    const before = posts.length
    await widget.locator('[data-testid="offline-submit"]').click()
    await errorOf(widget, 'email').waitFor()
    expect(await errorOf(widget, 'email').textContent()).toBe('请填写此项')
    expect(await errorOf(widget, 'text').textContent()).toBe('请填写此项')
    await widget.locator('[data-testid="offline-email"]').fill('不是邮箱')
    await widget.locator('[data-testid="offline-submit"]').click()
    await expect.poll(() => errorOf(widget, 'email').textContent()).toBe('请输入有效的邮箱地址')
    expect(posts.slice(before)).toEqual([])
    await site.locator('#kefu-frame').screenshot({ path: artifact('offline-widget-zh-CN.png') })
    await context.close()
  })

  test('an open widget follows the agent going online and offline, live', async () => {
    const inboxes = (await (await api('/api/inboxes')).json()) as {
      inboxes: { id: string; kind: string }[]
    }
    const id = inboxes.inboxes.find((i) => i.kind === 'widget')?.id
    await api(`/api/inboxes/${id}/hours`, {
      method: 'PUT',
      body: JSON.stringify({
        teamName: 'Acme Care',
        timezone: null,
        enabled: false,
        weekly: {},
        holidays: [],
        whenUnavailable: 'offline-form',
        replyTime: 'minutes',
      }),
    })
    for (const [locale, replies] of [
      ['en-US', 'Typically replies in a few minutes'],
      ['zh-CN', '通常几分钟内回复'],
    ] as const) {
      const { context, site, widget } = await visitor(locale)
      await widget.locator('[data-testid="offline-form"]').waitFor()

      // The agent comes online: the open widget shows their face and the composer.
      await agent.locator('[data-testid="availability"]').selectOption('online')
      const face = widget.locator('[data-testid="faces"] .face')
      await face.waitFor()
      expect(await face.textContent()).toBe('A')
      expect(await face.getAttribute('title')).toBe('Ada')
      await widget.locator('[data-testid="composer"]').waitFor()
      expect(await widget.locator('[data-testid="status-line"]').textContent()).toBe(replies)
      expect(await widget.locator('[data-testid="offline-form"]').count()).toBe(0)
      await site
        .locator('#kefu-frame')
        .screenshot({ path: artifact(`offline-header-online-${locale}.png`) })

      // And offline again: the form comes back without a reload.
      await agent.locator('[data-testid="availability"]').selectOption('offline')
      await widget.locator('[data-testid="offline-form"]').waitFor()
      expect(await face.count()).toBe(0)
      await context.close()
    }
  })
})
