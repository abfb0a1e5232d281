import type { AccountDTO } from '@kefu/protocol'
import type { Principal } from '../agents/access.js'
import type { AgentsUsecases } from '../agents/agents.usecases.js'
import type { InboxesUsecases } from '../inboxes/inboxes.usecases.js'
import type { CoreDeps } from '../shared/deps.js'
import { AppError, notFound } from '../shared/errors.js'
import { newId } from '../shared/ids.js'

export function createAccountsUsecases(
  deps: CoreDeps & { agents: AgentsUsecases; inboxes: InboxesUsecases },
) {
  const k = deps.db.kysely

  return {
    async get(accountId: string): Promise<AccountDTO> {
      const row = await k
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', accountId)
        .executeTakeFirst()
      if (!row) throw notFound('account')
      return { id: row.id, name: row.name, timezone: row.timezone }
    },

    async needsSetup(): Promise<boolean> {
      return (await deps.agents.repo.count()) === 0
    },

    /**
     * Creates an admin. On an empty installation this also creates the account and a first website
     * inbox, so a new team can embed the widget straight away.
     */
    async createAdmin(input: {
      accountName?: string
      name: string
      email: string
      password: string
      /** First-run set-up may only ever create the very first agent. */
      onlyIfEmpty?: boolean
    }): Promise<Principal> {
      if (input.onlyIfEmpty && !(await this.needsSetup())) {
        throw new AppError('setup.conflict', 'Kefu is already set up; sign in instead.')
      }
      let account = await k
        .selectFrom('accounts')
        .select('id')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst()
      if (!account) {
        account = { id: newId() }
        await k
          .insertInto('accounts')
          .values({
            id: account.id,
            name: input.accountName ?? 'Kefu',
            timezone: 'UTC',
            event_seq: 0,
            created_at: deps.clock.now(),
          })
          .execute()
      }
      const admin = await deps.agents.insertAgent({
        ...input,
        accountId: account.id,
        role: 'admin',
      })
      const hasInbox = await k
        .selectFrom('inboxes')
        .select('id')
        .where('account_id', '=', account.id)
        .executeTakeFirst()
      if (!hasInbox) {
        await deps.inboxes.createWidgetInbox({
          accountId: account.id,
          name: 'Website',
          settings: { greeting: 'Hi! Ask us anything — we usually reply in a few minutes.' },
          memberIds: [admin.id],
        })
      }
      return admin
    },
  }
}

export type AccountsUsecases = ReturnType<typeof createAccountsUsecases>
