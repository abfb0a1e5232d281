import { launchBrowser, startKefuProcess } from '../src/harness.js'

/** Milliseconds from clicking the launcher on the demo site to a usable composer. */
export async function loadWidget(): Promise<number> {
  const kefu = await startKefuProcess({ LOG_LEVEL: 'error' })
  const browser = await launchBrowser()
  try {
    const page = await browser.newPage()
    await page.goto(`http://localhost:${kefu.port}/demo`)
    await page.locator('#kefu-launcher').waitFor()
    const t0 = performance.now()
    await page.click('#kefu-launcher')
    await page.frameLocator('#kefu-frame').locator('[data-testid="composer"]').waitFor()
    return performance.now() - t0
  } finally {
    await browser.close()
    await kefu.stop()
  }
}
