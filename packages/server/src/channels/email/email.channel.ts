import { randomUUID } from 'node:crypto'
import type { ConversationsUsecases } from '../../conversations/conversations.usecases.js'
import { createBlobStore } from '../../shared/blobs.js'
import type { CoreDeps } from '../../shared/deps.js'
import { createLeases } from '../../shared/leases.js'
import { createSecretBox, createSigner } from '../../shared/secrets.js'
import {
  type ContinuityOptions,
  continuityDelivery,
  createEmailContinuity,
  DEFAULT_CONTINUITY,
  type VisitorPresence,
} from './email.continuity.js'
import { createEmailIngest } from './email.ingest.js'
import { createMailboxes } from './email.mailboxes.js'
import { EmailSender, emailDelivery } from './email.outbox.js'
import { ImapPoller } from './email.poller.js'

/**
 * The email channel as one unit: mailbox settings, ingest (IMAP and import), the pollers (one per
 * mailbox per cluster, by lease) and the outbox sender. Built with the other modules; started
 * only by a running server, so tests and CLI commands decide what runs.
 */
export function createEmailChannel(
  deps: CoreDeps & {
    conversations: ConversationsUsecases
    secret: string
    nodeId?: string
    /** Who is in a website chat now; with it, website inboxes get email continuity. */
    presence?: VisitorPresence
    continuity?: ContinuityOptions
  },
) {
  const blobs = createBlobStore(deps.db.kysely)
  const signer = createSigner(deps.secret, 'email-reply-token')
  const mailboxes = createMailboxes(deps, createSecretBox(deps.secret, 'mailbox-credentials'))
  const leases = createLeases(deps.db.kysely, deps.nodeId ?? randomUUID())
  const ingest = createEmailIngest({ ...deps, blobs, signer })
  const sender = new EmailSender({ ...deps, mailboxes, leases, signer })
  const pollers = new Map<string, ImapPoller>()
  const restarts = new Map<string, Promise<void>>()
  let started = false

  deps.conversations.setDelivery('email', emailDelivery(deps))
  const continuity = createEmailContinuity({
    ...deps,
    leases,
    presence: deps.presence ?? { visitorConnected: () => false },
    options: deps.continuity ?? DEFAULT_CONTINUITY,
    nudgeSender: () => sender.nudge(),
  })
  if (deps.presence) {
    // A website chat's replies are emailed to a visitor who left (email.continuity.ts).
    deps.conversations.setDelivery(
      'widget',
      continuityDelivery(deps, deps.continuity ?? DEFAULT_CONTINUITY),
    )
  }
  // Every email reply commits with an outbox row; send it now rather than on the next tick.
  deps.bus.subscribe((stored) => {
    if (
      started &&
      stored.event.type === 'message.created' &&
      stored.event.message.direction === 'outgoing'
    ) {
      sender.nudge()
    }
  })

  return {
    mailboxes,
    ingest,
    sender,
    blobs,
    signer,
    leases,
    pollers,
    continuity,

    async start(options: { pollMs?: number; leaseMs?: number } = {}): Promise<void> {
      started = true
      sender.start()
      continuity.start()
      for (const m of await mailboxes.all()) this.watch(m.inboxId, m.accountId, options)
    },

    /** Starts (or restarts, after a settings change) the poller of one mailbox. */
    watch(
      inboxId: string,
      accountId: string,
      options: { pollMs?: number; leaseMs?: number } = {},
    ): void {
      if (!started) return
      // Restarts of one mailbox run one after another: two quick saves must not leave a second
      // poller running that nobody stops.
      const previous = restarts.get(inboxId) ?? Promise.resolve()
      const next = previous.then(async () => {
        await pollers.get(inboxId)?.stop()
        pollers.delete(inboxId)
        if (!started) return
        pollers.set(
          inboxId,
          new ImapPoller({ ...deps, mailboxes, ingest, leases }, inboxId, accountId, {
            pollMs: options.pollMs ?? 60_000,
            leaseMs: options.leaseMs ?? 30_000,
          }),
        )
      })
      restarts.set(inboxId, next)
      void next.finally(() => {
        if (restarts.get(inboxId) === next) restarts.delete(inboxId)
      })
    },

    async stop(): Promise<void> {
      started = false
      await Promise.all(restarts.values())
      await Promise.all([...pollers.values()].map((p) => p.stop()))
      pollers.clear()
      await continuity.stop()
      await sender.stop()
    },
  }
}

export type EmailChannel = ReturnType<typeof createEmailChannel>
