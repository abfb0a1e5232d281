import type {
  ActivityDTO,
  AgentConversationDTO,
  AttachmentDTO,
  ConversationDTO,
  EventDTO,
  EventsPage,
  MessageDTO,
} from '@kefu/protocol'
import type { SelectQueryBuilder, Transaction } from 'kysely'
import { canSeeInbox, type InboxScope, type Principal } from '../agents/access.js'
import type { ConversationStatusValue, Database, MessageDirectionValue } from '../db/schema.js'
import {
  type Audience,
  nextSeq,
  recordEvent,
  type StoredEvent,
  writeWithEvents,
} from '../events.js'
import type { CoreDeps } from '../shared/deps.js'
import { AppError, notFound } from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import {
  type ConversationRow,
  previewOf,
  toConversationDTO,
  toMessageDTO,
} from './conversations.dto.js'
import { createConversationsRepository } from './conversations.repository.js'

export type Tx = Transaction<Database>
type Emit = (event: StoredEvent) => void

export interface ReceivedMessage {
  message: MessageDTO
  conversationId: string
  duplicate: boolean
  /** A new conversation was opened for this message. */
  created: boolean
}

/** Turns a message's uploads into its attachments, inside its transaction (files module). */
export type AttachmentClaimer = (
  tx: Tx,
  input: {
    accountId: string
    inboxId: string
    conversationId: string
    messageId: string
    owner: { type: 'visitor' | 'agent'; id: string }
    ids: readonly string[]
  },
) => Promise<AttachmentDTO[]>

/** What the files module lends conversations: claiming uploads, and attachments with fresh URLs. */
export interface AttachmentHooks {
  claim: AttachmentClaimer
  /** Messages with their attachments (fresh URLs); inside a transaction, pass it. */
  withAttachments<T extends MessageDTO>(messages: T[], q?: Tx): Promise<T[]>
  /** An event as handed out: its attachments' URLs (never stored, see events.ts) signed now. */
  signEvent<E extends EventDTO>(event: E): E
}

/** How a channel that delivers replies (email) queues one, inside the reply's transaction. */
export type DeliveryHandler = (
  tx: Tx,
  input: { conversation: ConversationRow; message: MessageDTO; options: unknown },
) => Promise<void>

export interface ReceiveMessageInput {
  accountId: string
  inboxId: string
  contactId: string
  text: string
  /** The sender's HTML as received (email); sanitized only when shown. */
  html?: string | null
  clientId?: string
  /** The channel's id for the message (an email's Message-ID); unique per inbox. */
  externalId?: string
  /** Subject of a conversation this message opens. */
  subject?: string | null
  /** Automatic mail (auto-replies, bounces): stored, but it reopens nothing. */
  quiet?: boolean
  /** Imported history: the team's own earlier reply, stored as outgoing (it reopens nothing). */
  outgoing?: { authorName: string | null }
  /** Picks the conversation inside the transaction (email threading); null opens a new one.
   * Without it, the contact's latest conversation in the inbox continues. `contactId`, when
   * given, is who writes instead of input.contactId: the chosen conversation's own contact (a
   * website visitor answering an email about their chat). */
  chooseConversation?: (tx: Tx) => Promise<{
    conversationId: string | null
    contactId?: string
    /** 'verified': the customer's widget shows the message only to a verified user (an email
     * that arrived in a website chat). */
    audience?: 'verified'
  }>
  /** More writes in the same transaction: channel metadata, the IMAP cursor. */
  within?: (tx: Tx, stored: ReceivedMessage) => Promise<void>
  /** Uploads the visitor sends with the message (theirs, unsent; refused otherwise). */
  attachments?: { visitorId: string; ids: readonly string[] }
}

const EVENTS_PAGE = 500

