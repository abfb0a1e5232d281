import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
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

/** The caller's address: the socket's peer, or what the trusted proxy appended to X-Forwarded-For. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // The proxy appends the address it saw; entries before it are whatever the client sent.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
