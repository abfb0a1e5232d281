import { Hono } from 'hono'
import { z } from 'zod'
import { requireAgent } from '../agents/auth.routes.js'
import type { Services } from '../services.js'
import type { AppEnv } from '../shared/http.js'
import { readJson } from '../shared/validation.js'

/** Business hours and the widget's behaviour when nobody can answer (admins, website inboxes). */
export function availabilityRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  const auth = requireAgent(s)

  app.get('/inboxes/:id/hours', auth, async (c) =>
    c.json(await s.availability.getHours(c.get('principal'), c.req.param('id'))),
  )

  app.put('/inboxes/:id/hours', auth, async (c) => {
    // Checked by the use case, which owns the schema.
    const raw = await readJson(c, z.unknown())
    return c.json(await s.availability.setHours(c.get('principal'), c.req.param('id'), raw))
  })

  return app
}
