#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/dialects.js'
import { migrateToLatest } from './db/migrate.js'
import { startKefu } from './main.js'
import { createServices } from './services.js'
import { AppError } from './shared/errors.js'
import { createLogger } from './shared/logger.js'

const HELP = `kefu — the Kefu customer-support desk

Usage:
  kefu start                       run the server (migrates the database first)
  kefu migrate                     bring the database schema up to date and exit
  kefu create-admin --email EMAIL [--name NAME] [--password-stdin]
                                   add an admin; without --password-stdin a password is
                                   generated and printed once
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
  const config = loadConfig()

  if (command === 'start') {
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
        '  or from a shell: kefu create-admin --email you@example.com',
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
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    process.once('SIGINT', () => shutdown('SIGINT'))
    return -1
  }

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
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`)
    return 2
  } finally {
    await db.close()
  }
}

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
