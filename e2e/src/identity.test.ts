import { createHmac } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ADMIN, type KefuProcess, launchBrowser, startKefuProcess } from './harness.js'

// Identity verification in real browsers: a signed user id shows that user's history in a fresh
// browser profile; a tampered hash and a merely typed email show nothing.

let kefu: KefuProcess
let browser: Browser
let secret: string

beforeAll(async () => {
  kefu = await startKefuProcess()
  browser = await launchBrowser()
  const login = await fetch(`${kefu.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: kefu.url },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
  })
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const inboxes = (await (
    await fetch(`${kefu.url}/api/inboxes`, { headers: { cookie } })
  ).json()) as {
    inboxes: { id: string }[]
  }
  const identity = await fetch(`${kefu.url}/api/inboxes/${inboxes.inboxes[0]!.id}/identity`, {
    headers: { cookie },
  })
  secret = ((await identity.json()) as { secret: string }).secret
})
afterAll(async () => {
  await browser?.close()
  await kefu?.stop()
})

/** A fresh browser profile on the customer's site, identified the way the site's code would. */
async function visit(identity: Record<string, string>): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  await page.goto(`http://localhost:${kefu.port}/demo`)
  await page.locator('#kefu-launcher').waitFor()
  await page.evaluate(
    (who) => (window as unknown as { Kefu: { identify(x: unknown): void } }).Kefu.identify(who),
    identity,
  )
  await page.click('#kefu-launcher')
  await page
    .frameLocator('#kefu-frame')
    .locator('[data-testid="connection"][data-state="online"]')
    .waitFor()
  return page
}

const texts = (page: Page) =>
  page.frameLocator('#kefu-frame').locator('[data-testid="message"]').allTextContents()

test('a verified user sees their history on another device; forged or typed identities see nothing', async () => {
  const hash = createHmac('sha256', secret).update('customer-1001').digest('hex')
  const laptop = await visit({ id: 'customer-1001', email: 'mei@customer.test', name: 'Mei', hash })
  const widget = laptop.frameLocator('#kefu-frame')
  await widget.locator('[data-testid="composer"]').fill('Where is order 1001?')
  await widget.locator('[data-testid="send"]').click()
  await widget.locator('[data-testid="message"][data-state="sent"]').waitFor()

  const phone = await visit({ id: 'customer-1001', hash })
  await expect
    .poll(() => texts(phone), { timeout: 15_000 })
    .toEqual([expect.stringContaining('Where is order 1001?')])

  const forged = await visit({
    id: 'customer-1001',
    hash: hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
  })
  const typed = await visit({ id: 'customer-1001', email: 'mei@customer.test' })
  await new Promise((r) => setTimeout(r, 1500))
  expect(await texts(forged)).toEqual([])
  expect(await texts(typed)).toEqual([])
  for (const page of [laptop, phone, forged, typed]) await page.context().close()
})
