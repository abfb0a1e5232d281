import { deflateSync } from 'node:zlib'
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  artifact,
  type KefuProcess,
  launchBrowser,
  openDemoWidget,
  signInAgent,
  startKefuProcess,
} from './harness.js'

// Files both ways, end to end: a visitor on the demo website (another origin) sends a picture,
// which shows as a preview in the widget and in the inbox; the agent sends a picture back; a
// disguised file and a program are refused with the reason shown in the visitor's language.

/** A real PNG: a colour gradient, width × height, so previews are visible in screenshots. */
function png(width: number, height: number, rgb: (x: number, y: number) => number[]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff
    for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), body.length + 4)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(rgb(x, y), y * (width * 3 + 1) + 1 + x * 3)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** The picture has loaded from Kefu (not from the visitor's local copy) and has pixels. */
async function loadedFromServer(image: Locator): Promise<void> {
  await image.waitFor()
  await expect
    .poll(
      () =>
        image.evaluate(
          (img: HTMLImageElement) =>
            new URL(img.src).pathname.startsWith('/files/') && img.complete && img.naturalWidth > 0,
        ),
      { timeout: 15_000 },
    )
    .toBe(true)
}

describe('files and pictures in chat', () => {
  let kefu: KefuProcess
  let browser: Browser
  let agent: Page
  let site: Page
  let widget: FrameLocator

  beforeAll(async () => {
    kefu = await startKefuProcess()
    browser = await launchBrowser()
    const agentContext = await browser.newContext({
      viewport: { width: 1360, height: 860 },
      locale: 'en-US',
    })
    agent = await agentContext.newPage()
    await signInAgent(agent, kefu.url)
    await agent.click('[data-testid="view-all"]')
    // A Chinese browser: the widget speaks Chinese, refusals included.
    const visitorContext = await browser.newContext({
      viewport: { width: 1200, height: 820 },
      locale: 'zh-CN',
    })
    site = await visitorContext.newPage()
    widget = await openDemoWidget(site, kefu.port)
  })
  afterAll(async () => {
    await browser?.close()
    await kefu?.stop()
  })

  test('a picture from the visitor shows as a preview in the widget and in the inbox', async () => {
    const attach = widget.locator('[data-testid="attach"]')
    expect(await attach.getAttribute('aria-label')).toBe('添加文件')
    await widget.locator('[data-testid="file-input"]').setInputFiles({
      name: '收据 receipt.png',
      mimeType: 'image/png',
      buffer: png(160, 100, (x, y) => [40 + x, 120 + (y >> 1), 200 - (x >> 1)]),
    })
    const sent = widget.locator(
      '[data-testid="message"][data-direction="incoming"][data-state="sent"]',
    )
    await loadedFromServer(sent.locator('[data-testid="file-image"] img'))
    // No text bubble: the message is the file alone.
    expect(await sent.locator('.bubble').count()).toBe(0)

    const row = agent.locator('[data-testid="conversation-item"]').first()
    await row.waitFor()
    await expect.poll(() => row.textContent()).toContain('收据 receipt.png')
    await row.click()
    const incoming = agent.locator('[data-testid="message"][data-direction="incoming"]')
    await loadedFromServer(incoming.locator('[data-testid="message-file-image"] img'))
    const link = incoming.locator('[data-testid="message-file-image"]')
    expect(await link.getAttribute('target')).toBe('_blank')

    // Full size opens the file itself: served inline as a PNG, never sniffed into anything else.
    const href = (await link.getAttribute('href')) ?? ''
    const res = await fetch(new URL(href, kefu.url))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-disposition')).toMatch(/^inline; /)
  })

  test('the agent sends a picture back and the visitor sees it', async () => {
    await agent.locator('[data-testid="composer-file-input"]').setInputFiles([
      {
        name: 'map.png',
        mimeType: 'image/png',
        buffer: png(180, 120, (x, y) => [230 - y, 160 + (x >> 2), 60 + (y >> 1)]),
      },
      {
        name: '价目表 prices.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from(
          '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n',
        ),
      },
    ])
    await expect.poll(() => agent.locator('[data-testid="composer-file"]').count()).toBe(2)
    await agent.locator('form.composer').screenshot({ path: artifact('files-inbox-composer.png') })
    await agent.fill('[data-testid="reply-input"]', 'Here is how to find our shop.')
    await agent.click('[data-testid="reply-send"]')
    await agent.locator('[data-testid="composer-file"]').waitFor({ state: 'detached' })

    const reply = widget.locator('[data-testid="message"][data-direction="outgoing"]')
    await reply.first().waitFor()
    expect(await reply.first().textContent()).toContain('Here is how to find our shop.')
    await loadedFromServer(reply.first().locator('[data-testid="file-image"] img'))
    const link = reply.first().locator('[data-testid="file-link"]')
    expect(await link.textContent()).toMatch(/^价目表 prices\.pdf · \d+ B$/)
    expect(await link.getAttribute('download')).toBe('价目表 prices.pdf')
    const outgoing = agent.locator('[data-testid="message"][data-direction="outgoing"]')
    await loadedFromServer(outgoing.locator('[data-testid="message-file-image"] img'))
    await site.screenshot({ path: artifact('files-widget.png') })
    await agent.screenshot({ path: artifact('files-inbox.png') })
  })

  test('a disguised file and a program are refused, with the reason in Chinese', async () => {
    const before = await widget.locator('[data-testid="message"]').count()
    await widget.locator('[data-testid="file-input"]').setInputFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'),
    })
    const error = widget.locator('[data-testid="file-error"]')
    await error.waitFor()
    expect(await error.textContent()).toBe('文件内容与文件名不符，未发送。')
    await site.screenshot({ path: artifact('files-widget-refused.png') })

    const program = Buffer.alloc(512)
    program.write('MZ', 0, 'latin1')
    program.writeUInt32LE(0x80, 0x3c)
    program.write('PE\0\0', 0x80, 'latin1')
    await widget.locator('[data-testid="file-input"]').setInputFiles({
      name: 'setup.exe',
      mimeType: 'application/octet-stream',
      buffer: program,
    })
    await expect.poll(() => error.textContent()).toBe('不支持发送此类型的文件。')
    // Nothing was sent: the timeline is as it was.
    expect(await widget.locator('[data-testid="message"]').count()).toBe(before)
  })

  test('an admin limits files on the inbox settings screen, and the widget follows', async () => {
    await agent.click('[data-testid="settings-open"]')
    await agent.click('[data-testid="settings-inbox"][data-kind="widget"]')
    const form = agent.locator('[data-testid="file-settings"]')
    await form.waitFor()
    expect(await agent.locator('[data-testid="file-max-mb"]').inputValue()).toBe('10')
    await agent.fill('[data-testid="file-max-mb"]', '1')
    await agent.uncheck('[data-testid="file-kind-zip"]')
    await form.scrollIntoViewIfNeeded()
    await agent.screenshot({ path: artifact('files-settings.png') })
    await agent.click('[data-testid="widget-settings-save"]')
    await agent.locator('[data-testid="widget-settings-saved"]').waitFor()

    const config = await fetch(`${kefu.url}/api/widget/config?inbox=${await inboxToken()}`)
    const { inbox } = (await config.json()) as {
      inbox: { files: { maxBytes: number; allowedTypes: string[] } }
    }
    expect(inbox.files).toEqual({
      maxBytes: 1024 * 1024,
      allowedTypes: ['image', 'pdf', 'office', 'text'],
    })

    // The open widget still knows the old limit; the server refuses and tells it the new one.
    await widget.locator('[data-testid="file-input"]').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(2 * 1024 * 1024, 'a'),
    })
    await expect
      .poll(() => widget.locator('[data-testid="file-error"]').textContent())
      .toBe('文件太大。上限：1 MB')
  })

  /** The website inbox's public token, as the demo page embeds it. */
  async function inboxToken(): Promise<string> {
    const page = await (await fetch(`${kefu.url}/demo`)).text()
    return /data-inbox="([^"]+)"/.exec(page)?.[1] ?? ''
  }
})
