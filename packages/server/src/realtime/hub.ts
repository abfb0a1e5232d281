import type { AgentServerFrame, VisitorServerFrame } from '@kefu/protocol'
import { canSeeInbox, type InboxScope, type Principal } from '../agents/access.js'
import type { ConversationsUsecases } from '../conversations/conversations.usecases.js'
import type { StoredEvent } from '../events.js'
import type { Logger } from '../shared/logger.js'

export interface Connection<F> {
  send(frame: F): void
}

export interface AgentConnection extends Connection<AgentServerFrame> {
  principal: Principal
  scope: InboxScope
}

export interface VisitorConnection extends Connection<VisitorServerFrame> {
  accountId: string
  contactId: string
}

/**
 * Who is connected, and who should hear what. It knows nothing of sockets: a connection is
 * anything with send(), so the same fan-out serves WebSockets and tests.
 */
export class Hub {
  private readonly agents = new Set<AgentConnection>()
  private readonly visitors = new Map<string, Set<VisitorConnection>>()

  constructor(private readonly deps: { logger: Logger; conversations: ConversationsUsecases }) {}

  addAgent(conn: AgentConnection): () => void {
    this.agents.add(conn)
    return () => this.agents.delete(conn)
  }

  addVisitor(conn: VisitorConnection): () => void {
    let set = this.visitors.get(conn.contactId)
    if (!set) {
      set = new Set()
      this.visitors.set(conn.contactId, set)
    }
    set.add(conn)
    return () => {
      set.delete(conn)
      if (set.size === 0) this.visitors.delete(conn.contactId)
    }
  }

  get counts() {
    let visitors = 0
    for (const set of this.visitors.values()) visitors += set.size
    return { agents: this.agents.size, visitors }
  }

  /** Fans a committed event out to every agent who may see its inbox and to its customer. */
  deliver(stored: StoredEvent): void {
    const frame = { type: 'event', event: stored.event } as const
    for (const conn of this.agents) {
      if (conn.principal.accountId !== stored.accountId) continue
      if (stored.inboxId && !canSeeInbox(conn.scope, stored.inboxId)) continue
      conn.send(frame)
    }
    if (stored.audience === 'public' && stored.contactId) {
      for (const conn of this.visitors.get(stored.contactId) ?? []) {
        if (conn.accountId === stored.accountId) conn.send(frame)
      }
    }
  }

  /** Typing is ephemeral: pushed to whoever is connected now, never stored or replayed. */
  visitorTyping(input: {
    accountId: string
    inboxId: string
    conversationId: string
    typing: boolean
  }) {
    for (const conn of this.agents) {
      if (conn.principal.accountId !== input.accountId) continue
      if (!canSeeInbox(conn.scope, input.inboxId)) continue
      conn.send({
        type: 'typing',
        conversationId: input.conversationId,
        actor: 'contact',
        agentId: null,
        typing: input.typing,
      })
    }
  }

  async agentTyping(input: { from: AgentConnection; conversationId: string; typing: boolean }) {
    const { principal, scope } = input.from
    const conversation = await this.deps.conversations.repo.findConversation(
      principal.accountId,
      input.conversationId,
    )
    if (!conversation || !canSeeInbox(scope, conversation.inbox_id)) return false
    for (const conn of this.visitors.get(conversation.contact_id) ?? []) {
      conn.send({ type: 'typing', typing: input.typing, agentName: principal.name })
    }
    for (const conn of this.agents) {
      if (conn === input.from || conn.principal.accountId !== principal.accountId) continue
      if (!canSeeInbox(conn.scope, conversation.inbox_id)) continue
      conn.send({
        type: 'typing',
        conversationId: conversation.id,
        actor: 'agent',
        agentId: principal.id,
        typing: input.typing,
      })
    }
    return true
  }

  /** After inbox membership or a role changes, connected agents must see exactly their new scope. */
  async refreshScopes(accountId: string, scopeOf: (p: Principal) => Promise<InboxScope>) {
    for (const conn of this.agents) {
      if (conn.principal.accountId === accountId) conn.scope = await scopeOf(conn.principal)
    }
  }

  updatePrincipal(principal: Principal): void {
    for (const conn of this.agents) {
      if (conn.principal.id === principal.id) conn.principal = principal
    }
  }

  /** Whether someone who can answer this inbox is connected and not marked offline. */
  agentsOnline(accountId: string, inboxId: string): boolean {
    for (const conn of this.agents) {
      if (conn.principal.accountId !== accountId) continue
      if (conn.principal.availability === 'offline') continue
      if (canSeeInbox(conn.scope, inboxId)) return true
    }
    return false
  }
}
