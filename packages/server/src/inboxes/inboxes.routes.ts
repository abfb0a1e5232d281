import { Hono } from 'hono'
import { z } from 'zod'
import { requireAgent } from '../agents/auth.routes.js'
import type { Services } from '../services.js'
import type { AppEnv } from '../shared/http.js'
import { readJson } from '../shared/validation.js'
import { toInboxDTO, widgetSettingsSchema } from './inboxes.usecases.js'

export function inboxesRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  const auth = requireAgent(s)

  app.get('/inboxes', auth, async (c) => {
    const inboxes = await s.inboxes.listVisible(c.get('principal'), c.get('scope'))
    return c.json({ inboxes: inboxes.map(toInboxDTO) })
  })

  app.post('/inboxes', auth, async (c) => {
    const body = await readJson(
      c,
      z.strictObject({
        kind: z.literal('widget'),
        name: z.string().trim().min(1).max(100),
        settings: widgetSettingsSchema.optional(),
      }),
    )
    const actor = c.get('principal')
    const inbox = await s.inboxes.create(actor, body)
    await s.hub.refreshScopes(actor.accountId, (p) => s.agents.inboxScope(p))
    return c.json(toInboxDTO(inbox), 201)
  })

  app.put('/inboxes/:id/members', auth, async (c) => {
    const body = await readJson(
      c,
      z.strictObject({ agentIds: z.array(z.string().max(64)).max(1000) }),
    )
    const actor = c.get('principal')
    await s.inboxes.setMembers(actor, c.req.param('id'), body.agentIds)
    await s.hub.refreshScopes(actor.accountId, (p) => s.agents.inboxScope(p))
    return c.body(null, 204)
  })

  return app
}
