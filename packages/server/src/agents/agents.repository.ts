import type { Kysely } from 'kysely'
import type { Agent, AvailabilityValue, Database, Role } from '../db/schema.js'

export function createAgentsRepository(db: Kysely<Database>) {
  return {
    findByEmail(email: string): Promise<Agent | undefined> {
      return db
        .selectFrom('agents')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst()
    },

    findById(accountId: string, id: string): Promise<Agent | undefined> {
      return db
        .selectFrom('agents')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst()
    },

    list(accountId: string): Promise<Agent[]> {
      return db
        .selectFrom('agents')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('name')
        .execute()
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('agents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },

    async insert(agent: {
      id: string
      accountId: string
      email: string
      name: string
      passwordHash: string
      role: Role
      now: number
    }): Promise<void> {
      await db
        .insertInto('agents')
        .values({
          id: agent.id,
          account_id: agent.accountId,
          email: agent.email.toLowerCase(),
          name: agent.name,
          password_hash: agent.passwordHash,
          role: agent.role,
          // New agents start online so a fresh team is reachable at once; they set away/offline themselves.
          availability: 'online',
          created_at: agent.now,
          updated_at: agent.now,
        })
        .execute()
    },

    async setPasswordHash(id: string, passwordHash: string, now: number): Promise<void> {
      await db
        .updateTable('agents')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', id)
        .execute()
    },

    async setAvailability(id: string, availability: AvailabilityValue, now: number): Promise<void> {
      await db
        .updateTable('agents')
        .set({ availability, updated_at: now })
        .where('id', '=', id)
        .execute()
    },

    async createSession(s: {
      id: string
      agentId: string
      now: number
      expiresAt: number
    }): Promise<void> {
      await db
        .insertInto('agent_sessions')
        .values({
          id: s.id,
          agent_id: s.agentId,
          created_at: s.now,
          last_seen_at: s.now,
          expires_at: s.expiresAt,
        })
        .execute()
    },

    findSession(id: string) {
      return db
        .selectFrom('agent_sessions')
        .innerJoin('agents', 'agents.id', 'agent_sessions.agent_id')
        .selectAll('agents')
        .select(['agent_sessions.expires_at', 'agent_sessions.last_seen_at'])
        .where('agent_sessions.id', '=', id)
        .executeTakeFirst()
    },

    async touchSession(id: string, now: number, expiresAt: number): Promise<void> {
      await db
        .updateTable('agent_sessions')
        .set({ last_seen_at: now, expires_at: expiresAt })
        .where('id', '=', id)
        .execute()
    },

    async deleteSession(id: string): Promise<void> {
      await db.deleteFrom('agent_sessions').where('id', '=', id).execute()
    },

    async deleteSessionsOf(agentId: string, exceptId?: string): Promise<void> {
      let q = db.deleteFrom('agent_sessions').where('agent_id', '=', agentId)
      if (exceptId) q = q.where('id', '!=', exceptId)
      await q.execute()
    },

    async inboxIdsOf(agentId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('inbox_members')
        .select('inbox_id')
        .where('agent_id', '=', agentId)
        .execute()
      return rows.map((r) => r.inbox_id)
    },
  }
}

export type AgentsRepository = ReturnType<typeof createAgentsRepository>
