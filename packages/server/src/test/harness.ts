import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createApp } from '../app.js'
import type { Config } from '../config.js'
import { type Db, openDatabase } from '../db/dialects.js'
import { migrateToLatest } from '../db/migrate.js'
import { createServices, type Services } from '../services.js'
import type { Clock } from '../shared/clock.js'
import { createLogger } from '../shared/logger.js'

// Tests run against real databases: a fresh SQLite file always, and a fresh PostgreSQL database
// when KEFU_TEST_PG=1 or in CI. In CI a missing PostgreSQL fails the run instead of skipping it.

export type DbKind = 'sqlite' | 'postgres'

export const PG_ADMIN_URL =
  process.env.KEFU_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export function dbKinds(): DbKind[] {
  const pgWanted = process.env.CI === 'true' || process.env.KEFU_TEST_PG === '1'
  return pgWanted ? ['sqlite', 'postgres'] : ['sqlite']
}

export async function createTestDb(
  kind: DbKind,
): Promise<{ db: Db; url: string; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-test-'))
    const url = `sqlite:${join(dir, 'kefu.db')}`
    const db = openDatabase(url)
    await migrateToLatest(db)
    return {
      db,
      url,
      cleanup: async () => {
        await db.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const name = `kefu_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  const db = openDatabase(url.toString())
  await migrateToLatest(db)
  return {
    db,
    url: url.toString(),
    cleanup: async () => {
      await db.close()
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      // pg's pool.end() resolves before its sockets have closed; forcing the drop while they
      // close reaches them as an "administrator command" error nobody listens for any more.
      for (let i = 0; i < 40; i++) {
        const open = await c.query(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        )
        if (open.rows[0]?.n === 0) break
        await new Promise((r) => setTimeout(r, 50))
      }
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export const TEST_ORIGIN = 'http://kefu.test'

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: tmpdir(),
    databaseUrl: 'sqlite::memory:',
    publicUrl: TEST_ORIGIN,
    secret: 'x'.repeat(43),
    secretSource: 'env',
    logLevel: 'silent',
    trustProxy: false,
    ...overrides,
  }
}

export const PASSWORD = 'correct horse battery'

/** A Kefu with an account, an admin, a website inbox, and helpers to call its HTTP API. */
export async function createTestKefu(
  kind: DbKind,
  options: { clock?: Clock; config?: Partial<Config> } = {},
) {
  const t = await createTestDb(kind)
  const services = createServices({
    config: testConfig({ ...options.config, databaseUrl: t.url }),
    db: t.db,
    clock: options.clock,
    // KEFU_TEST_LOG=debug shows the server's log while a test runs.
    logger: createLogger({ level: process.env.KEFU_TEST_LOG ?? 'silent' }),
  })
  const app = createApp(services)
  const admin = await services.accounts.createAdmin({
    accountName: 'Acme',
    name: 'Ada Admin',
    email: 'ada@acme.test',
    password: PASSWORD,
  })
  const inbox = await services.inboxes.firstWidgetInbox()
  if (!inbox?.public_token) throw new Error('the first admin should come with a website inbox')

  async function request(
    method: string,
    path: string,
    options: {
      body?: unknown
      raw?: string
      cookie?: string
      bearer?: string
      origin?: string | null
    } = {},
  ) {
    const headers: Record<string, string> = {}
    if (options.body !== undefined || options.raw !== undefined)
      headers['content-type'] = 'application/json'
    if (options.cookie) headers.cookie = options.cookie
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`
    if (options.origin !== null) headers.origin = options.origin ?? TEST_ORIGIN
    const res = await app.request(`${TEST_ORIGIN}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    })
    const text = await res.text()
    // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected ad hoc
    const json: any =
      text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined
    return { status: res.status, json, headers: res.headers, text }
  }

  async function signIn(email: string, password = PASSWORD): Promise<string> {
    const res = await request('POST', '/api/auth/login', { body: { email, password } })
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`)
    const cookie = res.headers.get('set-cookie')?.split(';')[0]
    if (!cookie) throw new Error('no session cookie')
    return cookie
  }

  async function addAgent(input: {
    email: string
    name: string
    role?: 'admin' | 'supervisor' | 'agent'
    inboxIds?: string[]
  }) {
    const agent = await services.agents.insertAgent({
      accountId: admin.accountId,
      email: input.email,
      name: input.name,
      role: input.role ?? 'agent',
      password: PASSWORD,
    })
    for (const inboxId of input.inboxIds ?? []) {
      await t.db.kysely
        .insertInto('inbox_members')
        .values({ inbox_id: inboxId, agent_id: agent.id })
        .execute()
    }
    return agent
  }

  async function startVisitor(token = inbox!.public_token!) {
    const res = await request('POST', '/api/widget/session', { body: { inbox: token } })
    if (res.status !== 200) throw new Error(`widget session failed: ${res.text}`)
    return res.json as { visitorToken: string; visitorId: string }
  }

  return {
    kind,
    db: t.db,
    services,
    app,
    admin,
    inbox,
    request,
    signIn,
    addAgent,
    startVisitor,
    cleanup: t.cleanup,
  }
}

export type TestKefu = Awaited<ReturnType<typeof createTestKefu>>
export type { Services }
