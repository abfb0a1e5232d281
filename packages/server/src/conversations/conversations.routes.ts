import type { AgentConversationDetailDTO } from '@kefu/protocol'
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { requireAgent } from '../agents/auth.routes.js'
import { messageContent, requireContent } from '../files/files.content.js'
import type { Services } from '../services.js'
import type { AppEnv } from '../shared/http.js'
import { clientId, parse, readJson } from '../shared/validation.js'

const listQuery = z.strictObject({
  view: z.enum(['mine', 'unassigned', 'all']).default('all'),
  status: z.enum(['open', 'resolved']).default('open'),
  inboxId: z.string().max(64).optional(),
})

export const sinceQuery = z.strictObject({ since: z.coerce.number().int().min(0).default(0) })

export function conversationsRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  const auth = requireAgent(s)
  const who = (c: Context<AppEnv>) => ({ principal: c.get('principal'), scope: c.get('scope') })

  app.get('/conversations', auth, async (c) => {
    const q = parse(listQuery, c.req.query())
    // The head is read before the list: the list reflects at least every event up to `seq`, so a
    // client applies events after it and misses nothing.
    const seq = await s.conversations.currentSeq(c.get('principal').accountId)
    return c.json({ conversations: await s.conversations.list({ ...who(c), ...q }), seq })
  })

  app.get('/conversations/:id', auth, async (c) => {
    const seq = await s.conversations.currentSeq(c.get('principal').accountId)
    const found = await s.conversations.get({ ...who(c), conversationId: c.req.param('id') })
    // Read after `seq`, like the rest of the answer: it reflects at least every event up to it.
    const rating = await s.ratings.findRating(c.get('principal').accountId, found.conversation.id)
    const { contactReadSeq } = await s.receipts.find(
      c.get('principal').accountId,
      found.conversation.id,
    )
    const conversation: AgentConversationDetailDTO = {
      ...found.conversation,
      rating,
      contactReadSeq,
    }
    const messages = await s.files.withAttachments(found.messages)
    return c.json({ ...found, messages, conversation, seq })
  })

  app.post('/conversations/:id/messages', auth, async (c) => {
    const body = await readJson(
      c,
      z.strictObject({
        clientId,
        ...messageContent,
        private: z.boolean().default(false),
        // Email replies: recipients; checked by the email channel.
        email: z.unknown().optional(),
      }),
    )
    const { email, ...reply } = body
    requireContent(reply)
    const message = await s.conversations.replyAsAgent({
      ...who(c),
      conversationId: c.req.param('id'),
      ...reply,
      delivery: email,
    })
    // A resent clientId answers with the stored message: its files come along too.
    const [withFiles] = await s.files.withAttachments([message])
    return c.json(withFiles, 201)
  })

  app.post('/conversations/:id/assign', auth, async (c) => {
    const body = await readJson(c, z.strictObject({ assigneeId: z.string().max(64).nullable() }))
    return c.json(
      await s.conversations.assign({ ...who(c), conversationId: c.req.param('id'), ...body }),
    )
  })

  app.post('/conversations/:id/status', auth, async (c) => {
    const body = await readJson(
      c,
      z.strictObject({ status: z.enum(['open', 'pending', 'resolved']) }),
    )
    return c.json(
      await s.conversations.setStatus({ ...who(c), conversationId: c.req.param('id'), ...body }),
    )
  })

  app.post('/conversations/:id/read', auth, async (c) => {
    await s.conversations.markRead({ ...who(c), conversationId: c.req.param('id') })
    // What this agent has now read is what the team has read: the customer sees "Read".
    await s.receipts.teamRead({
      accountId: c.get('principal').accountId,
      agentId: c.get('principal').id,
      conversationId: c.req.param('id'),
    })
    return c.body(null, 204)
  })

  app.get('/events', auth, async (c) => {
    const { since } = parse(sinceQuery, c.req.query())
    return c.json(await s.conversations.eventsForAgent({ ...who(c), since }))
  })

  return app
}
