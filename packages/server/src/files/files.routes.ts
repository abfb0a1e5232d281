import { type Context, Hono } from 'hono'
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
import { fileLimits, HARD_MAX_BYTES } from './files.settings.js'
import { contentDisposition, INLINE_IMAGE_TYPES, sniffFile } from './files.sniff.js'

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

const uploadLimit = bodyLimit({
  maxSize: HARD_MAX_BYTES + MULTIPART_OVERHEAD,
  onError: () => {
    throw new AppError('file.too_large', `Files are limited to ${HARD_MAX_BYTES / 1024 / 1024} MB.`)
  },
})

/** POST /api/widget/attachments and POST /api/conversations/:id/attachments. */
export function filesRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  // Each upload is stored bytes; a visitor sends a handful of files in a conversation, not hundreds.
  const visitorUploads = new RateLimiter(30, 10 * 60_000)

  app.post('/widget/attachments', uploadLimit, async (c) => {
    const visitor = await authenticateVisitor(s, c)
    if (!visitorUploads.take(visitor.id)) {
      throw new AppError('visitor.rate_limited', 'Too many files; try again later.')
    }
    const inbox = await s.inboxes.findInAccount(visitor.accountId, visitor.inboxId)
    if (!inbox) throw notFound('inbox')
    const { filename, bytes } = await readUpload(c)
    const upload = await s.files.upload({
      accountId: visitor.accountId,
      inboxId: visitor.inboxId,
      owner: { type: 'visitor', id: visitor.id },
      conversationId: null,
      filename,
      bytes,
      limits: fileLimits(parseSettings(inbox.settings).files),
    })
    return c.json(upload, 201)
  })

  app.post('/conversations/:id/attachments', uploadLimit, requireAgent(s), async (c) => {
    const principal = c.get('principal')
    const conversation = await s.conversations.repo.findConversation(
      principal.accountId,
      c.req.param('id'),
    )
    if (!conversation || !canSeeInbox(c.get('scope'), conversation.inbox_id)) {
      throw notFound('conversation')
    }
    const inbox = await s.inboxes.findInAccount(principal.accountId, conversation.inbox_id)
    if (!inbox) throw notFound('conversation')
    const { filename, bytes } = await readUpload(c)
    const upload = await s.files.upload({
      accountId: principal.accountId,
      inboxId: conversation.inbox_id,
      owner: { type: 'agent', id: principal.id },
      conversationId: conversation.id,
      filename,
      bytes,
      limits: fileLimits(parseSettings(inbox.settings).files),
    })
    return c.json(upload, 201)
  })

  return app
}

const fileQuery = z.object({ exp: z.string().max(16), sig: z.string().max(64) })

/** GET /files/:id?exp=&sig= — outside /api so the browser may cache it privately. */
export function fileServingRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  app.get('/files/:id', async (c) => {
    // Whatever happens, nothing here is rendered as a page or sniffed into one.
    c.header('x-content-type-options', 'nosniff')
    c.header('content-security-policy', "default-src 'none'; sandbox")
    const query = fileQuery.safeParse(c.req.query())
    if (!query.success) throw notFound('file')
    const file = await s.files.open({ id: c.req.param('id'), ...query.data })
    // Inline only for raster images whose bytes say so (an email's claimed type is not trusted).
    const sniffed = INLINE_IMAGE_TYPES.has(file.contentType.toLowerCase())
      ? await sniffFile(file.bytes.subarray(0, 4100), file.filename)
      : null
    const inline = sniffed !== null && INLINE_IMAGE_TYPES.has(sniffed.mime)
    c.header('content-type', inline && sniffed ? sniffed.mime : 'application/octet-stream')
    c.header(
      'content-disposition',
      contentDisposition(inline ? 'inline' : 'attachment', file.filename),
    )
    const maxAge = Math.max(0, Math.min(3600, Math.floor((file.expiresAt - s.clock.now()) / 1000)))
    c.header('cache-control', `private, max-age=${maxAge}`)
    c.header('cross-origin-resource-policy', 'same-origin')
    return c.body(new Uint8Array(file.bytes))
  })
  return app
}
