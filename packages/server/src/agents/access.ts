import type { AgentDTO } from '@kefu/protocol'
import type { Agent } from '../db/schema.js'

/** The signed-in agent as the rest of the server sees it: never with a password hash. */
export interface Principal {
  id: string
  accountId: string
  email: string
  name: string
  role: Agent['role']
  availability: Agent['availability']
}

/** Which inboxes a principal may see: admins and supervisors all of their account's, agents their own. */
export type InboxScope = { all: true } | { all: false; inboxIds: ReadonlySet<string> }

export function canSeeInbox(scope: InboxScope, inboxId: string): boolean {
  return scope.all || scope.inboxIds.has(inboxId)
}

export const seesAllInboxes = (role: Agent['role']) => role === 'admin' || role === 'supervisor'

export function toPrincipal(agent: Agent): Principal {
  return {
    id: agent.id,
    accountId: agent.account_id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    availability: agent.availability,
  }
}

export function toAgentDTO(agent: Principal | Agent): AgentDTO {
  return {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    availability: agent.availability,
  }
}
