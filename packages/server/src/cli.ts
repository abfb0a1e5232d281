#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from './config.js'
import { AppError } from './shared/errors.js'

// Commands import what they need when they run: `kefu email parse` must answer without loading
// the database or the server.

const HELP = `kefu — the Kefu customer-support desk

Usage:
  kefu start                       run the server (migrates the database first)
  kefu migrate                     bring the database schema up to date and exit
  kefu create-admin --email EMAIL [--name NAME] [--password-stdin]
                                   add an admin; without --password-stdin a password is
                                   generated and printed once
  kefu import mail PATH --inbox ID [--json]
                                   import an mbox file or a folder of .eml files into an
                                   email inbox (dedupe and threading as for live mail)
  kefu email parse FILE.eml [--json]
                                   print what Kefu understands of one email (no database)
  kefu --help                      this text

Configuration comes from environment variables (PORT, HOST, DATA_DIR, DATABASE_URL,
PUBLIC_URL, KEFU_SECRET, LOG_LEVEL, TRUST_PROXY); see the README for each and its default.
`

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP)
    return command ? 0 : 1
  }
  if (command === 'email') {
    const { runEmailCommand } = await import('./channels/email/email.cli.js')
    return runEmailCommand(rest)
  }

  const config = loadConfig()

  if (command === 'start') {
    const { startKefu } = await import('./main.js')
    const kefu = await startKefu(config)
    const base = config.publicUrl
    const lines = [
      '',
      `  Kefu is running.`,
      `  Inbox (agents):     ${base}/`,
      `  Demo website:       ${base}/demo`,
    ]
    if (kefu.services.setup.token) {
      lines.push(
        '',
        '  First run: create your admin account here (this link works once):',
        `    ${base}/setup?token=${kefu.services.setup.token}`,
        '  or from a shell: pnpm kefu create-admin --email you@example.com',
      )
    }
    process.stdout.write(`${lines.join('\n')}\n\n`)
    const shutdown = (signal: string) => {
      kefu.services.logger.info({ signal }, 'shutting down')
      kefu.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    // A background failure (an email pass, a socket) is logged; it must not stop the server.
    process.on('unhandledRejection', (err) => {
      kefu.services.logger.error({ err }, 'unhandled rejection')
    })
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    process.once('SIGINT', () => shutdown('SIGINT'))
    return -1
  }

  const { openDatabase } = await import('./db/dialects.js')
  const { migrateToLatest } = await import('./db/migrate.js')
  const { createServices } = await import('./services.js')
  const { createLogger } = await import('./shared/logger.js')
  const logger = createLogger({ level: 'warn' })
  const db = openDatabase(config.databaseUrl)
  try {
    if (command === 'migrate') {
      const applied = await migrateToLatest(db)
      process.stdout.write(
        applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n',
      )
      return 0
    }
    if (command === 'create-admin') {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          'password-stdin': { type: 'boolean', default: false },
        },
        strict: true,
      })
      if (!values.email) {
        process.stderr.write('create-admin needs --email EMAIL\n')
        return 2
      }
      await migrateToLatest(db)
      const generated = !values['password-stdin']
      const password = generated ? randomBytes(12).toString('base64url') : await readStdin()
      if (password.length < 10) {
        process.stderr.write('The password must have at least 10 characters.\n')
        return 2
      }
      const services = createServices({ config, db, logger })
      const admin = await services.accounts.createAdmin({
        email: values.email,
        name: values.name ?? values.email.split('@')[0] ?? 'Admin',
        password,
      })
      process.stdout.write(`Created admin ${admin.email}.\n`)
      if (generated)
        process.stdout.write(`One-time password (change it after signing in): ${password}\n`)
      return 0
    }
    if (command === 'import') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { inbox: { type: 'string' }, json: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      })
      const [what, path] = positionals
      if (what !== 'mail' || !path || !values.inbox) {
        process.stderr.write('Usage: kefu import mail PATH --inbox ID [--json]\n')
        return 2
      }
      await migrateToLatest(db)
      const services = createServices({ config, db, logger })
      const inbox = await db.kysely
        .selectFrom('inboxes')
        .select(['id', 'account_id'])
        .where('id', '=', values.inbox)
        .where('kind', '=', 'email')
        .executeTakeFirst()
      const mailbox = inbox && (await services.email.mailboxes.find(inbox.id))
      if (!inbox || !mailbox) {
        process.stderr.write(`No email inbox with id ${values.inbox}.\n`)
        return 2
      }
      const { importMail } = await import('./channels/email/email.import.js')
      const counts = await importMail({
        ingest: services.email.ingest,
        target: {
          accountId: inbox.account_id,
          inboxId: inbox.id,
          ownAddresses: [mailbox.from_address, mailbox.imap_user].filter((a) => a.includes('@')),
        },
        path,
        onResult: (r) => {
          const line = {
            messageId: r.messageId,
            conversationId: r.conversationId,
            rule: r.status === 'imported' ? r.rule : null,
            status: r.status === 'bounce' ? 'imported' : r.status,
          }
          process.stdout.write(
            values.json
              ? `${JSON.stringify(line)}\n`
              : `${line.status.padEnd(11)} ${r.messageId ?? r.source}\n`,
          )
        },
      })
      if (!values.json) {
        process.stdout.write(
          `Imported ${counts.imported}, duplicates ${counts.duplicate}, quarantined ${counts.quarantined}, skipped ${counts.skipped}.\n`,
        )
      }
      return 0
    }
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`)
    return 2
  } finally {
    await db.close()
  }
}

// `kefu import mail … | head` closes our stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof AppError) {
      process.stderr.write(`${err.message}\n`)
    } else {
      process.stderr.write(`kefu: ${err instanceof Error ? err.message : String(err)}\n`)
    }
    process.exitCode = 1
  },
)
