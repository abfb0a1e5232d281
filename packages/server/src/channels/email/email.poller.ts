import type { ImapFlow } from 'imapflow'
import type { CoreDeps } from '../../shared/deps.js'
import type { Leases } from '../../shared/leases.js'
import { describeImapError, imapClient } from './email.clients.js'
import type { EmailIngest } from './email.ingest.js'
import { DEFAULT_EMAIL_LIMITS } from './email.limits.js'
import type { MailboxCredentials, Mailboxes } from './email.mailboxes.js'

// One poller per mailbox, held by whichever Kefu process owns the mailbox's lease. It waits in
// IMAP IDLE (imapflow idles on its own when the connection is quiet) and syncs on every EXISTS
// notification, with a periodic poll as a fallback for servers that drop IDLE silently.

const LEASE_MS = 30_000
const POLL_MS = 60_000
const CHUNK = 50

export interface PollerDeps extends CoreDeps {
  mailboxes: Mailboxes
  ingest: EmailIngest
  leases: Leases
}

export class ImapPoller {
  private stopped = false
  private wake: (() => void) | undefined
  private client: ImapFlow | undefined
  private failures = 0
  private nudged = false
  private stopWake: (() => void) | undefined
  /** Failed attempts to store the same UID: after a few it is quarantined, never retried forever. */
  private storeFailures = new Map<number, number>()
  readonly done: Promise<void>

  constructor(
    private readonly deps: PollerDeps,
    readonly inboxId: string,
    private readonly accountId: string,
    private readonly timing = { pollMs: POLL_MS, leaseMs: LEASE_MS },
  ) {
    this.done = this.run()
  }

  /** Sync soon: new mail was announced, or settings changed. */
  nudge(): void {
    // Remembered when nobody sleeps yet: EXISTS often arrives while a sync is still running.
    this.nudged = true
    this.wake?.()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.nudge()
    this.stopWake?.()
    this.client?.close()
    await this.done
    await this.deps.leases.release(this.leaseName).catch(() => {})
  }

  private get leaseName() {
    return `imap:${this.inboxId}`
  }

