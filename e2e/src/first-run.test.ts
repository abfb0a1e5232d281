import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { artifact, type KefuProcess, launchBrowser, startKefuProcess } from './harness.js'

// The README promises: start Kefu, open the one-time link it prints, create the first admin.

let kefu: KefuProcess
let browser: Browser
beforeAll(async () => {
  kefu = await startKefuProcess({}, { createAdmin: false })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await kefu?.stop()
})

test('a new installation prints a one-time set-up link that creates the first admin', async () => {
  const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(kefu.output())?.[1]
  expect(link, kefu.output()).toBeDefined()
  const page = await browser.newPage({ locale: 'zh-CN' })
  await page.goto(link!.replace('localhost', '127.0.0.1'))
  await page.fill('[data-testid="setup-account"]', '阿克米茶铺')
  await page.fill('[data-testid="setup-name"]', '王芳')
  await page.fill('[data-testid="setup-email"]', 'wang@acme.test')
  await page.fill('[data-testid="setup-password"]', 'a long enough password')
  await page.screenshot({ path: artifact('setup-zh.png') })
  await page.click('[data-testid="setup-submit"]')
  await page.locator('[data-testid="connection"][data-state="online"]').waitFor()
  expect(await page.textContent('body')).toContain('王芳')

  // The link works once: a second visit cannot create another admin.
  const again = await fetch(`${kefu.url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: kefu.url },
    body: JSON.stringify({
      token: new URL(link!).searchParams.get('token'),
      accountName: 'x',
      name: 'x',
      email: 'x@acme.test',
      password: 'a long enough password',
    }),
  })
  expect(again.status).toBe(403)
  await page.close()
})
