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
  /** The widget inbox the visitor chats with: availability changes are pushed per inbox. */
  inboxId?: string
  /** An identity-verified user: also hears 'verified' events (email that arrived in the chat). */
  verified?: boolean
}

/**
 * Who is connected, and who should hear what. It knows nothing of sockets: a connection is
 * anything with send(), so the same fan-out serves WebSockets and tests.
 */
export class Hub {
  private readonly agents = new Set<AgentConnection>()
  private readonly visitors = new Map<string, Set<VisitorConnection>>()
  private readonly presenceListeners = new Set<(accountId: string) => void>()

  constructor(private readonly deps: { logger: Logger; conversations: ConversationsUsecases }) {}

  /**
   * Hears when an agent socket comes or goes, or an agent's availability or scope changes.
   * Returns the function that stops listening.
   */
  onPresenceChange(listener: (accountId: string) => void): () => void {
    this.presenceListeners.add(listener)
    return () => {
      this.presenceListeners.delete(listener)
    }
  }

  /** Tells every presence listener; one that throws does not keep it from the others. */
  presenceChanged(accountId: string): void {
    for (const listener of this.presenceListeners) {
      try {
        listener(accountId)
      } catch (err) {
        this.deps.logger.warn({ err }, 'presence listener failed')
      }
    }
  }

  addAgent(conn: AgentConnection): () => void {
    this.agents.add(conn)
    this.presenceChanged(conn.principal.accountId)
    return () => {
      if (this.agents.delete(conn)) this.presenceChanged(conn.principal.accountId)
    }
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

  /**
   * Whether this contact has a widget socket open on this process, in this inbox's widget (a
   * contact chatting on another of the account's websites is not in this chat). Sockets held by
   * other Kefu processes are not seen, so with several nodes this can say no for a connected
   * visitor.
   */
  visitorConnected(accountId: string, inboxId: string, contactId: string): boolean {
    for (const conn of this.visitors.get(contactId) ?? []) {
      if (conn.accountId === accountId && conn.inboxId === inboxId) return true
    }
    return false
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
    if (stored.audience !== 'agents' && stored.contactId) {
      for (const conn of this.visitors.get(stored.contactId) ?? []) {
        if (conn.accountId !== stored.accountId) continue
        if (stored.audience === 'verified' && !conn.verified) continue
        conn.send(frame)
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
      conn.send({
        type: 'typing',
        typing: input.typing,
        agentName: principal.name,
        conversationId: conversation.id,
      })
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
    this.presenceChanged(accountId)
  }

  updatePrincipal(principal: Principal): void {
    for (const conn of this.agents) {
      if (conn.principal.id === principal.id) conn.principal = principal
    }
    this.presenceChanged(principal.accountId)
  }

  /** Agents with at least one open inbox socket on this node. */
  connectedAgentIds(accountId: string): Set<string> {
    const ids = new Set<string>()
    for (const conn of this.agents) {
      if (conn.principal.accountId === accountId) ids.add(conn.principal.id)
    }
    return ids
  }

  /** The inboxes that have visitors connected now. */
  visitorInboxes(): { accountId: string; inboxId: string }[] {
    const seen = new Map<string, { accountId: string; inboxId: string }>()
    for (const set of this.visitors.values()) {
      for (const conn of set) {
        const { accountId, inboxId } = conn
        if (inboxId) seen.set(`${accountId} ${inboxId}`, { accountId, inboxId })
      }
    }
    return [...seen.values()]
  }

  /** Pushes an ephemeral frame to every visitor connected to one inbox. */
  toInboxVisitors(accountId: string, inboxId: string, frame: VisitorServerFrame): void {
    for (const set of this.visitors.values()) {
      for (const conn of set) {
        if (conn.accountId === accountId && conn.inboxId === inboxId) conn.send(frame)
      }
    }
  }
}
