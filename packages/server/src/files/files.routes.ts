import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { canSeeInbox } from '../agents/access.js'
import { requireAgent } from '../agents/auth.routes.js'
import { authenticateVisitor } from '../channels/widget/widget.routes.js'
import { parseSettings } from '../inboxes/inboxes.usecases.js'
import type { Services } from '../services.js'
import { AppError, notFound } from '../shared/errors.js'
import type { AppEnv } from '../shared/http.js'
import { RateLimiter } from '../shared/rate-limit.js'
import { serveFile, setSafeFileHeaders } from './files.serve.js'
import { fileLimits, HARD_MAX_BYTES } from './files.settings.js'
import type { FileOwner } from './files.usecases.js'

/** Room for the multipart framing around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024

/** Upload routes take larger bodies than the API's usual limit; they set their own. */
export function isUploadRequest(method: string, path: string): boolean {
  return (
    method === 'POST' &&
    /^\/api\/(?:widget\/attachments|conversations\/[^/]+\/attachments)$/.test(path)
  )
}

async function readUpload(c: Context): Promise<{ filename: string; bytes: Uint8Array }> {
  let form: Record<string, string | File | (string | File)[]>
  try {
    form = await c.req.parseBody()
  } catch {
    throw new AppError('request.invalid', 'Send the file as multipart/form-data.')
  }
  const file = form.file
  if (!(file instanceof File)) {
    throw new AppError('request.invalid', 'file: one file is required.')
  }
  return { filename: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
}

const tooLarge = (maxBytes: number) =>
  new AppError(
    'file.too_large',
    `Files are limited to ${Math.floor(maxBytes / 1024 / 1024) || 1} MB here.`,
    { maxBytes },
  )

/**
 * Above the hard cap nothing is read, whoever sends it, before the sender is even known. A body
 * without a Content-Length is bounded while it is read, by the inbox's own limit (readWithin).
 */
const hardLimit: MiddlewareHandler = async (c, next) => {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (declared > HARD_MAX_BYTES + MULTIPART_OVERHEAD) throw tooLarge(HARD_MAX_BYTES)
  await next()
}

/**
 * Reads an upload within the inbox's own limit: a Content-Length above it is refused before a
 * byte is read, and a body without one stops being read once it passes the limit.
 */
async function readWithin(c: Context, maxBytes: number) {
  let upload: { filename: string; bytes: Uint8Array } | undefined
  await bodyLimit({
    maxSize: Math.min(maxBytes, HARD_MAX_BYTES) + MULTIPART_OVERHEAD,
    onError: () => {
      throw tooLarge(maxBytes)
    },
  })(c, async () => {
    upload = await readUpload(c)
  })
  if (!upload) throw new AppError('request.invalid', 'file: one file is required.')
  return upload
}

/** POST /api/widget/attachments and POST /api/conversations/:id/attachments. */
export function filesRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  // Each upload is stored bytes; a visitor sends a handful of files in a conversation, not
  // hundreds, and an agent a few more (screenshots, invoices) but not a bulk transfer either.
  const visitorUploads = new RateLimiter(30, 10 * 60_000)
  const agentUploads = new RateLimiter(120, 10 * 60_000)

  /** The one way an upload is taken in, once the sender and its inbox are known. */
  async function receive(
    c: Context,
    input: {
      accountId: string
      inboxId: string
      owner: FileOwner
      conversationId: string | null
      settings: string
    },
  ) {
    const limits = fileLimits(parseSettings(input.settings).files)
    const { filename, bytes } = await readWithin(c, limits.maxBytes)
    const upload = await s.files.upload({ ...input, filename, bytes, limits })
    return c.json(upload, 201)
  }

  app.post('/widget/attachments', hardLimit, async (c) => {
    const visitor = await authenticateVisitor(s, c)
    if (!visitorUploads.take(visitor.id)) {
      throw new AppError('visitor.rate_limited', 'Too many files; try again later.')
    }
    const inbox = await s.inboxes.findInAccount(visitor.accountId, visitor.inboxId)
    if (!inbox) throw notFound('inbox')
    return receive(c, {
      accountId: visitor.accountId,
      inboxId: visitor.inboxId,
      owner: { type: 'visitor', id: visitor.id },
      conversationId: null,
      settings: inbox.settings,
    })
  })

  app.post('/conversations/:id/attachments', hardLimit, requireAgent(s), async (c) => {
    const principal = c.get('principal')
    const conversation = await s.conversations.repo.findConversation(
      principal.accountId,
      c.req.param('id'),
    )
    if (!conversation || !canSeeInbox(c.get('scope'), conversation.inbox_id)) {
      throw notFound('conversation')
    }
    if (!agentUploads.take(principal.id)) {
      throw new AppError('upload.rate_limited', 'Too many files; try again later.')
    }
    const inbox = await s.inboxes.findInAccount(principal.accountId, conversation.inbox_id)
    if (!inbox) throw notFound('conversation')
    return receive(c, {
      accountId: principal.accountId,
      inboxId: conversation.inbox_id,
      owner: { type: 'agent', id: principal.id },
      conversationId: conversation.id,
      settings: inbox.settings,
    })
  })

  return app
}

const fileQuery = z.object({ exp: z.string().max(16), sig: z.string().max(64) })

/** GET /files/:id?exp=&sig= — outside /api so the browser may cache it privately. */
export function fileServingRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  app.get('/files/:id', async (c) => {
    // Whatever happens, nothing here is rendered as a page or sniffed into one.
    setSafeFileHeaders(c)
    const query = fileQuery.safeParse(c.req.query())
    if (!query.success) throw notFound('file')
    const file = await s.files.open({ id: c.req.param('id'), ...query.data })
    const maxAge = Math.max(0, Math.min(3600, Math.floor((file.expiresAt - s.clock.now()) / 1000)))
    return serveFile(c, { ...file, cacheControl: `private, max-age=${maxAge}` })
  })
  return app
}