  /** A wait that new-mail nudges do not cut short: backoff after failures. Only stop() ends it. */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.stopWake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.stopWake = done
    })
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.nudged = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wake = done
    })
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const leased = await this.deps.leases
        .acquire(this.leaseName, this.timing.leaseMs)
        .catch(() => false)
      if (!leased) {
        await this.backoff(this.timing.leaseMs / 3)
        continue
      }
      try {
        await this.session(await this.deps.mailboxes.credentials(this.inboxId))
        this.failures = 0
      } catch (err) {
        if (this.stopped) break
        this.failures += 1
        await this.recordError(err)
        await this.backoff(this.backoffMs(err))
      } finally {
        await this.setConnected(false)
        const client = this.client
        this.client = undefined
        client?.close()
      }
    }
  }

  /** Failed logins wait minutes (no lockouts, no tight loops); other failures back off exponentially. */
  private backoffMs(err: unknown): number {
    const e = err as { authenticationFailed?: boolean; responseText?: string }
    if (e?.authenticationFailed) return 5 * 60_000
    const throttled = /THROTTLED|LIMIT|TOO MANY/i.test(e?.responseText ?? '')
    const base = Math.min(60_000, 1000 * 2 ** Math.min(this.failures, 6))
    return (throttled ? base * 4 : base) * (0.75 + Math.random() * 0.5)
  }

  private async session(creds: MailboxCredentials): Promise<void> {
    const client = imapClient(creds.imap)
    this.client = client
    let closed = false
    // Only the live session's client may wake the loop: a dead one's late events must not cut
    // a backoff short (that would turn a refused login into a reconnect storm).
    const current = () => this.client === client && !closed
    client.on('exists', () => {
      if (current()) this.nudge()
    })
    const ended = () => {
      if (!current()) return
      closed = true
      this.nudge()
    }
    client.on('close', ended)
    client.on('error', ended)
    await client.connect()
    await this.setConnected(true)
    let lastRenew = Date.now()
    while (!this.stopped && !closed) {
      // Hold the mailbox lock only while syncing: imapflow enters IDLE by itself once the
      // connection is free, and IDLE is what tells us about new mail within a second.
      const lock = await client.getMailboxLock(creds.imap.folder)
      this.nudged = false
      try {
        await this.sync(client, creds)
      } finally {
        lock.release()
      }
      await this.markSynced()
      await this.sleep(Math.min(this.timing.pollMs, this.timing.leaseMs / 3))
      if (Date.now() - lastRenew >= this.timing.leaseMs / 3) {
        if (!(await this.deps.leases.acquire(this.leaseName, this.timing.leaseMs))) return
        lastRenew = Date.now()
      }
    }
    if (closed && !this.stopped) throw new Error('IMAP connection closed')
  }

  /** Brings the database up to the mailbox: every UID after the cursor, in order. */
  async sync(client: ImapFlow, creds: MailboxCredentials): Promise<void> {
    const k = this.deps.db.kysely
    const mailbox = client.mailbox
    if (!mailbox) throw new Error('no mailbox selected')
    const uidvalidity = Number(mailbox.uidValidity)
    let state = await k
      .selectFrom('email_sync_state')
      .selectAll()
      .where('inbox_id', '=', this.inboxId)
      .executeTakeFirst()
    if (!state) {
      await k
        .insertInto('email_sync_state')
        .values({
          inbox_id: this.inboxId,
          uidvalidity: null,
          last_uid: 0,
          connected: 1,
          last_sync_at: null,
          last_error: null,
          last_error_at: null,
          updated_at: Date.now(),
        })
        .onConflict((oc) => oc.column('inbox_id').doNothing())
        .execute()
      state = await k
        .selectFrom('email_sync_state')
        .selectAll()
        .where('inbox_id', '=', this.inboxId)
        .executeTakeFirstOrThrow()
    }

    let uids: number[]
    // After a window scan the cursor moves to the end of the folder as it was when selected, so
    // older mail outside the window is never pulled in by the next "last_uid+1:*" pass.
    let windowEnd: number | null = null
    if (state.uidvalidity !== uidvalidity) {
      // First sync, or the server renumbered the folder (UIDVALIDITY changed, RFC 3501 §2.3.1.1):
      // the old UIDs mean nothing now. Rescan the sync window; Message-ID dedupe keeps it from
      // storing anything twice.
      await k
        .updateTable('email_sync_state')
        .set({ uidvalidity, last_uid: 0, updated_at: Date.now() })
        .where('inbox_id', '=', this.inboxId)
        .execute()
      const since = new Date(Date.now() - creds.syncDays * 24 * 3600_000)
      const found = creds.syncDays > 0 ? await client.search({ since }, { uid: true }) : []
      uids = (found || []).map(Number)
      windowEnd = Math.max(0, Number(mailbox.uidNext ?? 1) - 1)
    } else {
      // "N:*" always matches the newest message even when its UID is below N, so filter again.
      const found = await client.search({ uid: `${state.last_uid + 1}:*` }, { uid: true })
      uids = (found || []).map(Number).filter((uid) => uid > state.last_uid)
    }
    uids.sort((a, b) => a - b)

    const target = {
      accountId: this.accountId,
      inboxId: this.inboxId,
      ownAddresses: [creds.fromAddress, creds.imap.user, creds.smtp.user].filter((a) =>
        a.includes('@'),
      ),
    }
    for (let i = 0; i < uids.length && !this.stopped; i += CHUNK) {
      // A long first sync must not outlive the lease, or another process would start polling.
      if (!(await this.deps.leases.acquire(this.leaseName, this.timing.leaseMs))) return
      const chunk = uids.slice(i, i + CHUNK)
      // Headers first: mail we already hold (a rescan, another process) costs no body download,
      // and mail over the size limit is never downloaded whole.
      const heads = await client.fetchAll(
        chunk.join(','),
        { uid: true, size: true, headers: ['message-id'] },
        { uid: true },
      )
      const known = new Set<number>()
      const oversized = new Map<number, Buffer>()
      for (const head of heads) {
        const headers = head.headers ?? Buffer.alloc(0)
        const id = /<([^>]+)>/.exec(headers.toString('utf8'))?.[1]
        if (id && (await this.deps.ingest.isStored(this.inboxId, id))) known.add(Number(head.uid))
        else if ((head.size ?? 0) > DEFAULT_EMAIL_LIMITS.maxBytes)
          oversized.set(Number(head.uid), headers)
      }
      for (const uid of chunk) {
        if (this.stopped) return
        const at = { uidvalidity, uid }
        if (known.has(uid)) {
          await this.deps.ingest.advanceCursor(this.inboxId, at)
          continue
        }
        const tooBig = oversized.get(uid)
        if (tooBig) {
          await this.deps.ingest.quarantine(
            target,
            tooBig,
            'too_large',
            'Over the size limit; only its headers were kept.',
            at,
          )
          continue
        }
        const message = await client.fetchOne(
          String(uid),
          { uid: true, source: true },
          { uid: true },
        )
        if (message === false || !message.source) {
          // Expunged between search and fetch: nothing to store, move on.
          await this.deps.ingest.advanceCursor(this.inboxId, at)
          continue
        }
        try {
          await this.deps.ingest.ingest(target, message.source, at)
          this.storeFailures.delete(uid)
        } catch (err) {
          // Parse failures are quarantined by ingest itself; this is a storage failure. Retry it
          // a few times (the database may be briefly away), then quarantine it so the mail
          // behind it still arrives.
          const failures = (this.storeFailures.get(uid) ?? 0) + 1
          this.storeFailures.set(uid, failures)
          if (failures < 3) throw err
          this.storeFailures.delete(uid)
          const reason = err instanceof Error ? err.message : String(err)
          await this.deps.ingest.quarantine(target, message.source, 'store_failed', reason, at)
        }
      }
    }
    if (windowEnd !== null)
      await this.deps.ingest.advanceCursor(this.inboxId, { uidvalidity, uid: windowEnd })
  }

  private async setConnected(connected: boolean) {
    await this.deps.db.kysely
      .updateTable('email_sync_state')
      .set({ connected: connected ? 1 : 0, updated_at: Date.now() })
      .where('inbox_id', '=', this.inboxId)
      .execute()
      .catch(() => {})
  }

  private async markSynced() {
    await this.deps.db.kysely
      .updateTable('email_sync_state')
      .set({ last_sync_at: Date.now(), last_error: null, updated_at: Date.now() })
      .where('inbox_id', '=', this.inboxId)
      .execute()
  }

  private async recordError(err: unknown) {
    const message = describeImapError(err)
    this.deps.logger.warn({ inboxId: this.inboxId, error: message }, 'imap sync failed')
    await this.deps.db.kysely
      .insertInto('email_sync_state')
      .values({
        inbox_id: this.inboxId,
        uidvalidity: null,
        last_uid: 0,
        connected: 0,
        last_sync_at: null,
        last_error: message,
        last_error_at: Date.now(),
        updated_at: Date.now(),
      })
      .onConflict((oc) =>
        oc
          .column('inbox_id')
          .doUpdateSet({ last_error: message, last_error_at: Date.now(), connected: 0 }),
      )
      .execute()
      .catch(() => {})
  }
}
