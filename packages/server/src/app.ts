import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { authRoutes } from './agents/auth.routes.js'
import { availabilityRoutes } from './availability/availability.routes.js'
import { emailRoutes } from './channels/email/email.routes.js'
import { widgetRoutes } from './channels/widget/widget.routes.js'
import { conversationsRoutes } from './conversations/conversations.routes.js'
import { fileServingRoutes, filesRoutes, isUploadRequest } from './files/files.routes.js'
import { inboxesRoutes } from './inboxes/inboxes.routes.js'
import { parseSettings } from './inboxes/inboxes.usecases.js'
import type { Services } from './services.js'
import { AppError } from './shared/errors.js'
import type { AppEnv } from './shared/http.js'

const here = dirname(fileURLToPath(import.meta.url))
/** The built front ends, found beside the server package in the workspace. */
export const defaultAssets = {
  inbox: join(here, '../../inbox/dist'),
  widget: join(here, '../../widget/dist'),
}

const MAX_BODY = 256 * 1024

export function createApp(s: Services, assets = defaultAssets) {
  const app = new Hono<AppEnv>()

  app.use('*', async (c, next) => {
    const requestId = randomUUID()
    c.set('requestId', requestId)
    const started = performance.now()
    await next()
    c.header('x-request-id', requestId)
    c.header('x-content-type-options', 'nosniff')
    c.header('referrer-policy', 'strict-origin-when-cross-origin')
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/healthz')) {
      c.header('cache-control', 'no-store')
    }
    // Paths only, never query strings: tokens must not reach the log.
    s.logger.debug(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    )
  })

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json(
        { error: { code: err.code, message: err.message, details: err.details } },
        err.status as 400,
      )
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: { code: 'request.invalid', message: err.message } }, err.status)
    }
    const requestId = c.get('requestId')
    s.logger.error({ err, requestId, path: c.req.path }, 'unhandled error')
    return c.json(
      {
        error: { code: 'internal.error', message: `Something went wrong (request ${requestId}).` },
      },
      500,
    )
  })

  app.notFound((c) =>
    c.json(
      {
        error: { code: 'route.not_found', message: `No route for ${c.req.method} ${c.req.path}.` },
      },
      404,
    ),
  )

  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/readyz', async (c) => {
    try {
      await s.db.kysely.selectFrom('accounts').select('id').limit(1).execute()
      return c.json({ ok: true })
    } catch {
      return c.json(
        { error: { code: 'db.unavailable', message: 'The database does not answer.' } },
        503,
      )
    }
  })

  const api = new Hono<AppEnv>()
  const limitBody = bodyLimit({
    maxSize: MAX_BODY,
    onError: () => {
      throw new AppError(
        'request.too_large',
        `Request bodies are limited to ${MAX_BODY / 1024} KiB.`,
      )
    },
  })
  // File uploads set their own, larger limit (files/files.routes.ts).
  api.use('*', (c, next) =>
    isUploadRequest(c.req.method, c.req.path) ? next() : limitBody(c, next),
  )
  api.route('/', authRoutes(s))
  api.route('/', inboxesRoutes(s))
  api.route('/', availabilityRoutes(s))
  api.route('/', conversationsRoutes(s))
  api.route('/', widgetRoutes(s))
  api.route('/', emailRoutes(s))
  api.route('/', filesRoutes(s))
  app.route('/api', api)
  app.route('/', fileServingRoutes(s))

  mountWidget(app, s, assets.widget)
  mountInbox(app, assets.inbox)
  return app
}

