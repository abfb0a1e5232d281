import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type FrameLocator, type Page } from 'playwright-core'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
/** The built `kefu` command; KEFU_E2E_CLI runs the tests against another build of it. */
export const CLI = process.env.KEFU_E2E_CLI ?? join(root, 'packages/server/dist/cli.js')
export const ARTIFACTS = join(root, '.e2e-artifacts')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ADMIN = { email: 'ada@acme.test', password: 'e2e password 123', name: 'Ada' }

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface KefuProcess {
  port: number
  /** The origin agents use (PUBLIC_URL). */
  url: string
  dataDir: string
  child: ChildProcess
  output: () => string
  stop(): Promise<void>
}

/** Starts the built server as a user would (`kefu start`) on a fresh SQLite file. */
export async function startKefuProcess(
  env: Record<string, string> = {},
  options: { createAdmin?: boolean } = {},
): Promise<KefuProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "pnpm build" first`)
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-e2e-'))
  const url = `http://127.0.0.1:${port}`
  const childEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    ...env,
  }
  let output = ''
  if (options.createAdmin !== false) {
    const admin = spawn(
      process.execPath,
      [CLI, 'create-admin', '--email', ADMIN.email, '--name', ADMIN.name, '--password-stdin'],
      { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] },
    )
    admin.stdout.on('data', (d) => (output += d))
    admin.stderr.on('data', (d) => (output += d))
    admin.stdin.end(`${ADMIN.password}\n`)
    const code = await new Promise<number | null>((resolve) => admin.on('exit', resolve))
    if (code !== 0) throw new Error(`create-admin failed: ${output}`)
  }

  const child = spawn(process.execPath, [CLI, 'start'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`kefu did not start:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    port,
    url,
    dataDir,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A TCP relay in front of Kefu whose connections can be cut and restored, so a test can drop one
 * client's network (HTTP and WebSocket alike) while everyone else stays connected.
 */
export class CuttableProxy {
  private server: Server
  private sockets = new Set<Socket>()
  private down = false
  port = 0

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => {
      if (this.down) return client.destroy()
      const upstream = connect(this.upstreamPort, '127.0.0.1')
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream)
      upstream.pipe(client)
    })
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    return `http://127.0.0.1:${this.port}`
  }

  cut(): void {
    this.down = true
    for (const s of this.sockets) s.destroy()
  }

  restore(): void {
    this.down = false
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise((r) => this.server.close(r))
  }
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return join(ARTIFACTS, name)
}

/** Signs the admin in to the inbox at `url` and waits until its live connection is up. */
export async function signInAgent(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.fill('[data-testid="login-email"]', ADMIN.email)
  await page.fill('[data-testid="login-password"]', ADMIN.password)
  await page.click('[data-testid="login-submit"]')
  await page.locator('[data-testid="connection"][data-state="online"]').waitFor()
}

/** Opens the chat on the demo website and waits until the widget is connected. */
export async function openDemoWidget(page: Page, port: number): Promise<FrameLocator> {
  await page.goto(`http://localhost:${port}/demo`)
  await page.click('#kefu-launcher')
  const widget = page.frameLocator('#kefu-frame')
  await widget.locator('[data-testid="connection"][data-state="online"]').waitFor()
  return widget
}

export type AdminFetch = (path: string, init?: RequestInit) => Promise<Response>

/**
 * Signs the admin in over HTTP for checks and set-up a screen is not needed for; the returned
 * fetch carries the session cookie and the inbox's Origin, as the browser would.
 */
export async function adminApi(url: string): Promise<AdminFetch> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
  })
  if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`)
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? ''
  return (path, init = {}) => {
    const headers = new Headers(init.headers)
    headers.set('cookie', cookie)
    headers.set('origin', url)
    if (typeof init.body === 'string') headers.set('content-type', 'application/json')
    return fetch(`${url}${path}`, { ...init, headers })
  }
}

/** The widget inbox's public token (the `data-inbox` of the embed snippet). */
export async function widgetToken(api: AdminFetch): Promise<string> {
  const res = await api('/api/inboxes')
  const { inboxes } = (await res.json()) as {
    inboxes: { kind: string; publicToken: string | null }[]
  }
  const token = inboxes.find((i) => i.kind === 'widget')?.publicToken
  if (!token) throw new Error('no website inbox')
  return token
}

/** A customer's website: a real HTTP server on loopback with one page embedding the widget. */
export interface HostSite {
  /** The page's address. */
  url: string
  close(): Promise<void>
}

/**
 * Serves a page that loads the widget from `kefuOrigin` with the embed snippet; `head` and `body`
 * are the page's own markup (its styles, its content), put in as they are. A real server rather
 * than a routed response: Chromium lets only pages served from loopback load scripts from loopback.
 */
export async function serveHostSite(input: {
  kefuOrigin: string
  token: string
  head?: string
  body?: string
  /** false: the page leaves the snippet out, for the test to add it later (as a tag manager). */
  embed?: boolean
}): Promise<HostSite> {
  const snippet = `<script src="${input.kefuOrigin}/widget.js" data-inbox="${input.token}" async></script>`
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title>
${input.head ?? ''}
</head>
<body>
${input.body ?? '<h1>Shop</h1>'}
${input.embed === false ? '' : snippet}
</body>
</html>`
  const server = createHttpServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
