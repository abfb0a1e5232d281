import type { Locale, PreChatField, WidgetConfig, WidgetSession } from '@kefu/protocol'
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { allowedOrigins } from '../../agents/auth.routes.js'
import { toConversationDTO, toMessageDTO } from '../../conversations/conversations.dto.js'
import { sinceQuery } from '../../conversations/conversations.routes.js'
import { requireContent } from '../../files/files.content.js'
import { fileLimits } from '../../files/files.settings.js'
import { parseSettings } from '../../inboxes/inboxes.usecases.js'
import { MAX_RATING_COMMENT } from '../../ratings/ratings.usecases.js'
import type { Services } from '../../services.js'
import { AppError } from '../../shared/errors.js'
import { clientIp } from '../../shared/http.js'
import { RateLimiter } from '../../shared/rate-limit.js'
import { parse, readJson } from '../../shared/validation.js'
import type { Visitor } from './visitors.usecases.js'
import { conversationIdField, readReceiptBody, visitorMessageBody } from './widget.schemas.js'

const inboxToken = z.string().min(8).max(64)

/** Reads the visitor's bearer token; any failure is the same 401, so tokens cannot be probed. */
export async function authenticateVisitor(s: Services, c: Context): Promise<Visitor> {
  const header = c.req.header('authorization') ?? ''
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
  if (token) {
    try {
      return await s.visitors.authenticate(token)
    } catch {
      // fall through to the uniform answer
    }
  }
  throw new AppError('visitor.unauthenticated', 'Start a widget session first.')
}

/** The visitor's latest conversation: the first of their list (see visitorConversations). */
async function latestOf(s: Services, visitor: Visitor) {
  const id = await s.visitorConversations.latest(visitor)
  return id ? s.conversations.repo.findConversation(visitor.accountId, id) : undefined
}

/** One of the visitor's conversations with its messages: the chosen one, else the latest. */
export async function visitorConversation(s: Services, visitor: Visitor, conversationId?: string) {
  const row = conversationId
    ? await s.conversations.repo.findConversation(
        visitor.accountId,
        await s.visitorConversations.requireOwn(visitor, conversationId),
      )
    : await latestOf(s, visitor)
  if (!row) return { conversation: null, messages: [], teamReadSeq: 0 }
  const all = await s.conversations.repo.listMessages(visitor.accountId, row.id, {
    includeInternal: false,
  })
  // What arrived by email is shown to an identity-verified user only (visitor-conversations.ts).
  const hidden = (await s.visitors.isVerified(visitor))
    ? new Set<string>()
    : await s.visitorConversations.emailed(all.map((m) => m.id))
  const messages = all.filter((m) => !hidden.has(m.id))
  const conversation = toConversationDTO(row)
  // The conversation's preview is its last message: when that one is hidden, the visitor's is
  // the one their list shows.
  const lastOfAll = all
    .filter((m) => m.direction === 'incoming' || m.direction === 'outgoing')
    .at(-1)
  if (lastOfAll && hidden.has(lastOfAll.id)) {
    conversation.lastMessage =
      (await s.visitorConversations.list(visitor)).find((c) => c.id === row.id)?.lastMessage ?? null
  }
  const { teamReadSeq } = await s.receipts.find(visitor.accountId, row.id)
  return {
    conversation,
    messages: await s.files.withAttachments(messages.map(toMessageDTO)),
    teamReadSeq,
  }
}

/** The form's own fields get a label in every language unless the admin wrote one. */
const DEFAULT_LABELS: Record<string, Record<Locale, string>> = {
  name: { en: 'Name', 'zh-CN': '姓名', 'zh-TW': '姓名' },
  email: { en: 'Email', 'zh-CN': '邮箱', 'zh-TW': '電子郵件' },
  phone: { en: 'Phone', 'zh-CN': '电话', 'zh-TW': '電話' },
}

function withDefaultLabel(field: PreChatField): PreChatField {
  const defaults = DEFAULT_LABELS[field.key]
  return defaults ? { ...field, label: { ...defaults, ...field.label } } : field
}

