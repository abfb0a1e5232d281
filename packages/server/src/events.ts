import type { EventDTO } from '@kefu/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { Db } from './db/dialects.js'
import type { Database } from './db/schema.js'

// Every stored change gets a per-account sequence number, handed out by bumping a counter row in
// the same transaction. The row lock orders commits, so seq order is commit order: a client that
// has applied N can ask for "> N" and never miss an event that committed late.

/**
 * Who may hear an event besides the team: 'public' reaches the conversation's customer, 'agents'
 * never leaves the team, and 'verified' reaches the customer only when their widget is an
 * identity-verified user (an email that arrived in a website chat: see email.threading.ts).
 */
export type Audience = 'public' | 'agents' | 'verified'

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
      payload: JSON.stringify(storedForm(stored.event)),
      created_at: stored.event.at,
    })
    .execute()
  return stored
}

/**
 * What is kept of an event for replays (events?since): a message's attachments lose their URLs,
 * which are signed and expire within a day; they are signed afresh whenever the event is handed
 * out (files.usecases.ts signEvent). A null URL (content not kept) stays null.
 */
function storedForm(event: EventDTO): unknown {
  if (
    (event.type !== 'message.created' && event.type !== 'message.updated') ||
    !event.message.attachments?.length
  ) {
    return event
  }
  const attachments = event.message.attachments.map(({ url, ...rest }) =>
    url === null ? { ...rest, url } : rest,
  )
  return { ...event, message: { ...event.message, attachments } }
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

/**
 * Runs a writing transaction whose events reach subscribers only after it committed. Every writer
 * takes the account's sequence row first, so writers queue in one order and never deadlock on it
 * and a conversation row taken in the other order (PostgreSQL; SQLite has one writer at a time
 * anyway).
 */
export async function writeWithEvents<T>(
  db: Db,
  bus: EventBus,
  accountId: string,
  fn: (tx: Transaction<Database>, emit: (event: StoredEvent) => void) => Promise<T>,
  /** How each event is published (the stored copy stays as recorded). */
  published: (event: StoredEvent) => StoredEvent = (event) => event,
): Promise<T> {
  const events: StoredEvent[] = []
  const result = await db.kysely.transaction().execute(async (tx) => {
    if (db.kind === 'postgres') {
      await tx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute()
    }
    return fn(tx, (event) => events.push(event))
  })
  bus.publish(events.map(published))
  return result
}