export function createConversationsUsecases({ db, bus, clock }: CoreDeps) {
  const k = db.kysely
  const repo = createConversationsRepository(k)
  const deliveries = new Map<string, DeliveryHandler>()
  let fileHooks: AttachmentHooks | undefined
  const claimAttachments: AttachmentClaimer = (tx, input) => {
    if (!fileHooks) throw new Error('no attachment handler registered')
    return fileHooks.claim(tx, input)
  }
  const signEvent = <E extends EventDTO>(event: E): E =>
    fileHooks ? fileHooks.signEvent(event) : event

  /** Runs a writing transaction; the events it records reach subscribers only after commit. */
  function write<T>(accountId: string, fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    // Pushed with attachment URLs signed now; the stored copies have none (events.ts).
    return writeWithEvents(db, bus, accountId, fn, (e) => ({ ...e, event: signEvent(e.event) }))
  }

  async function appendMessage(
    tx: Tx,
    emit: Emit,
    input: {
      conversation: ConversationRow
      direction: MessageDirectionValue
      author: { type: 'contact' | 'agent' | 'system'; id: string | null; name: string | null }
      text: string
      html?: string | null
      clientId?: string | null
      externalId?: string | null
      activity?: ActivityDTO
      attachments?: { owner: { type: 'visitor' | 'agent'; id: string }; ids: readonly string[] }
      /** Who besides the team hears of a visible message (default: the customer). */
      audience?: 'verified'
    },
  ): Promise<MessageDTO> {
    const { conversation: c } = input
    const now = clock.now()
    const seq = await nextSeq(tx, c.account_id)
    const row = {
      id: newId(),
      account_id: c.account_id,
      inbox_id: c.inbox_id,
      conversation_id: c.id,
      direction: input.direction,
      author_type: input.author.type,
      author_id: input.author.id,
      text: input.text,
      html: input.html ?? null,
      meta: input.activity ? JSON.stringify(input.activity) : null,
      external_id: input.externalId ?? null,
      client_id: input.clientId ?? null,
      seq,
      created_at: now,
    }
    await tx.insertInto('messages').values(row).execute()
    const files = input.attachments?.ids.length
      ? await claimAttachments(tx, {
          accountId: c.account_id,
          inboxId: c.inbox_id,
          conversationId: c.id,
          messageId: row.id,
          ...input.attachments,
        })
      : []
    const visible = input.direction === 'incoming' || input.direction === 'outgoing'
    await tx
      .updateTable('conversations')
      .set({
        updated_at: now,
        last_activity_at: now,
        ...(visible
          ? {
              last_message_text: previewOf(
                input.text.trim() || files.map((f) => `📎 ${f.filename}`).join(' '),
              ),
              last_message_direction: input.direction,
              last_message_at: now,
            }
          : {}),
      })
      .where('id', '=', c.id)
      .execute()
    // The sender's HTML is never part of a message DTO: agents read it sanitized, on request.
    const message = toMessageDTO({ ...row, html: null, author_name: input.author.name })
    if (files.length) message.attachments = files
    emit(
      await recordEvent(tx, {
        accountId: c.account_id,
        inboxId: c.inbox_id,
        conversationId: c.id,
        contactId: c.contact_id,
        // Notes and activity lines are the team's business; only real messages reach the customer.
        audience: visible ? (input.audience ?? 'public') : 'agents',
        event: {
          seq,
          type: 'message.created',
          conversationId: c.id,
          inboxId: c.inbox_id,
          at: now,
          message,
        },
      }),
    )
    return message
  }

  async function emitConversation(
    tx: Tx,
    emit: Emit,
    type: 'conversation.created' | 'conversation.updated',
    accountId: string,
    conversationId: string,
    audience: Audience = 'agents',
  ): Promise<ConversationDTO> {
    const row = await repo.findConversation(accountId, conversationId, tx)
    if (!row) throw notFound('conversation')
    const seq = await nextSeq(tx, accountId)
    const conversation = toConversationDTO(row)
    emit(
      await recordEvent(tx, {
        accountId,
        inboxId: row.inbox_id,
        conversationId,
        contactId: row.contact_id,
        audience,
        event: { seq, type, conversationId, inboxId: row.inbox_id, at: clock.now(), conversation },
      }),
    )
    return conversation
  }

  async function openConversation(
    tx: Tx,
    input: {
      accountId: string
      inboxId: string
      contactId: string
      subject: string | null
      assigneeId: string | null
    },
  ): Promise<ConversationRow> {
    const now = clock.now()
    const id = newId()
    await tx
      .insertInto('conversations')
      .values({
        id,
        account_id: input.accountId,
        inbox_id: input.inboxId,
        contact_id: input.contactId,
        status: 'open',
        priority: 'none',
        assignee_id: input.assigneeId,
        team_id: null,
        subject: input.subject,
        created_at: now,
        updated_at: now,
        last_activity_at: now,
        first_response_at: null,
        resolved_at: null,
        snoozed_until: null,
        last_message_text: null,
        last_message_direction: null,
        last_message_at: null,
      })
      .execute()
    const row = await repo.findConversation(input.accountId, id, tx)
    if (!row) throw new Error('conversation vanished inside its transaction')
    return row
  }

  /** Loads a conversation the principal may see, or throws not-found (never "forbidden": no probing). */
  async function getVisible(principal: Principal, scope: InboxScope, id: string, q = k) {
    const row = await repo.findConversation(principal.accountId, id, q)
    if (!row || !canSeeInbox(scope, row.inbox_id)) throw notFound('conversation')
    return row
  }

  async function withUnread(
    principal: Principal,
    dto: ConversationDTO,
  ): Promise<AgentConversationDTO> {
    return { ...dto, unreadCount: await repo.unreadCount(dto.id, principal.id) }
  }

  /** A stored message as answered again (a resend): with its files, like the first answer. */
  async function withFiles(message: MessageDTO): Promise<MessageDTO> {
    if (!fileHooks) return message
    const [found] = await fileHooks.withAttachments([message])
    return found ?? message
  }

  /** A resend with a client id the sender already used answers with the stored message. */
  async function existingByClientId(authorId: string, clientId: string | undefined | null) {
    if (!clientId) return undefined
    const row = await repo.findMessageByClientId(authorId, clientId)
    return row ? withFiles(toMessageDTO(row)) : undefined
  }

  /** A channel message (an email's Message-ID) already stored in this inbox. */
  async function existingByExternalId(inboxId: string, externalId: string | undefined | null) {
    if (!externalId) return undefined
    const row = await repo.findMessageByExternalId(inboxId, externalId)
    return row ? withFiles(toMessageDTO(row)) : undefined
  }

  /** Unique violations from a concurrent duplicate are resolved by reading the winner's row. */
  async function retryAsDuplicate<T>(
    attempt: () => Promise<T>,
    fallback: () => Promise<T | undefined>,
  ): Promise<T> {
    try {
      return await attempt()
    } catch (err) {
      const existing = await fallback()
      if (existing) return existing
      throw err
    }
  }

  return {
    repo,

    /**
     * The one road every channel takes for a customer's message: finds or opens the conversation,
     * stores the message and emits events, in one transaction. Repeating it with the same
     * clientId (or externalId) stores nothing new.
     */
    async receiveMessage(input: ReceiveMessageInput): Promise<ReceivedMessage> {
      const dup =
        (await existingByClientId(input.contactId, input.clientId)) ??
        (await existingByExternalId(input.inboxId, input.externalId))
      if (dup) {
        return { message: dup, conversationId: dup.conversationId, duplicate: true, created: false }
      }

      const attempt = () =>
        write(input.accountId, async (tx, emit) => {
          const chosen = input.chooseConversation
            ? await input.chooseConversation(tx)
            : {
                conversationId:
                  (
                    await repo.findLatestForContact(
                      input.accountId,
                      input.inboxId,
                      input.contactId,
                      tx,
                    )
                  )?.id ?? null,
              }
          let conversation = chosen.conversationId
            ? await repo.findConversation(input.accountId, chosen.conversationId, tx)
            : undefined
          const contact = await tx
            .selectFrom('contacts')
            .select(['id', 'name'])
            .where('account_id', '=', input.accountId)
            .where('id', '=', (conversation && chosen.contactId) || input.contactId)
            .executeTakeFirstOrThrow()
          const now = clock.now()
          let created = false
          let reopened = false
          if (!conversation) {
            conversation = await openConversation(tx, {
              accountId: input.accountId,
              inboxId: input.inboxId,
              contactId: input.contactId,
              subject: input.subject ?? null,
              assigneeId: null,
            })
            created = true
          } else if (conversation.status === 'resolved' && !input.quiet && !input.outgoing) {
            // A customer writing again into a resolved conversation reopens it rather than
            // talking to nobody. Automatic mail (quiet) never does: no reopen storms.
            await tx
              .updateTable('conversations')
              .set({ status: 'open', resolved_at: null, updated_at: now })
              .where('id', '=', conversation.id)
              .execute()
            reopened = true
          }
          if (!conversation) throw new Error('conversation vanished inside its transaction')
          if (created) {
            await emitConversation(
              tx,
              emit,
              'conversation.created',
              input.accountId,
              conversation.id,
            )
          }
          const message = await appendMessage(tx, emit, {
            conversation,
            direction: input.outgoing ? 'outgoing' : 'incoming',
            author: input.outgoing
              ? { type: 'agent', id: null, name: input.outgoing.authorName }
              : { type: 'contact', id: contact.id, name: contact.name },
            text: input.text,
            html: input.html ?? null,
            clientId: input.clientId ?? null,
            attachments: input.attachments && {
              owner: { type: 'visitor', id: input.attachments.visitorId },
              ids: input.attachments.ids,
            },
            externalId: input.externalId ?? null,
            audience: chosen.audience,
          })
          if (reopened) {
            await emitConversation(
              tx,
              emit,
              'conversation.updated',
              input.accountId,
              conversation.id,
            )
          }
          const result = { message, conversationId: conversation.id, duplicate: false, created }
          await input.within?.(tx, result)
          return result
        })

      return retryAsDuplicate(attempt, async () => {
        const again =
          (await existingByClientId(input.contactId, input.clientId)) ??
          (await existingByExternalId(input.inboxId, input.externalId))
        return (
          again && {
            message: again,
            conversationId: again.conversationId,
            duplicate: true,
            created: false,
          }
        )
      })
    },

    /** An agent's reply (goes to the customer) or internal note (never does). */
    async replyAsAgent(input: {
      principal: Principal
      scope: InboxScope
      conversationId: string
      text: string
      clientId: string
      private: boolean
      /** The agent's own uploads into this conversation, not sent yet. */
      attachmentIds?: readonly string[]
      /** Channel options for the delivery (email recipients), checked by the channel. */
      delivery?: unknown
    }): Promise<MessageDTO> {
      const { principal } = input
      await getVisible(principal, input.scope, input.conversationId)
      const dup = await existingByClientId(principal.id, input.clientId)
      if (dup) {
        if (dup.conversationId !== input.conversationId) {
          throw new AppError(
            'message.client_id_conflict',
            'That clientId was used for another message.',
          )
        }
        return dup
      }
      const attempt = () =>
        write(principal.accountId, async (tx, emit) => {
          const conversation = await getVisible(principal, input.scope, input.conversationId, tx)
          const message = await appendMessage(tx, emit, {
            conversation,
            direction: input.private ? 'note' : 'outgoing',
            author: { type: 'agent', id: principal.id, name: principal.name },
            text: input.text,
            clientId: input.clientId,
            attachments: input.attachmentIds && {
              owner: { type: 'agent', id: principal.id },
              ids: input.attachmentIds,
            },
          })
          if (!input.private) {
            const inbox = await tx
              .selectFrom('inboxes')
              .select('kind')
              .where('id', '=', conversation.inbox_id)
              .executeTakeFirstOrThrow()
            await deliveries.get(inbox.kind)?.(tx, {
              conversation,
              message,
              options: input.delivery,
            })
          }
          if (!input.private && conversation.first_response_at === null) {
            await tx
              .updateTable('conversations')
              .set({ first_response_at: message.createdAt })
              .where('id', '=', conversation.id)
              .execute()
            await emitConversation(
              tx,
              emit,
              'conversation.updated',
              principal.accountId,
              conversation.id,
            )
          }
          return message
        })
      return retryAsDuplicate(attempt, () => existingByClientId(principal.id, input.clientId))
    },

    /** An agent starts a conversation (an outbound email, a 回访 follow-up); it is theirs. */
    async startOutbound(input: {
      principal: Principal
      scope: InboxScope
      inboxId: string
      contactId: string
      subject: string
      text: string
      clientId: string
      delivery?: unknown
    }): Promise<{ conversationId: string; message: MessageDTO }> {
      const { principal } = input
      if (!canSeeInbox(input.scope, input.inboxId)) throw notFound('inbox')
      const dup = await existingByClientId(principal.id, input.clientId)
      if (dup) return { conversationId: dup.conversationId, message: dup }
      return write(principal.accountId, async (tx, emit) => {
        const inbox = await tx
          .selectFrom('inboxes')
          .select('kind')
          .where('account_id', '=', principal.accountId)
          .where('id', '=', input.inboxId)
          .executeTakeFirst()
        if (!inbox) throw notFound('inbox')
        const conversation = await openConversation(tx, {
          accountId: principal.accountId,
          inboxId: input.inboxId,
          contactId: input.contactId,
          subject: input.subject,
          assigneeId: principal.id,
        })
        await emitConversation(
          tx,
          emit,
          'conversation.created',
          principal.accountId,
          conversation.id,
        )
        const message = await appendMessage(tx, emit, {
          conversation,
          direction: 'outgoing',
          author: { type: 'agent', id: principal.id, name: principal.name },
          text: input.text,
          clientId: input.clientId,
        })
        await deliveries.get(inbox.kind)?.(tx, { conversation, message, options: input.delivery })
        return { conversationId: conversation.id, message }
      })
    },

    async assign(input: {
      principal: Principal
      scope: InboxScope
      conversationId: string
      assigneeId: string | null
    }): Promise<AgentConversationDTO> {
      const { principal } = input
      let assigneeName: string | null = null
      if (input.assigneeId) {
        const assignee = await k
          .selectFrom('agents')
          .leftJoin('inbox_members', (j) => j.onRef('inbox_members.agent_id', '=', 'agents.id'))
          .select(['agents.id', 'agents.name', 'agents.role', 'inbox_members.inbox_id'])
          .where('agents.account_id', '=', principal.accountId)
          .where('agents.id', '=', input.assigneeId)
          .execute()
        const conversation = await getVisible(principal, input.scope, input.conversationId)
        const first = assignee[0]
        if (!first) throw notFound('agent')
        const canSee =
          first.role !== 'agent' || assignee.some((a) => a.inbox_id === conversation.inbox_id)
        if (!canSee) {
          throw new AppError(
            'conversation.assignee_invalid',
            'That agent is not a member of this inbox.',
          )
        }
        assigneeName = first.name
      }
      const dto = await write(principal.accountId, async (tx, emit) => {
        const conversation = await getVisible(principal, input.scope, input.conversationId, tx)
        if (conversation.assignee_id === input.assigneeId) return toConversationDTO(conversation)
        await tx
          .updateTable('conversations')
          .set({ assignee_id: input.assigneeId, updated_at: clock.now() })
          .where('id', '=', conversation.id)
          .execute()
        const activity: ActivityDTO = assigneeName
          ? { kind: 'assigned', actorName: principal.name, assigneeName }
          : { kind: 'unassigned', actorName: principal.name }
        await appendMessage(tx, emit, {
          conversation,
          direction: 'activity',
          author: { type: 'system', id: null, name: null },
          text: assigneeName
            ? `${principal.name} assigned the conversation to ${assigneeName}`
            : `${principal.name} unassigned the conversation`,
          activity,
        })
        return emitConversation(
          tx,
          emit,
          'conversation.updated',
          principal.accountId,
          conversation.id,
        )
      })
      return withUnread(principal, dto)
    },

    async setStatus(input: {
      principal: Principal
      scope: InboxScope
      conversationId: string
      status: Exclude<ConversationStatusValue, 'snoozed'>
    }): Promise<AgentConversationDTO> {
      const { principal } = input
      const dto = await write(principal.accountId, async (tx, emit) => {
        const conversation = await getVisible(principal, input.scope, input.conversationId, tx)
        if (conversation.status === input.status) return toConversationDTO(conversation)
        const now = clock.now()
        await tx
          .updateTable('conversations')
          .set({
            status: input.status,
            resolved_at: input.status === 'resolved' ? now : null,
            updated_at: now,
          })
          .where('id', '=', conversation.id)
          .execute()
        const kind = input.status === 'resolved' ? 'resolved' : 'reopened'
        if (input.status === 'resolved' || conversation.status === 'resolved') {
          await appendMessage(tx, emit, {
            conversation,
            direction: 'activity',
            author: { type: 'system', id: null, name: null },
            text: `${principal.name} ${kind} the conversation`,
            activity: { kind, actorName: principal.name },
          })
        }
        const updated = await emitConversation(
          tx,
          emit,
          'conversation.updated',
          principal.accountId,
          conversation.id,
        )
        if (input.status === 'resolved') {
          // The customer learns of it too (the widget then asks for a rating), by an event that
          // carries nothing internal: `conversation.updated` holds assignee and team.
          const seq = await nextSeq(tx, principal.accountId)
          emit(
            await recordEvent(tx, {
              accountId: principal.accountId,
              inboxId: conversation.inbox_id,
              conversationId: conversation.id,
              contactId: conversation.contact_id,
              audience: 'public',
              event: {
                seq,
                type: 'conversation.resolved',
                conversationId: conversation.id,
                inboxId: conversation.inbox_id,
                at: now,
              },
            }),
          )
        }
        return updated
      })
      return withUnread(principal, dto)
    },

    async markRead(input: { principal: Principal; scope: InboxScope; conversationId: string }) {
      await getVisible(input.principal, input.scope, input.conversationId)
      await repo.markRead(input.conversationId, input.principal.id)
    },

    async list(input: {
      principal: Principal
      scope: InboxScope
      view: 'mine' | 'unassigned' | 'all'
      status: 'open' | 'resolved'
      inboxId?: string
    }): Promise<AgentConversationDTO[]> {
      const rows = await repo.listConversations({
        accountId: input.principal.accountId,
        agentId: input.principal.id,
        inboxIds: input.scope.all ? 'all' : [...input.scope.inboxIds],
        view: input.view,
        status: input.status,
        inboxId: input.inboxId,
        limit: 200,
      })
      return rows.map((r) => ({
        ...toConversationDTO(r),
        unreadCount: Number(r.unread_count ?? 0),
      }))
    },

    async get(input: { principal: Principal; scope: InboxScope; conversationId: string }) {
      const row = await getVisible(input.principal, input.scope, input.conversationId)
      const messages = await repo.listMessages(input.principal.accountId, row.id, {
        includeInternal: true,
      })
      return {
        conversation: await withUnread(input.principal, toConversationDTO(row)),
        messages: messages.map(toMessageDTO),
      }
    },

    /** Events after `since` that the principal may see, oldest first. */
    async eventsForAgent(input: {
      principal: Principal
      scope: InboxScope
      since: number
    }): Promise<EventsPage> {
      return eventsPage(input.principal.accountId, input.since, (q) => {
        if (input.scope.all) return q
        const ids = [...input.scope.inboxIds]
        return ids.length ? q.where('inbox_id', 'in', ids) : q.where('inbox_id', '=', '\u0000none')
      })
    },

    /** Events after `since` about one contact's conversations that the customer may see. */
    async eventsForContact(input: {
      accountId: string
      contactId: string
      since: number
      /** The customer is an identity-verified user: 'verified' events are theirs too. */
      verified?: boolean
    }): Promise<EventsPage> {
      return eventsPage(input.accountId, input.since, (q) =>
        q
          .where('contact_id', '=', input.contactId)
          .where('audience', 'in', input.verified ? ['public', 'verified'] : ['public']),
      )
    },

    /**
     * A channel adds a line to the team's timeline (an email sent about the conversation) with
     * more writes in the same transaction. `build` runs first, inside it; null stores nothing.
     */
    async recordActivity(input: {
      accountId: string
      conversationId: string
      build: (
        tx: Tx,
        conversation: ConversationRow,
      ) => Promise<{
        text: string
        activity: ActivityDTO
        within?: (tx: Tx, message: MessageDTO) => Promise<void>
      } | null>
    }): Promise<MessageDTO | null> {
      return write(input.accountId, async (tx, emit) => {
        const conversation = await repo.findConversation(input.accountId, input.conversationId, tx)
        if (!conversation) return null
        const line = await input.build(tx, conversation)
        if (!line) return null
        const message = await appendMessage(tx, emit, {
          conversation,
          direction: 'activity',
          author: { type: 'system', id: null, name: null },
          text: line.text,
          activity: line.activity,
        })
        await line.within?.(tx, message)
        return message
      })
    },

    /** Registers how messages claim, show and sign their files (the files module). */
    setAttachments(hooks: AttachmentHooks): void {
      fileHooks = hooks
    },

    /** Registers the channel that delivers replies for one kind of inbox. */
    setDelivery(kind: string, handler: DeliveryHandler): void {
      deliveries.set(kind, handler)
    },

    /** Tells agents a stored message changed (its delivery status), as an event like any other. */
    async announceMessageUpdate(accountId: string, messageId: string): Promise<void> {
      await write(accountId, async (tx, emit) => {
        const row = await repo.findMessage(accountId, messageId, tx)
        if (!row) return
        const conversation = await repo.findConversation(accountId, row.conversation_id, tx)
        if (!conversation) return
        // Clients replace the message whole: it must come with its files.
        const [message] = fileHooks
          ? await fileHooks.withAttachments([toMessageDTO(row)], tx)
          : [toMessageDTO(row)]
        const seq = await nextSeq(tx, accountId)
        emit(
          await recordEvent(tx, {
            accountId,
            inboxId: row.inbox_id,
            conversationId: row.conversation_id,
            contactId: conversation.contact_id,
            audience: 'agents',
            event: {
              seq,
              type: 'message.updated',
              conversationId: row.conversation_id,
              inboxId: row.inbox_id,
              at: clock.now(),
              message: message ?? toMessageDTO(row),
            },
          }),
        )
      })
    },

    async currentSeq(accountId: string): Promise<number> {
      const row = await k
        .selectFrom('accounts')
        .select('event_seq')
        .where('id', '=', accountId)
        .executeTakeFirst()
      return Number(row?.event_seq ?? 0)
    },
  }

  async function eventsPage(
    accountId: string,
    since: number,
    scope: (q: EventsQuery) => EventsQuery,
  ): Promise<EventsPage> {
    // Read the counter first: every seq at or below it has committed (seqs are handed out under
    // the counter's row lock), so "nothing more up to here" is a promise we can keep.
    const head = await k
      .selectFrom('accounts')
      .select('event_seq')
      .where('id', '=', accountId)
      .executeTakeFirst()
    const upTo = Number(head?.event_seq ?? 0)
    const base = k
      .selectFrom('events')
      .select(['seq', 'payload'])
      .where('account_id', '=', accountId)
      .where('seq', '>', since)
      .where('seq', '<=', upTo)
    const rows = await scope(base)
      .orderBy('seq')
      .limit(EVENTS_PAGE + 1)
      .execute()
    const more = rows.length > EVENTS_PAGE
    const page = rows.slice(0, EVENTS_PAGE)
    const last = page.at(-1)
    return {
      // Stored without attachment URLs (events.ts): signed now, so a replay never hands out stale ones.
      events: page.map((r) => signEvent(JSON.parse(r.payload) as EventDTO)),
      seq: more && last ? Number(last.seq) : Math.max(since, upTo),
      more,
    }
  }
}

type EventsQuery = SelectQueryBuilder<Database, 'events', { seq: number; payload: string }>

export type ConversationsUsecases = ReturnType<typeof createConversationsUsecases>