export function widgetRoutes(s: Services) {
  const app = new Hono()

  // Visitor calls come from the chat frame, which Kefu serves from its own origin. A browser
  // request carrying any other Origin is another site calling the API directly: refused. (The
  // config is the exception: the loader on the customer's page reads it.)
  app.use('/widget/*', async (c, next) => {
    const origin = c.req.header('origin')
    if (
      origin &&
      !c.req.path.endsWith('/widget/config') &&
      !allowedOrigins(c, s.config.publicUrl).has(origin)
    ) {
      throw new AppError(
        'widget.origin_forbidden',
        'Visitor requests must come from the Kefu chat frame.',
      )
    }
    await next()
  })
  // New anonymous visitors cost a contact row each; one address may start this many per window.
  const newVisitors = new RateLimiter(300, 10 * 60_000)
  // Each rating is an event for every agent; a person changes their mind a few times at most.
  const ratingRate = new RateLimiter(20, 10 * 60_000)
  // The pre-chat form is answered once; a few corrections at most.
  const profileRate = new RateLimiter(20, 10 * 60_000)

  const inboxFor = async (token: string) => {
    const inbox = await s.inboxes.findByPublicToken(token)
    if (inbox?.kind !== 'widget') throw new AppError('inbox.not_found', 'Unknown inbox token.')
    return inbox
  }

  app.get('/widget/config', async (c) => {
    const { inbox: token } = parse(z.strictObject({ inbox: inboxToken }), c.req.query())
    const inbox = await inboxFor(token)
    const settings = parseSettings(inbox.settings)
    // Public and cookie-less: the loader on any customer page may read it to draw its launcher.
    c.header('access-control-allow-origin', '*')
    const availability = await s.availability.forInbox(inbox)
    const config: WidgetConfig = {
      inbox: {
        name: inbox.name,
        greeting: settings.greeting ?? null,
        color: settings.color ?? '#1f6feb',
        position: settings.position ?? 'right',
        launcherText: settings.launcherText ?? null,
        locale: settings.locale ?? null,
        preChat: (settings.preChat?.fields ?? []).map(withDefaultLabel),
        files: fileLimits(settings.files),
        sound: settings.notify?.sound ?? true,
      },
      agentsOnline: availability.canAnswer,
      availability,
    }
    return c.json(config)
  })

  app.post('/widget/session', async (c) => {
    const body = await readJson(
      c,
      z.strictObject({ inbox: inboxToken, visitorToken: z.string().max(128).optional() }),
    )
    const inbox = await inboxFor(body.inbox)
    const { visitor, visitorToken } = await s.visitors.startSession({
      inbox,
      visitorToken: body.visitorToken,
      mayCreate: () => newVisitors.take(clientIp(c, s.config.trustProxy)),
    })
    // Emails about this chat (continuity) speak the language the visitor's browser asks for.
    await s.visitors.rememberLocale(visitor.id, c.req.header('accept-language'))
    // Read the head first: anything committed after it is replayed by events?since=seq.
    const seq = await s.conversations.currentSeq(visitor.accountId)
    const current = await visitorConversation(s, visitor)
    const session: WidgetSession = { visitorToken, visitorId: visitor.id, seq, ...current }
    return c.json(session)
  })

  app.get('/widget/messages', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const { conversationId } = parse(
      z.strictObject({ conversationId: conversationIdField.optional() }),
      c.req.query(),
    )
    return c.json(await visitorConversation(s, visitor, conversationId))
  })

  app.post('/widget/messages', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const {
      conversationId,
      new: fresh,
      attachmentIds,
      ...body
    } = await readJson(c, visitorMessageBody)
    requireContent({ text: body.text, attachmentIds })
    s.visitors.checkMessageRate(visitor)
    const { message, duplicate } = await s.conversations.receiveMessage({
      accountId: visitor.accountId,
      inboxId: visitor.inboxId,
      contactId: visitor.contactId,
      ...body,
      attachments: attachmentIds && { visitorId: visitor.id, ids: attachmentIds },
      chooseConversation: s.visitorConversations.chooser(visitor, { conversationId, new: fresh }),
    })
    const [withFiles] = duplicate ? await s.files.withAttachments([message]) : [message]
    return c.json(withFiles, duplicate ? 200 : 201)
  })

  app.get('/widget/conversations', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    return c.json({ conversations: await s.visitorConversations.list(visitor) })
  })

  app.post('/widget/read', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const body = await readJson(c, readReceiptBody)
    const readSeq = await s.receipts.contactRead({
      accountId: visitor.accountId,
      inboxId: visitor.inboxId,
      contactId: visitor.contactId,
      ...body,
    })
    return c.json({ readSeq })
  })

  // Nobody can answer: the visitor leaves their email and a message (see offline.usecases.ts).
  app.post('/widget/offline', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const { message, duplicate } = await s.offline.submit(visitor, await readJson(c, z.unknown()))
    return c.json({ message }, duplicate ? 200 : 201)
  })

  app.post('/widget/profile', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    // Checked against the inbox's form by the use case: the schema depends on its fields.
    const raw = await readJson(c, z.unknown())
    if (!profileRate.take(visitor.id)) {
      throw new AppError('visitor.rate_limited', 'Too many profile updates; try again later.')
    }
    const inbox = await s.inboxes.findInAccount(visitor.accountId, visitor.inboxId)
    const form = inbox ? (parseSettings(inbox.settings).preChat?.fields ?? []) : []
    await s.profile.save(visitor, form, raw)
    return c.json({ ok: true })
  })

  app.post('/widget/identify', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const body = await readJson(
      c,
      z.strictObject({
        id: z.string().trim().min(1).max(200),
        email: z.email().max(254).optional(),
        name: z.string().trim().max(100).optional(),
        hash: z.string().max(200).optional(),
        token: z.string().max(4000).optional(),
      }),
    )
    const result = await s.identity.identify(visitor, body)
    // The visitor may now stand for another contact: hand back that contact's conversation.
    return c.json({ verified: result.verified, ...(await visitorConversation(s, result.visitor)) })
  })

  app.get('/widget/events', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const { since } = parse(sinceQuery, c.req.query())
    return c.json(
      await s.conversations.eventsForContact({
        accountId: visitor.accountId,
        contactId: visitor.contactId,
        since,
        verified: await s.visitors.isVerified(visitor),
      }),
    )
  })

  app.post('/widget/rating', async (c) => {
    const visitor = await authenticateVisitor(s, c)
    const body = await readJson(
      c,
      z.strictObject({
        conversationId: z.string().min(1).max(64),
        score: z.number().int().min(1).max(5),
        comment: z
          .string()
          .max(MAX_RATING_COMMENT, `at most ${MAX_RATING_COMMENT} characters`)
          .nullish(),
      }),
    )
    if (!ratingRate.take(visitor.id)) {
      throw new AppError('visitor.rate_limited', 'Too many ratings; try again later.')
    }
    const rating = await s.ratings.rateConversation({
      accountId: visitor.accountId,
      inboxId: visitor.inboxId,
      contactId: visitor.contactId,
      conversationId: body.conversationId,
      score: body.score,
      // A blank comment is no comment.
      comment: body.comment?.trim() || null,
    })
    return c.json(rating)
  })

  return app
}
