import type { EventDTO } from '@kefu/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from './db/schema.js'

// Every stored change gets a per-account sequence number, handed out by bumping a counter row in
// the same transaction. The row lock orders commits, so seq order is commit order: a client that
// has applied N can ask for "> N" and never miss an event that committed late.

export type Audience = 'public' | 'agents'

export interface StoredEvent {
  accountId: string
  inboxId: string | null
  conversationId: string | null
  contactId: string | null
  audience: Audience
  event: EventDTO
}

type Tx = Transaction<Database> | Kysely<Database>

export async function nextSeq(tx: Tx, accountId: string): Promise<number> {
  const row = await tx
    .updateTable('accounts')
    .set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
    .where('id', '=', accountId)
    .returning('event_seq')
    .executeTakeFirstOrThrow()
  return Number(row.event_seq)
}

export async function recordEvent(tx: Tx, stored: StoredEvent): Promise<StoredEvent> {
  await tx
    .insertInto('events')
    .values({
      account_id: stored.accountId,
      seq: stored.event.seq,
      type: stored.event.type,
      inbox_id: stored.inboxId,
      conversation_id: stored.conversationId,
      contact_id: stored.contactId,
      audience: stored.audience,
      payload: JSON.stringify(stored.event),
      created_at: stored.event.at,
    })
    .execute()
  return stored
}

export type EventListener = (event: StoredEvent) => void

/** Delivers events after their transaction committed. In-process now; Redis pub/sub for several nodes. */
export class EventBus {
  private listeners = new Set<EventListener>()

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  publish(events: readonly StoredEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event)
        } catch {
          // One failing subscriber must not keep the event from the others; each logs its own.
        }
      }
    }
  }
}
