import { createAccountsUsecases } from './accounts/accounts.usecases.js'
import { createAgentsUsecases } from './agents/agents.usecases.js'
import { createAvailability } from './availability/availability.usecases.js'
import { createEmailChannel } from './channels/email/email.channel.js'
import { createWidgetIdentity } from './channels/widget/identity.usecases.js'
import { createOfflineForm } from './channels/widget/offline.usecases.js'
import { createWidgetProfile } from './channels/widget/profile.usecases.js'
import { createVisitorConversations } from './channels/widget/visitor-conversations.js'
import { createVisitorsUsecases } from './channels/widget/visitors.usecases.js'
import type { Config } from './config.js'
import { createConversationsUsecases } from './conversations/conversations.usecases.js'
import type { Db } from './db/dialects.js'
import { EventBus } from './events.js'
import { createFilesUsecases } from './files/files.usecases.js'
import { createInboxesUsecases } from './inboxes/inboxes.usecases.js'
import { createRatingsUsecases } from './ratings/ratings.usecases.js'
import { Hub } from './realtime/hub.js'
import { createReceiptsUsecases } from './receipts/receipts.usecases.js'
import { type Clock, systemClock } from './shared/clock.js'
import type { CoreDeps } from './shared/deps.js'
import type { Logger } from './shared/logger.js'
import { createSecretBox } from './shared/secrets.js'

/** Builds every module once. main.ts and the tests both start here, so they run the same wiring. */
export function createServices(input: {
  config: Config
  db: Db
  logger: Logger
  clock?: Clock
  /** The one-time token that allows first-run set-up; null once an admin exists. */
  setupToken?: string | null
}) {
  const core: CoreDeps = {
    db: input.db,
    bus: new EventBus(),
    clock: input.clock ?? systemClock,
    logger: input.logger,
  }
  const agents = createAgentsUsecases(core)
  const inboxes = createInboxesUsecases(core)
  const accounts = createAccountsUsecases({ ...core, agents, inboxes })
  const conversations = createConversationsUsecases(core)
  const files = createFilesUsecases(core, input.config.secret)
  conversations.setAttachments(files)
  const visitors = createVisitorsUsecases(core)
  const ratings = createRatingsUsecases(core)
  const receipts = createReceiptsUsecases(core)
  const visitorConversations = createVisitorConversations(core.db.kysely)
  const identity = createWidgetIdentity(
    core,
    createSecretBox(input.config.secret, 'widget-identity'),
  )
  const profile = createWidgetProfile(core)
  const hub = new Hub({ logger: input.logger, conversations })
  const availability = createAvailability({ ...core, hub })
  const offline = createOfflineForm({ conversations, profile, visitors, visitorConversations })
  const email = createEmailChannel({
    ...core,
    conversations,
    secret: input.config.secret,
    // Email continuity asks the hub whether a website visitor is still in the chat.
    presence: hub,
    continuity: input.config.emailContinuity,
  })

  // Every subscription to stored events is listed here and in the channels' own set-up
  // (channels/email/email.channel.ts nudges its sender after a reply commits, and queues email
  // continuity for website replies in the reply's own transaction).
  core.bus.subscribe((event) => hub.deliver(event))

  return {
    ...core,
    config: input.config,
    setup: { token: input.setupToken ?? null },
    agents,
    inboxes,
    accounts,
    conversations,
    files,
    visitors,
    ratings,
    receipts,
    visitorConversations,
    identity,
    profile,
    hub,
    availability,
    offline,
    email,
  }
}

export type Services = ReturnType<typeof createServices>
