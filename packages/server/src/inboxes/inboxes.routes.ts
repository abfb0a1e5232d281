import { Hono } from 'hono'
import { z } from 'zod'
import type { Principal } from '../agents/access.js'
import { requireAgent } from '../agents/auth.routes.js'
import { assertContinuityTarget } from '../channels/email/email.continuity.js'
import type { Services } from '../services.js'
import type { AppEnv } from '../shared/http.js'
import { readJson } from '../shared/validation.js'
import {
  adminWidgetInbox as adminInbox,
  toInboxDTO,
  widgetSettingsSchema,
} from './inboxes.usecases.js'

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
    // Admins only (create refuses others): nobody else learns which ids are email inboxes.
    if (body.settings && actor.role === 'admin') {
      await assertContinuityTarget(s.db.kysely, actor.accountId, body.settings)
    }
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

  app.put('/inboxes/:id/settings', auth, async (c) => {
    const inbox = await adminWidgetInbox(c.get('principal'), c.req.param('id'))
    const settings = await readJson(c, widgetSettingsSchema)
    await assertContinuityTarget(s.db.kysely, inbox.account_id, settings)
    const updated = await s.inboxes.updateSettings(inbox.id, settings)
    return c.json(toInboxDTO(updated))
  })

  /** Identity verification settings of a website inbox (admins: they configure their backend). */
  app.get('/inboxes/:id/identity', auth, async (c) => {
    const inbox = await adminWidgetInbox(c.get('principal'), c.req.param('id'))
    return c.json(await s.identity.settings(inbox.id))
  })

  app.put('/inboxes/:id/identity', auth, async (c) => {
    const inbox = await adminWidgetInbox(c.get('principal'), c.req.param('id'))
    const body = await readJson(
      c,
      z.strictObject({ required: z.boolean().optional(), rotate: z.boolean().optional() }),
    )
    return c.json(await s.identity.update(inbox.id, body))
  })

  const adminWidgetInbox = (actor: Principal, inboxId: string) =>
    adminInbox(s.db.kysely, actor, inboxId)

  return app
}
