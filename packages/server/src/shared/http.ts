import type { InboxScope, Principal } from '../agents/access.js'

/** Per-request values set by middleware; every route file types its Hono app with this. */
export interface AppEnv {
  Variables: {
    requestId: string
    principal: Principal
    sessionId: string
    scope: InboxScope
  }
}

export const SESSION_COOKIE = 'kefu_session'
