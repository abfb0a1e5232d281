import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Services } from '../services.js'
import { AppError, forbidden, unauthenticated } from '../shared/errors.js'
import { type AppEnv, clientIp, SESSION_COOKIE } from '../shared/http.js'
import { RateLimiter } from '../shared/rate-limit.js'
import { readJson } from '../shared/validation.js'
import { toAgentDTO } from './access.js'
import { emailSchema, passwordSchema, roleSchema } from './agents.usecases.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cookie sessions for agents. Writes must come from Kefu's own pages: browsers always send
 * Origin on cross-site POSTs, so comparing it is a complete CSRF defence for cookie auth.
 */
export function requireAgent(s: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE)
    const principal = token ? await s.agents.authenticate(token) : undefined
    if (!principal) throw unauthenticated()
    if (!SAFE_METHODS.has(c.req.method)) assertSameOrigin(c, s.config.publicUrl)
    const { sessionId, ...rest } = principal
    c.set('principal', rest)
    c.set('sessionId', sessionId)
    c.set('scope', await s.agents.inboxScope(rest))
    await next()
  }
}

export function allowedOrigins(c: Context, publicUrl: string): Set<string> {
  return new Set([new URL(publicUrl).origin, new URL(c.req.url).origin])
}

export function assertSameOrigin(c: Context, publicUrl: string): void {
  const origin = c.req.header('origin')
  if (!origin || !allowedOrigins(c, publicUrl).has(origin)) {
    throw new AppError('auth.bad_origin', 'This request must come from Kefu itself.')
  }
}

const loginBody = z.strictObject({ email: z.string().max(254), password: z.string().max(200) })
const setupBody = z.strictObject({
  token: z.string().max(200),
  accountName: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(100),
  email: emailSchema,
  password: passwordSchema,
})

export function authRoutes(s: Services) {
  const app = new Hono<AppEnv>()
  // Ten tries per address and email in 15 minutes, and a wider cap per address.
  const perAccount = new RateLimiter(10, 15 * 60_000)
  const perIp = new RateLimiter(100, 15 * 60_000)
  const secure = s.config.publicUrl.startsWith('https:')

  const startSession = async (c: Context<AppEnv>, token: string) => {
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/',
      maxAge: 30 * 24 * 3600,
    })
  }

  app.get('/setup', async (c) => c.json({ needsSetup: await s.accounts.needsSetup() }))

  app.post('/setup', async (c) => {
    assertSameOrigin(c, s.config.publicUrl)
    const body = await readJson(c, setupBody)
    if (!s.setup.token || body.token !== s.setup.token) {
      throw new AppError(
        'setup.forbidden',
        'This set-up link is not valid. Use the one Kefu printed.',
      )
    }
    const admin = await s.accounts.createAdmin({ ...body, onlyIfEmpty: true })
    s.setup.token = null
    await startSession(c, await s.agents.openSession(admin.id))
    return c.json({ agent: toAgentDTO(admin), account: await s.accounts.get(admin.accountId) })
  })

  app.post('/auth/login', async (c) => {
    assertSameOrigin(c, s.config.publicUrl)
    const body = await readJson(c, loginBody)
    const ip = clientIp(c, s.config.trustProxy)
    const key = `${ip}|${body.email.toLowerCase()}`
    if (!perIp.take(ip) || !perAccount.take(key)) {
      throw new AppError('auth.rate_limited', 'Too many sign-in attempts. Wait a few minutes.')
    }
    const { principal, token } = await s.agents.signIn(body)
    perAccount.reset(key)
    await startSession(c, token)
    return c.json({
      agent: toAgentDTO(principal),
      account: await s.accounts.get(principal.accountId),
    })
  })

  app.post('/auth/logout', async (c) => {
    assertSameOrigin(c, s.config.publicUrl)
    const token = getCookie(c, SESSION_COOKIE)
    if (token) await s.agents.signOut(token)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })

  // Middleware is attached per route, never with use('*'): a wildcard would also guard the
  // visitor routes that share the /api prefix.
  const auth = requireAgent(s)

  app.get('/auth/me', auth, async (c) => {
    const p = c.get('principal')
    return c.json({ agent: toAgentDTO(p), account: await s.accounts.get(p.accountId) })
  })

  app.post('/auth/password', auth, async (c) => {
    const body = await readJson(
      c,
      z.strictObject({ currentPassword: z.string().max(200), newPassword: passwordSchema }),
    )
    await s.agents.changePassword({
      principal: c.get('principal'),
      sessionId: c.get('sessionId'),
      ...body,
    })
    return c.body(null, 204)
  })

  app.put('/auth/availability', auth, async (c) => {
    const body = await readJson(
      c,
      z.strictObject({ availability: z.enum(['online', 'away', 'offline']) }),
    )
    const updated = await s.agents.setAvailability(c.get('principal'), body.availability)
    s.hub.updatePrincipal(updated)
    return c.json(toAgentDTO(updated))
  })

  app.get('/agents', auth, async (c) => {
    const agents = await s.agents.repo.list(c.get('principal').accountId)
    return c.json({ agents: agents.map(toAgentDTO) })
  })

  app.post('/agents', auth, async (c) => {
    const actor = c.get('principal')
    if (actor.role !== 'admin') throw forbidden('Only admins can add agents.')
    const body = await readJson(
      c,
      z.strictObject({
        email: emailSchema,
        name: z.string().trim().min(1).max(100),
        role: roleSchema,
        password: passwordSchema,
      }),
    )
    const agent = await s.agents.createAgent({ actor, ...body })
    return c.json(toAgentDTO(agent), 201)
  })

  return app
}
