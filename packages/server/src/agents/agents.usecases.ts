import { z } from 'zod'
import type { Role } from '../db/schema.js'
import type { CoreDeps } from '../shared/deps.js'
import { AppError, forbidden } from '../shared/errors.js'
import { hashToken, newId, newSecretToken } from '../shared/ids.js'
import { type InboxScope, type Principal, seesAllInboxes, toPrincipal } from './access.js'
import { createAgentsRepository } from './agents.repository.js'
import { decoyHash, hashPassword, verifyPassword } from './password.js'

const SESSION_TTL_MS = 30 * 24 * 3600_000
/** Sliding expiry is refreshed at most this often, so reads do not all turn into writes. */
const SESSION_TOUCH_MS = 60_000

export const passwordSchema = z.string().min(10, 'at least 10 characters').max(200)
export const emailSchema = z.email().max(254)
export const roleSchema = z.enum(['admin', 'supervisor', 'agent'])

export function createAgentsUsecases({ db, clock }: CoreDeps) {
  const repo = createAgentsRepository(db.kysely)

  return {
    repo,

    async signIn(input: {
      email: string
      password: string
    }): Promise<{ principal: Principal; token: string }> {
      const agent = await repo.findByEmail(input.email)
      // Hash even for an unknown email, so the answer takes as long either way.
      const ok = await verifyPassword(input.password, agent?.password_hash ?? (await decoyHash()))
      if (!agent || !ok) {
        throw new AppError('auth.invalid_credentials', 'Wrong email or password.')
      }
      const token = await this.openSession(agent.id)
      return { principal: toPrincipal(agent), token }
    },

    async openSession(agentId: string): Promise<string> {
      const token = newSecretToken()
      const now = clock.now()
      await repo.createSession({
        id: hashToken(token),
        agentId,
        now,
        expiresAt: now + SESSION_TTL_MS,
      })
      return token
    },

    /** The principal behind a session cookie, or undefined when it is unknown or expired. */
    async authenticate(token: string): Promise<(Principal & { sessionId: string }) | undefined> {
      const id = hashToken(token)
      const row = await repo.findSession(id)
      const now = clock.now()
      if (!row) return undefined
      if (row.expires_at <= now) {
        await repo.deleteSession(id)
        return undefined
      }
      if (now - row.last_seen_at > SESSION_TOUCH_MS) {
        await repo.touchSession(id, now, now + SESSION_TTL_MS)
      }
      return { ...toPrincipal(row), sessionId: id }
    },

    async signOut(token: string): Promise<void> {
      await repo.deleteSession(hashToken(token))
    },

    /** Changes the password and ends every other session of the agent (a stolen cookie dies too). */
    async changePassword(input: {
      principal: Principal
      sessionId: string
      currentPassword: string
      newPassword: string
    }): Promise<void> {
      const agent = await repo.findById(input.principal.accountId, input.principal.id)
      if (!agent || !(await verifyPassword(input.currentPassword, agent.password_hash))) {
        throw new AppError('auth.invalid_credentials', 'The current password is wrong.')
      }
      await repo.setPasswordHash(agent.id, await hashPassword(input.newPassword), clock.now())
      await repo.deleteSessionsOf(agent.id, input.sessionId)
    },

    async createAgent(input: {
      actor: Principal
      email: string
      name: string
      role: Role
      password: string
    }): Promise<Principal> {
      if (input.actor.role !== 'admin') throw forbidden('Only admins can add agents.')
      return this.insertAgent({ ...input, accountId: input.actor.accountId })
    },

    async insertAgent(input: {
      accountId: string
      email: string
      name: string
      role: Role
      password: string
    }): Promise<Principal> {
      if (await repo.findByEmail(input.email)) {
        throw new AppError('agent.email_conflict', 'An agent with that email already exists.')
      }
      const id = newId()
      await repo.insert({
        id,
        accountId: input.accountId,
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        now: clock.now(),
      })
      const agent = await repo.findById(input.accountId, id)
      if (!agent) throw new Error('agent vanished after insert')
      return toPrincipal(agent)
    },

    async setAvailability(
      principal: Principal,
      availability: Principal['availability'],
    ): Promise<Principal> {
      await repo.setAvailability(principal.id, availability, clock.now())
      return { ...principal, availability }
    },

    async inboxScope(principal: Principal): Promise<InboxScope> {
      if (seesAllInboxes(principal.role)) return { all: true }
      return { all: false, inboxIds: new Set(await repo.inboxIdsOf(principal.id)) }
    },
  }
}

export type AgentsUsecases = ReturnType<typeof createAgentsUsecases>