function mountWidget(app: Hono<AppEnv>, s: Services, dir: string) {
  app.get('/widget.js', (c) => {
    const file = join(dir, 'loader.js')
    if (!existsSync(file)) return missingBuild(c, 'widget')
    c.header('content-type', 'text/javascript; charset=utf-8')
    c.header('cache-control', 'public, max-age=300')
    // Host pages of any origin load this script.
    c.header('cross-origin-resource-policy', 'cross-origin')
    return c.body(readFileSync(file))
  })

  app.get('/widget/frame', async (c) => {
    const file = join(dir, 'frame.html')
    if (!existsSync(file)) return missingBuild(c, 'widget')
    // Which sites may embed the chat is the inbox's "allowed origins"; the browser enforces it
    // through frame-ancestors. Without a list, any site may (the default for a new inbox).
    const inbox = await s.inboxes.findByPublicToken(c.req.query('inbox') ?? '')
    const allowed = inbox ? (parseSettings(inbox.settings).allowedOrigins ?? []) : []
    const ancestors = allowed.length ? `'self' ${allowed.join(' ')}` : '*'
    c.header('content-type', 'text/html; charset=utf-8')
    c.header('cache-control', 'no-cache')
    c.header(
      'content-security-policy',
      `default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors ${ancestors}`,
    )
    return c.body(readFileSync(file))
  })

  if (existsSync(dir))
    app.use(
      '/widget/assets/*',
      serveStatic({
        root: dir,
        rewriteRequestPath: (p) => p.replace(/^\/widget/, ''),
        onFound: (_path, c) => {
          c.header('cache-control', 'public, max-age=31536000, immutable')
          c.header('cross-origin-resource-policy', 'cross-origin')
        },
      }),
    )

  app.get('/demo', async (c) => {
    const inbox = await s.inboxes.firstWidgetInbox()
    const origin = new URL(s.config.publicUrl).origin
    c.header('content-type', 'text/html; charset=utf-8')
    return c.body(demoPage({ origin, token: inbox?.public_token ?? null }))
  })
}

function mountInbox(app: Hono<AppEnv>, dir: string) {
  const securityHeaders = (c: { header(k: string, v: string): void }) => {
    c.header(
      'content-security-policy',
      // img-src allows remote images because an email's sandboxed srcdoc frame inherits this
      // policy; they load only after the agent asks ("load images").
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob: https: http:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    c.header('x-frame-options', 'DENY')
  }
  if (existsSync(dir))
    app.use(
      '/assets/*',
      serveStatic({
        root: dir,
        onFound: (_path, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
      }),
    )
  // Every other GET that is not an API call is the single-page app.
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return c.notFound()
    const file = join(dir, 'index.html')
    if (!existsSync(file)) return missingBuild(c, 'inbox')
    securityHeaders(c)
    c.header('cache-control', 'no-cache')
    return c.html(readFileSync(file, 'utf8'))
  })
}

function missingBuild(c: { text(t: string, s: 503): Response }, what: string) {
  return c.text(`The ${what} is not built. Run "pnpm build" (or "pnpm start").`, 503)
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** A stand-in for a customer's website, embedding the widget exactly as they would. */
export function demoPage(input: { origin: string; token: string | null }): string {
  const snippet = input.token
    ? `<script src="${escapeHtml(input.origin)}/widget.js" data-inbox="${escapeHtml(input.token)}" async></script>`
    : '<p><strong>No website inbox yet.</strong> Finish set-up in the inbox first.</p>'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Tea — Kefu demo site</title>
<style>
  body { font: 16px/1.6 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1d2433; background: #fbfaf7; }
  header { background: #23395d; color: #fff; padding: 18px 32px; font-weight: 600; font-size: 20px; }
  main { max-width: 760px; margin: 40px auto; padding: 0 24px; }
  .card { background: #fff; border: 1px solid #e6e2d8; border-radius: 10px; padding: 20px 24px; margin: 16px 0; }
  code { background: #f1efe9; padding: 2px 6px; border-radius: 4px; font-size: 13px; word-break: break-all; }
</style>
</head>
<body>
<header>Acme Tea 阿克米茶铺</header>
<main>
  <h1>Fine tea, shipped fresh</h1>
  <p>This page stands in for your own website. The chat bubble in the corner is the Kefu widget,
  added with one tag. Open it and say hello — the message appears live in the Kefu inbox.</p>
  <div class="card"><p>Embed code used on this page:</p><code>${escapeHtml(snippet)}</code></div>
</main>
${snippet}
</body>
</html>`
}
