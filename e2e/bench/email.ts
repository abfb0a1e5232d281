// Email benchmarks: end-to-end ingest rate over a varied corpus, arrival latency under IMAP IDLE
// against a real Dovecot, and the quote-stripping pass rate of the repository's fixture corpus.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCorpus } from '../../packages/server/src/channels/email/email.corpus.js'
import { openDatabase } from '../../packages/server/src/db/dialects.js'
import { migrateToLatest } from '../../packages/server/src/db/migrate.js'
import { createServices } from '../../packages/server/src/services.js'
import { createLogger } from '../../packages/server/src/shared/logger.js'
import { startDovecot } from '../../packages/server/src/test/dovecot.js'

const FIXTURES = join(import.meta.dirname, '../../packages/server/src/channels/email/fixtures')

/** 1,200 distinct messages made from the fixture corpus: new ids, senders and subjects. */
function corpus(count = 1200): Buffer[] {
  const sources = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(FIXTURES, f), 'latin1'))
  const out: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length]!
    const varied = src
      .replace(/^Message-ID:\s*<([^>]*)>/im, `Message-ID: <bench${i}.$1>`)
      .replace(/^From:(.*)<([^@>]+)@([^>]+)>/im, `From:$1<$2+${i % 300}@$3>`)
    out.push(Buffer.from(varied, 'latin1'))
  }
  return out
}

async function withKefu<T>(
  fn: (services: ReturnType<typeof createServices>, url: string) => Promise<T>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-mail-'))
  const url = `sqlite:${join(dir, 'kefu.db')}`
  const db = openDatabase(url)
  await migrateToLatest(db)
  const services = createServices({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir: dir,
      databaseUrl: url,
      publicUrl: 'http://localhost',
      secret: 'b'.repeat(43),
      secretSource: 'env',
      logLevel: 'silent',
      trustProxy: false,
    },
    db,
    logger: createLogger({ level: 'silent' }),
  })
  try {
    return await fn(services, url)
  } finally {
    await services.email.stop()
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function emailInbox(services: ReturnType<typeof createServices>, imapPort: number) {
  const admin = await services.accounts.createAdmin({
    name: 'Bench',
    email: 'bench@acme.test',
    password: 'bench password 1',
  })
  const inbox = await services.inboxes.createWidgetInbox({
    accountId: admin.accountId,
    name: 'unused',
  })
  await services.db.kysely
    .updateTable('inboxes')
    .set({ kind: 'email', public_token: null })
    .where('id', '=', inbox.id)
    .execute()
  await services.email.mailboxes.save(inbox.id, {
    imap: {
      host: '127.0.0.1',
      port: imapPort,
      tls: false,
      user: 'support',
      password: 'bench-imap-1',
      folder: 'INBOX',
    },
    smtp: { host: '127.0.0.1', port: 1, tls: false, user: 'support', password: 'x' },
    fromName: 'Support',
    fromAddress: 'support@acme.test',
    syncDays: 0,
  })
  return { accountId: admin.accountId, inboxId: inbox.id }
}

export async function emailBenchmarks(row: (name: string, value: string, target?: string) => void) {
  const messages = corpus()
  await withKefu(async (services) => {
    const { accountId, inboxId } = await emailInbox(services, 1)
    const target = { accountId, inboxId, ownAddresses: ['support@acme.test'] }
    const t0 = performance.now()
    let stored = 0
    for (const raw of messages) {
      const r = await services.email.ingest.ingest(target, raw)
      if (r.status !== 'quarantined') stored++
    }
    const seconds = (performance.now() - t0) / 1000
    row(
      'emails ingested per second (parse + thread + store + event)',
      `${Math.round(messages.length / seconds)}/s (${messages.length} varied messages, ${stored} stored, SQLite)`,
      '≥ 300/s',
    )
  })

  const user = { user: 'support', password: 'bench-imap-1' }
  const imap = await startDovecot([user])
  try {
    await withKefu(async (services) => {
      const { inboxId } = await emailInbox(services, imap.port)
      await services.email.start({ pollMs: 60_000, leaseMs: 30_000 })
      const k = services.db.kysely
      for (;;) {
        const state = await k
          .selectFrom('email_sync_state')
          .select('last_sync_at')
          .where('inbox_id', '=', inboxId)
          .executeTakeFirst()
        if (state?.last_sync_at) break
        await new Promise((r) => setTimeout(r, 50))
      }
      await new Promise((r) => setTimeout(r, 1000))
      const latencies: number[] = []
      for (let i = 0; i < 20; i++) {
        const id = `latency${i}@customer.test`
        const t = performance.now()
        await imap.deliver(
          user,
          `From: c${i}@customer.test\r\nTo: support@acme.test\r\nSubject: latency ${i}\r\nMessage-ID: <${id}>\r\n\r\nhello ${i}\r\n`,
        )
        for (;;) {
          const row = await k
            .selectFrom('messages')
            .select('id')
            .where('external_id', '=', id)
            .executeTakeFirst()
          if (row) break
          await new Promise((r) => setTimeout(r, 10))
        }
        latencies.push(performance.now() - t)
        await new Promise((r) => setTimeout(r, 700))
      }
      latencies.sort((a, b) => a - b)
      row(
        'email arrival → stored and pushed, under IDLE (p50 / max)',
        `${Math.round(latencies[10]!)} / ${Math.round(latencies.at(-1)!)} ms (Dovecot APPEND included, 20 mails)`,
        '< 2 s',
      )
    })
  } finally {
    await imap.stop()
  }

  const quotes = await runCorpus()
  row(
    'quote-stripping pass rate (fixture corpus)',
    `${quotes.passed}/${quotes.total} (${((100 * quotes.passed) / quotes.total).toFixed(1)}%)`,
  )
}
